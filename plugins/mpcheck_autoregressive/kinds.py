"""Answer kinds of this topic: a 0/1 mask and a list of indices, both compared exactly.

They read answers like the core's Matrix and Vector kinds (any of their layouts), but say what to
type, accept no tolerance (a mask entry is kept or cut; an index is right or wrong), and are
perturbed by flipping a bit or moving an index rather than by a rounding error. Entries written as
plain whole numbers are read directly; anything else (``2/2``, ``1.0``) goes through the core's
arithmetic reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mpcheck.answers.arrays import Matrix, Vector, list_positions, split_rows
from mpcheck.answers.base import Match
from mpcheck.answers.split import check_count, screen, split_entries, strip_outer

BITS = (0, 1)


def _whole(token: str) -> bool:
    return token.isdigit() and len(token) <= 12


def _exact_compare(labels: list[str], given: list[float], expected: list[float]) -> Match:
    """Entry by entry, exactly: which entries are wrong."""
    wrong = [label for label, g, e in zip(labels, given, expected) if g != e]
    if not wrong:
        return Match(True, method="exact")
    return Match(False, f"{len(wrong)} of {len(expected)} entries are wrong: {list_positions(wrong)}.",
                 method="exact")


@dataclass(frozen=True)
class Mask(Matrix):
    """A 0/1 matrix; JSON list of rows of 0s and 1s."""

    rtol: float = 0.0
    atol: float = 0.0

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return "Answer with a 0/1 matrix, rows separated by ; or new lines, e.g. 1 1 1; 1 0 0; 0 0 0."

    def parse(self, text: str) -> list[list[float]]:
        rows = split_rows(screen(text))
        cells = [split_entries(strip_outer(row, "[")) for row in rows]
        check_count(sum(len(row) for row in cells))
        if cells and all(cells) and len({len(row) for row in cells}) == 1 and all(
                _whole(t) for row in cells for t in row):
            return [[int(t) for t in row] for row in cells]
        return super().parse(text)

    def from_json(self, value: Any) -> list[list[float]]:
        if (not isinstance(value, list) or not value or not all(isinstance(row, list) and row for row in value)
                or len({len(row) for row in value}) > 1):
            raise TypeError(f"expected a rectangular list of rows of 0s and 1s, got {value!r}"[:200])
        if not all(type(v) is int and v in BITS for row in value for v in row):
            raise ValueError(f"a mask holds only the integers 0 and 1, got {value!r}"[:200])
        return value

    def format(self, value: list[list[float]]) -> str:
        return "[" + ", ".join("[" + ", ".join(str(int(v)) for v in row) + "]" for row in value) + "]"

    def to_json(self, value: list[list[float]]) -> list[list[int]]:  # type: ignore[override]
        return [[int(v) for v in row] for row in value]

    def compare(self, given: list[list[float]], expected: list[list[float]]) -> Match:
        if (len(given), len(given[0])) != (len(expected), len(expected[0])):
            return super().compare(given, expected)  # the size message, and a word on a transpose
        if any(v not in BITS for row in given for v in row):
            return Match(False, "A mask holds only 0 (cut) and 1 (kept).", method="exact")
        labels = [f"({i}, {j})" for i in range(1, len(expected) + 1) for j in range(1, len(expected[0]) + 1)]
        return _exact_compare(labels, [v for row in given for v in row], [v for row in expected for v in row])

    def perturbations(self, expected: list[list[float]]) -> list[list[list[float]]]:
        rows, cols = len(expected), len(expected[0])
        flips = []
        for r, c in {(0, 0), (rows // 2, cols // 2), (rows - 1, cols - 1)}:
            copy = [list(row) for row in expected]
            copy[r][c] = 1 - copy[r][c]
            flips.append(copy)
        return flips + [[[1 - v for v in row] for row in expected]]


@dataclass(frozen=True)
class Indices(Vector):
    """A list of whole-number indices; JSON list of ints."""

    rtol: float = 0.0
    atol: float = 0.0

    @property
    def instructions(self) -> str:  # type: ignore[override]
        count = f"{self.length} " if self.length else ""
        return f"Answer with a list of {count}indices, e.g. [2, 1, 3]."

    def parse(self, text: str) -> list[float]:
        tokens = split_entries(strip_outer(screen(text)))
        check_count(len(tokens))
        if tokens and all(_whole(t) for t in tokens):
            return [int(t) for t in tokens]
        return super().parse(text)

    def from_json(self, value: Any) -> list[float]:
        if not isinstance(value, list) or not value or any(type(v) is not int for v in value):
            raise TypeError(f"expected a non-empty list of integers, got {value!r}"[:200])
        return value

    def compare(self, given: list[float], expected: list[float]) -> Match:
        if len(given) != len(expected):
            return super().compare(given, expected)
        return _exact_compare([f"entry {i}" for i in range(1, len(expected) + 1)], given, expected)

    def format(self, value: list[float]) -> str:
        return "[" + ", ".join(str(int(v)) for v in value) + "]"

    def to_json(self, value: list[float]) -> list[int]:  # type: ignore[override]
        return [int(v) for v in value]

    def perturbations(self, expected: list[float]) -> list[list[float]]:
        moved = [[v + 1 if i == j else v for j, v in enumerate(expected)] for i in {0, len(expected) - 1}]
        return moved + [list(expected) + [expected[-1]]]
