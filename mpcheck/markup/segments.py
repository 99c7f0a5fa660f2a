"""Cutting a text into prose, inline math ``$…$`` and display math ``$$…$$``."""

from __future__ import annotations

from typing import NamedTuple


class Segment(NamedTuple):
    kind: str  # "prose" | "inline" | "display"
    text: str
    start: int  # where the segment (with its dollars) starts and ends in the source
    end: int


def _closing(text: str, start: int, delimiter: str) -> int:
    """Index of the ``delimiter`` that closes math opened before ``start``, or -1. A ``$`` inside
    braces (``\\text{if $x$}``) or escaped (``\\$``) does not close it."""
    depth, i, n = 0, start, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == "$" and depth == 0:
            if text.startswith(delimiter, i):
                return i
            if delimiter == "$$":
                return -1  # a lone $ inside display math: malformed
        i += 1
    return -1


def split(text: str) -> list[Segment]:
    """The segments of ``text`` in order. A ``$`` that opens nothing (no partner) stays prose, as
    does ``\\$`` (turned into a plain dollar sign)."""
    out: list[Segment] = []
    prose: list[str] = []
    i, n = 0, len(text)
    prose_start = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and text.startswith("\\$", i):
            prose.append("$")
            i += 2
            continue
        if ch == "$":
            delimiter = "$$" if text.startswith("$$", i) else "$"
            end = _closing(text, i + len(delimiter), delimiter)
            if end >= 0:
                if prose:
                    out.append(Segment("prose", "".join(prose), prose_start, i))
                    prose = []
                kind = "display" if delimiter == "$$" else "inline"
                out.append(Segment(kind, text[i + len(delimiter):end], i, end + len(delimiter)))
                i = prose_start = end + len(delimiter)
                continue
            prose.append(delimiter)
            i += len(delimiter)
            continue
        prose.append(ch)
        i += 1
    if prose:
        out.append(Segment("prose", "".join(prose), prose_start, n))
    return out
