"""Plain aligned tables for the listings (topics, problems, plugins), in the style of `pip list`.

The listings are what people run most and must start fast (DESIGN.md: within 1.2x of a bare Typer
app); importing Rich's console alone takes most of that allowance, so they print plain columns:
one line per row, easy to read and to grep. On a terminal the header is bold, colours mark
status, and the one flexible column is cut with "…" to fit the width; through a pipe nothing is
cut or coloured. ``NO_COLOR`` turns colour off, ``FORCE_COLOR`` on.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import NamedTuple, TextIO

CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}
GAP = "  "


class Cell(NamedTuple):
    text: str
    style: str = ""  # space-separated names from CODES


def colour_wanted(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def paint(text: str, style: str, colour: bool) -> str:
    if not (colour and style and text):
        return text
    return f"\x1b[{';'.join(CODES[name] for name in style.split())}m{text}\x1b[0m"


def print_lines(lines: list[list[tuple[str, str]]], stream: TextIO | None = None) -> None:
    """Lines of (text, style) pieces, the form ``Verdict.lines`` gives, coloured on a terminal."""
    stream = stream or sys.stdout
    colour = colour_wanted(stream)
    stream.write("".join("".join(paint(text, style, colour) for text, style in line) + "\n"
                         for line in lines))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def print_table(title: str, columns: list[str], rows: list[list[str | Cell]], *,
                right: tuple[str, ...] = (), flexible: str | None = None,
                stream: TextIO | None = None) -> None:
    """``title``, a header, then ``rows`` aligned under ``columns``; ``right`` columns are
    right-aligned; on a terminal, ``flexible`` is cut to make each line fit."""
    stream = stream or sys.stdout
    colour, terminal = colour_wanted(stream), stream.isatty()
    cells = [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows]
    widths = [max([len(name), *(len(row[i].text) for row in cells)]) for i, name in enumerate(columns)]
    if terminal and flexible in columns:
        at = columns.index(flexible)
        over = sum(widths) + len(GAP) * (len(widths) - 1) - shutil.get_terminal_size().columns
        if over > 0:
            widths[at] = max(len(columns[at]), widths[at] - over)
            cells = [[Cell(_cut(c.text, widths[at]), c.style) if i == at else c for i, c in enumerate(row)]
                     for row in cells]

    def line(row: list[Cell]) -> str:
        parts = []
        for i, (cell, width) in enumerate(zip(row, widths)):
            last = i == len(row) - 1
            pad = " " * (width - len(cell.text))
            text = paint(cell.text, cell.style, colour)
            parts.append(pad + text if columns[i] in right else text + ("" if last else pad))
        return GAP.join(parts).rstrip() + "\n"

    stream.write(paint(title, "bold", colour) + "\n" if title else "")
    stream.write(line([Cell(name, "bold") for name in columns]))
    stream.write(GAP.join("-" * width for width in widths) + "\n")
    for row in cells:
        stream.write(line(row))
