"""Rectangles of text for the terminal: a formula is one line, a matrix several, and a line of
prose with a matrix in it is the pieces side by side, aligned on their middle rows."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Terminal cells taken by ``text``: combining marks take none, wide (CJK) characters two."""
    total = 0
    for ch in text:
        if ch.isascii():
            total += 1
        elif unicodedata.combining(ch):
            continue
        else:
            total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return total


def pad(text: str, size: int, align: str = "l") -> str:
    gap = max(0, size - width(text))
    if align == "r":
        return " " * gap + text
    if align == "c":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


class Block:
    """Lines of text; ``base`` is the row that lines up with the text around it."""

    __slots__ = ("lines", "base")

    def __init__(self, lines: list[str], base: int = 0):
        self.lines, self.base = lines, base

    def __repr__(self) -> str:
        return f"Block({self.lines!r}, {self.base})"

    @classmethod
    def text(cls, text: str) -> Block:
        return cls([text], 0)

    @property
    def width(self) -> int:
        return max((width(line) for line in self.lines), default=0)

    @property
    def flat(self) -> bool:
        return len(self.lines) == 1

    def string(self) -> str:
        """A one-line block as a string (several lines joined by spaces otherwise)."""
        return self.lines[0] if self.flat else " ".join(line.strip() for line in self.lines)


def hconcat(blocks: list[Block]) -> Block:
    """Blocks side by side, their base rows on one line."""
    blocks = [b for b in blocks if b.lines]
    if not blocks:
        return Block([""])
    if all(b.flat for b in blocks):
        return Block(["".join(b.lines[0] for b in blocks)])
    above = max(b.base for b in blocks)
    below = max(len(b.lines) - 1 - b.base for b in blocks)
    rows = [""] * (above + below + 1)
    for b in blocks:
        w = b.width
        top = above - b.base
        for r in range(len(rows)):
            k = r - top
            rows[r] += pad(b.lines[k], w) if 0 <= k < len(b.lines) else " " * w
    return Block(rows, above)


def vstack(blocks: list[Block], base: int | None = None) -> Block:
    lines = [line for b in blocks for line in b.lines]
    return Block(lines, (len(lines) - 1) // 2 if base is None else base)


# -- matrices and grids ------------------------------------------------------------------------

BRACKETS = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "vmatrix": ("|", "|"),
            "Vmatrix": ("‖", "‖"), "Bmatrix": ("{", "}"), "matrix": ("", ""), "smallmatrix": ("", "")}


def _cells_grid(rows: list[list[Block]]) -> tuple[list[list[Block]], list[int], list[int]]:
    columns = max((len(row) for row in rows), default=0)
    rows = [row + [Block([""])] * (columns - len(row)) for row in rows]
    widths = [max((row[j].width for row in rows), default=0) for j in range(columns)]
    heights = [max((len(cell.lines) for cell in row), default=1) for row in rows]
    return rows, widths, heights


def _cell_lines(cell: Block, height: int) -> list[str]:
    top = (height - len(cell.lines)) // 2
    return [""] * top + cell.lines + [""] * (height - top - len(cell.lines))


