"""Cutting structured answers (lists, matrices, shapes) into entries, respecting brackets.

Everything here works on text already screened by ``numeric.normalise`` and
``numeric.check_brackets``, so brackets are balanced and shallow.
"""

from __future__ import annotations

from mpcheck.answers.numeric import (
    CLOSING,
    FUNCTIONS,
    MAX_DEPTH,
    OPENING,
    check_brackets,
    check_length,
    normalise,
)
from mpcheck.errors import AnswerError

#: Whole structured answers (a 64×64 matrix of short decimals fits).
MAX_ANSWER_CHARS = 60_000
MAX_ENTRIES = 4_096
BINARY_OPERATORS = "+-*/^"


def screen(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Length, characters and brackets of a whole answer; returns the normalised, stripped text."""
    check_length(text, limit)
    text = normalise(text)
    check_brackets(text, MAX_DEPTH)
    text = text.strip()
    if not text:
        raise AnswerError("the answer is empty")
    return text


def matching_close(text: str, start: int) -> int:
    """Index of the bracket closing the one opened at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in OPENING:
            depth += 1
        elif text[i] in CLOSING:
            depth -= 1
            if depth == 0:
                return i
    return -1


def strip_outer(text: str, brackets: str = "[(") -> str:
    """``[1, 2]`` → ``1, 2`` when the first bracket closes at the very end (not ``(1)+(2)``)."""
    text = text.strip()
    if text and text[0] in brackets and matching_close(text, 0) == len(text) - 1:
        return text[1:-1].strip()
    return text


def split_top(text: str, separators: str) -> list[str]:
    """Split at separators outside any bracket."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth -= 1
        elif depth == 0 and ch in separators:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def has_top(text: str, separators: str) -> bool:
    return len(split_top(text, separators)) > 1


def split_whitespace(text: str) -> list[str]:
    """Entries separated by spaces, MATLAB-style: ``1 -2 3`` is three entries, ``1 - 2`` and
    ``2 *3`` are one, and ``exp (1)`` stays a call."""
    tokens = [t for t in split_top(text, " \t\r\n") if t]
    entries: list[str] = []
    glue = False
    for token in tokens:
        joins_previous = token[0] in "*/^" or token in ("+", "-") or token.startswith("**")
        if entries and (glue or joins_previous):
            entries[-1] += " " + token
        else:
            entries.append(token)
        glue = token[-1] in BINARY_OPERATORS or token in FUNCTIONS
    return entries


def split_entries(text: str) -> list[str]:
    """One row or list: commas if there are any, else semicolons, else whitespace."""
    for separator in ",;":
        if has_top(text, separator):
            entries = [e.strip() for e in split_top(text, separator)]
            if entries and not entries[-1]:
                entries.pop()  # a trailing comma, as in Python
            if any(not e for e in entries):
                raise AnswerError(f"an entry is missing between two {separator!r}")
            return entries
    return split_whitespace(text)


def check_count(count: int, what: str = "entries") -> None:
    if count > MAX_ENTRIES:
        raise AnswerError(f"too many {what} ({count:,}; at most {MAX_ENTRIES:,})")
