"""Answer kinds of this topic: a 0/1 mask and a list of indices, both compared exactly.

They read answers like the core's Matrix and Vector kinds (any of their layouts), but say what to
type, accept no tolerance (a mask entry is kept or cut; an index is right or wrong), and are
perturbed by flipping a bit or moving an index rather than by a rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mpcheck.answers.arrays import Matrix, Vector
from mpcheck.answers.base import Match


@dataclass(frozen=True)
class Mask(Matrix):
    """A 0/1 matrix; JSON list of rows of 0s and 1s."""

    rtol: float = 0.0
    atol: float = 0.0

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return "Answer with a 0/1 matrix, rows separated by ; or new lines, e.g. 1 1 1; 1 0 0; 0 0 0."

    def format(self, value: list[list[float]]) -> str:
        return "[" + ", ".join("[" + ", ".join(str(int(v)) for v in row) + "]" for row in value) + "]"

    def compare(self, given: list[list[float]], expected: list[list[float]]) -> Match:
        match = super().compare(given, expected)
        same_shape = (len(given), len(given[0])) == (len(expected), len(expected[0]))
        if not match.correct and same_shape and any(v not in (0, 1) for row in given for v in row):
            return Match(False, "A mask holds only 0 (cut) and 1 (kept).", method="exact")
        return match

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

    def from_json(self, value: Any) -> list[float]:
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            raise TypeError(f"expected a list of integers, got {value!r}"[:200])
        return super().from_json(value)

    def format(self, value: list[float]) -> str:
        return "[" + ", ".join(str(int(v)) for v in value) + "]"

    def to_json(self, value: list[float]) -> list[int]:  # type: ignore[override]
        return [int(v) for v in value]

    def perturbations(self, expected: list[float]) -> list[list[float]]:
        moved = [[v + 1 if i == j else v for j, v in enumerate(expected)] for i in {0, len(expected) - 1}]
        return moved + [list(expected) + [expected[-1]]]