def matrix(name: str, rows: list[list[Block]]) -> Block:
    """Rows in brackets, columns right-aligned: ``[ 1   0 ]`` over ``[ 3  0.5 ]``."""
    if not rows:
        return Block(["[ ]"])
    left, right = BRACKETS.get(name, ("[", "]"))
    rows, widths, heights = _cells_grid(rows)
    lines = []
    for row, height in zip(rows, heights):
        cells = [_cell_lines(cell, height) for cell in row]
        for k in range(height):
            body = "  ".join(pad(cells[j][k], widths[j], "r") for j in range(len(widths)))
            lines.append((left + " " if left else "") + body + (" " + right if right else ""))
    return Block(lines, (len(lines) - 1) // 2)


def parse_spec(spec: str) -> tuple[list[str], list[bool]]:
    """``{|c|l r|}`` → alignments ``["c", "l", "r"]`` and which of the column boundaries
    (left edge, between columns, right edge) carry a vertical rule."""
    aligns: list[str] = []
    bars = [False]
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch == "|":
            bars[-1] = True
        elif ch in "lcr":
            aligns.append(ch)
            bars.append(False)
        elif ch in "pmb" and i + 1 < len(spec) and spec[i + 1] == "{":
            aligns.append("l")
            bars.append(False)
            i = spec.find("}", i) if "}" in spec[i:] else len(spec)
        elif ch in "@!>" and i + 1 < len(spec) and spec[i + 1] == "{":
            i = spec.find("}", i) if "}" in spec[i:] else len(spec)
        i += 1
    return aligns, bars


def grid(spec: str, rows: list[list[Block]], hlines: set[int]) -> Block:
    """An ``array``: columns aligned as the spec says; ``|`` and ``\\hline`` drawn as box lines."""
    aligns, bars = parse_spec(spec)
    rows, widths, heights = _cells_grid(rows)
    while len(aligns) < len(widths):
        aligns.append("c")
        bars.append(False)
    widths += [0] * (len(aligns) - len(widths))
    ruled = any(bars) or bool(hlines)
    margin = 1 if ruled else 0

    def rule(position: str) -> str:
        left, middle, right = {"top": "┌┬┐", "middle": "├┼┤", "bottom": "└┴┘"}[position]
        out = []
        for b, bar in enumerate(bars):
            if b == 0:
                out.append(left if bar else "")
            elif b == len(bars) - 1:
                out.append(right if bar else "")
            else:
                out.append(middle if bar else "")
            if b < len(widths):
                out.append("─" * (widths[b] + 2 * margin))
        return "".join(out)

    def separator(b: int) -> str:
        if bars[b]:
            return "│"
        return "" if b in (0, len(bars) - 1) or ruled else "  "

    lines: list[str] = []
    for r, (row, height) in enumerate(zip(rows, heights)):
        if r in hlines:
            lines.append(rule("top" if r == 0 else "middle"))
        cells = [_cell_lines(cell, height) for cell in row] + [[""] * height] * (len(widths) - len(row))
        for k in range(height):
            parts = []
            for j, size in enumerate(widths):
                parts.append(separator(j))
                parts.append(" " * margin + pad(cells[j][k], size, aligns[j]) + " " * margin)
            parts.append(separator(len(widths)))
            lines.append("".join(parts))
    if len(rows) in hlines:
        lines.append(rule("bottom" if rows else "top"))
    return Block(lines or [""], (len(lines) - 1) // 2)


def aligned(rows: list[list[Block]]) -> Block:
    """``aligned``: columns alternately right- and left-aligned, pairs joined (``x &= 1``)."""
    rows, widths, heights = _cells_grid(rows)
    lines = []
    for row, height in zip(rows, heights):
        cells = [_cell_lines(cell, height) for cell in row]
        for k in range(height):
            parts = []
            for j, size in enumerate(widths):
                text = pad(cells[j][k], size, "r" if j % 2 == 0 else "l")
                if j % 2 == 1 and cells[j][k]:
                    text = " " + text
                elif j and j % 2 == 0:
                    text = "    " + text
                parts.append(text)
            lines.append("".join(parts).rstrip())
    return Block(lines or [""], (len(lines) - 1) // 2)


def cases(rows: list[list[Block]]) -> Block:
    """A left brace before rows of ``value`` and ``condition``."""
    rows, widths, heights = _cells_grid(rows)
    body = []
    for row, height in zip(rows, heights):
        cells = [_cell_lines(cell, height) for cell in row]
        for k in range(height):
            body.append("   ".join(pad(cells[j][k], widths[j]) for j in range(len(widths))).rstrip())
    n = len(body)
    if n <= 1:
        braces = ["{"] * n
    else:
        braces = ["⎧"] + ["⎪"] * (n - 2) + ["⎩"]
        if n >= 3:
            braces[(n - 1) // 2] = "⎨"
    return Block([f"{brace} {line}" for brace, line in zip(braces, body)] or ["{"], (n - 1) // 2 if n else 0)
