"""Lists of numbers: Vector, Matrix (entries with tolerance) and Shape (exact sizes)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import AnswerError, check_length, clip, normalise
from mpcheck.answers.reals import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    Tolerant,
    distance,
    format_real,
    near_miss,
    read_real,
    real_perturbations,
    tolerances,
    within,
)
from mpcheck.answers.scalars import number_from_json
from mpcheck.answers.split import (
    check_count,
    matching_close,
    screen,
    split_entries,
    split_top,
    strip_outer,
)

SHOWN_POSITIONS = 6


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"

def digits_clause(kind: Any, expected: Any) -> str:
    """"; each entry graded to … (give at least N significant digits)." (``kind.policy_words()``)
    — or just "." when every expected entry is a whole number (no rounding to speak of)."""
    if expected is not None and all_whole(expected):
        return "."
    return f"; each entry {kind.policy_words()}."


def all_whole(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(all_whole(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def read_entries(pieces: Sequence[str], where: str = "entry") -> list[float]:
    values = []
    for index, piece in enumerate(pieces, 1):
        try:
            values.append(read_real(piece))
        except AnswerError as exc:
            raise AnswerError(f"{where} {index}: {exc}") from None
    return values


def list_positions(labels: list[str]) -> str:
    shown = ", ".join(labels[:SHOWN_POSITIONS])
    return shown + (f" and {len(labels) - SHOWN_POSITIONS} more" if len(labels) > SHOWN_POSITIONS else "")


def compare_entries(given: list[float], expected: list[float], labels: list[str],
                    tols: Sequence[float]) -> Match:
    """Entry by entry within tolerance; says which entries are wrong and whether every wrong
    one is merely rounded too coarsely (near)."""
    wrong, needed = [], []
    for label, g, e, tol in zip(labels, given, expected, tols):
        if not within(g, e, tol):
            wrong.append(label)
            needed.append(near_miss(g, e, tol))
    if not wrong:
        return Match(True, method="tolerance")
    count = f"{len(wrong)} of {len(expected)} entries"
    if all(n is not None for n in needed):
        return Match(False, f"{count} ({list_positions(wrong)}) are rounded too coarsely: "
                     f"give at least {max(needed)} significant digits.", near=True, method="tolerance")
    return Match(False, f"{count} are wrong: {list_positions(wrong)}.", method="tolerance")


def entries_distance(given: list[float], expected: list[float], tols: Sequence[float]) -> float:
    """The largest entry's distance, in units of its tolerance."""
    if given == expected:
        return 0.0
    return max(distance(g, e, tol) for g, e, tol in zip(given, expected, tols))


def entries_in_reach(given: list[float], expected: list[float], tols: Sequence[float], reach: float) -> bool:
    """Whether every entry is within ``reach`` tolerances (stops at the first that is not)."""
    return all(abs(g - e) <= reach * tol for g, e, tol in zip(given, expected, tols))


def numbers_from_json(value: Any, length: int | None = None) -> list[float]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list of numbers, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise ValueError(f"expected {length} entries, got {len(value)}")
    return [number_from_json(v) for v in value]


@dataclass(frozen=True)
class Vector(Tolerant, AnswerKind):
    """A list of reals graded entry by entry by the policy of ``mpcheck.answers.reals``; JSON list.

    ``step_from`` makes it an update answer (see ``Real``): each entry's step from the starting
    point is judged, the answer stays the updated vector.
    """

    length: int | None = None
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    step_from: str | Callable[[dict], Any] | None = None
    reference: tuple[float, ...] | None = None
    name = "vector"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return self.instructions_for(None)

    def instructions_for(self, expected: Any, interactive: bool = False) -> str:
        count = f"{self.length} numbers" if self.length else "numbers"
        return f"Answer with a list of {count}, e.g. [0.5, -1, 2]" + digits_clause(self, expected)

    def parse(self, text: str) -> list[float]:
        body = strip_outer(screen(text))
        if not body:
            raise AnswerError("the list is empty")
        pieces = split_entries(body)
        check_count(len(pieces))
        return read_entries(pieces)

    def from_json(self, value: Any) -> list[float]:
        return numbers_from_json(value, self.length)

    def to_json(self, value: list[float]) -> list[float]:
        return [float(v) for v in value]

    def _texts(self, value: list[float], digits: int = 0) -> list[str]:
        tols = self.entry_tolerances(value) if self.reference else [None] * len(value)
        return [format_real(v, self.rtol, tol, digits) for v, tol in zip(value, tols)]

    def format(self, value: list[float]) -> str:
        return self.format_digits(value, 0)

    def format_digits(self, value: list[float], digits: int) -> str:
        return "[" + ", ".join(self._texts(value, digits)) + "]"

    def compare(self, given: list[float], expected: list[float]) -> Match:
        if len(given) != len(expected):
            return Match(False, f"Expected {_count(len(expected), 'entry', 'entries')}, got {len(given)}.")
        labels = [f"entry {i}" for i in range(1, len(expected) + 1)]
        return compare_entries(given, expected, labels, self.entry_tolerances(expected))

    def distance(self, given: list[float], expected: list[float]) -> float:
        if len(given) != len(expected):
            return math.inf
        return entries_distance(given, expected, self.entry_tolerances(expected))

    def in_reach(self, given: list[float], expected: list[float], reach: float) -> bool:
        return len(given) == len(expected) and entries_in_reach(
            given, expected, self.entry_tolerances(expected), reach)

    def rounded(self, value: list[float], digits: int) -> list[float]:
        return self.round_entries(value, digits)

    def equivalent_forms(self, expected: list[float]) -> list[str]:
        texts = self._texts(expected)
        scientific = [f"{v:.15e}" if self.reference else f"{v:.7e}" for v in expected]
        return list(dict.fromkeys([
            "[" + ", ".join(texts) + "]", "(" + ", ".join(texts) + ")", ", ".join(texts),
            " ".join(texts), "[" + "; ".join(texts) + "]", "[" + ",".join(texts) + "]",
            "[" + ", ".join(scientific) + "]", "\n".join(texts),
        ]))

    def perturbations(self, expected: list[float]) -> list[list[float]]:
        tols = self.entry_tolerances(expected)
        reference = self.reference_for(expected)
        values = []
        for index in {0, len(expected) - 1}:
            point = reference[index] if reference else None
            for value in real_perturbations(expected[index], tols[index], point, far=False):
                values.append([value if i == index else v for i, v in enumerate(expected)])
        swapped = swap_first_distinct(expected, tols)
        if swapped:
            values.append(swapped)
        values.append(list(expected) + [expected[-1]])
        if len(expected) > 1:
            values.append(list(expected[:-1]))
        return values


def swap_first_distinct(values: list[float], tols: Sequence[float]) -> list[float] | None:
    """The list with its first pair of clearly different entries swapped."""
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            if not within(values[i], values[j], tols[j]) and not within(values[j], values[i], tols[i]):
                swapped = list(values)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                return swapped
    return None


def is_row_group(piece: str) -> bool:
    return piece.startswith("[") and matching_close(piece, 0) == len(piece) - 1


def split_rows(text: str) -> list[str]:
    """``[[1,2],[3,4]]``, ``[1 2] [3 4]`` (one per line, too), ``[1 2; 3 4]``, ``1 2; 3 4``,
    or one row per line."""
    body = strip_outer(text, "[")
    pieces = [p for p in split_top(body, ",; \t\r\n") if p]
    check_count(len(pieces))
    if pieces and all(is_row_group(p) for p in pieces):
        return [p[1:-1] for p in pieces]
    separator = ";" if len(split_top(body, ";")) > 1 else "\n"
    return [row for row in split_top(body, separator) if row.strip()]


def transpose(rows: list[list[float]]) -> list[list[float]]:
    return [list(column) for column in zip(*rows)]


def _flatten(rows: list[list[float]]) -> list[float]:
    return [v for row in rows for v in row]


def _unflatten(flat: list[float], cols: int) -> list[list[float]]:
    return [flat[i:i + cols] for i in range(0, len(flat), cols)]


@dataclass(frozen=True)
class Matrix(Tolerant, AnswerKind):
    """A 2-D array of reals graded entry by entry by the policy of ``mpcheck.answers.reals``;
    JSON list of rows. ``step_from`` as for ``Vector`` (the starting point, row by row)."""

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    step_from: str | Callable[[dict], Any] | None = None
    reference: tuple[float, ...] | None = None
    name = "matrix"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return self.instructions_for(None)

    def instructions_for(self, expected: Any, interactive: bool = False) -> str:
        rows = ("on one line (1 2; 3 4 or [[1, 2], [3, 4]]) or one row per line, then an empty line"
                if interactive else "e.g. [[1, 2], [3, 4]] or 1 2; 3 4 (rows separated by ; or new lines)")
        return (f"Answer with a matrix, {rows}" + digits_clause(self, expected)[:-1]
                + ". Positions (row, column) count from 1.")

    def parse(self, text: str) -> list[list[float]]:
        rows = split_rows(screen(text))
        if not rows:
            raise AnswerError("the matrix is empty")
        cells = [split_entries(strip_outer(row, "[")) for row in rows]
        check_count(sum(len(row) for row in cells))
        widths = [len(row) for row in cells]
        if 0 in widths:
            raise AnswerError(f"row {widths.index(0) + 1} is empty")
        if len(set(widths)) > 1:
            raise AnswerError("rows have different lengths: " + ", ".join(
                f"row {i} has {w}" for i, w in enumerate(widths, 1)))
        return [read_entries(row, f"row {i}, entry") for i, row in enumerate(cells, 1)]

    def from_json(self, value: Any) -> list[list[float]]:
        if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
            raise TypeError(f"expected a non-empty list of non-empty rows, got {clip(repr(value))}")
        if len({len(r) for r in value}) > 1:
            raise ValueError("rows of a matrix must have equal lengths")
        return [numbers_from_json(r) for r in value]

    def to_json(self, value: list[list[float]]) -> list[list[float]]:
        return [[float(v) for v in row] for row in value]

    def _cells(self, value: list[list[float]], digits: int = 0) -> list[list[str]]:
        flat = _flatten(value)
        tols = self.entry_tolerances(flat) if self.reference else [None] * len(flat)
        return _unflatten([format_real(v, self.rtol, tol, digits) for v, tol in zip(flat, tols)],
                          len(value[0]))

    def format(self, value: list[list[float]]) -> str:
        return self.format_digits(value, 0)

    def format_digits(self, value: list[list[float]], digits: int) -> str:
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in self._cells(value, digits)) + "]"

    def compare(self, given: list[list[float]], expected: list[list[float]]) -> Match:
        shape_given, shape_expected = (len(given), len(given[0])), (len(expected), len(expected[0]))
        if shape_given != shape_expected:
            size = f"expected {shape_expected[0]}×{shape_expected[1]}, got {shape_given[0]}×{shape_given[1]}"
            if shape_given == shape_expected[::-1] and self._all_within(given, transpose(expected)):
                return Match(False, f"Transposed? Your matrix is the transpose of the answer ({size}).")
            return Match(False, f"Wrong size: {size}.")
        labels = [f"({i}, {j})" for i in range(1, len(expected) + 1) for j in range(1, len(expected[0]) + 1)]
        flat_expected = _flatten(expected)
        return compare_entries(_flatten(given), flat_expected, labels, self.entry_tolerances(flat_expected))

    def distance(self, given: list[list[float]], expected: list[list[float]]) -> float:
        if (len(given), len(given[0])) != (len(expected), len(expected[0])):
            return math.inf
        flat_expected = _flatten(expected)
        return entries_distance(_flatten(given), flat_expected, self.entry_tolerances(flat_expected))

    def in_reach(self, given: list[list[float]], expected: list[list[float]], reach: float) -> bool:
        if (len(given), len(given[0])) != (len(expected), len(expected[0])):
            return False
        flat_expected = _flatten(expected)
        return entries_in_reach(_flatten(given), flat_expected, self.entry_tolerances(flat_expected), reach)

    def rounded(self, value: list[list[float]], digits: int) -> list[list[float]]:
        return _unflatten(self.round_entries(_flatten(value), digits), len(value[0]))

    def _all_within(self, given: list[list[float]], expected: list[list[float]]) -> bool:
        flat_given, flat_expected = _flatten(given), _flatten(expected)
        # a transpose has no reference point of its own: compare it on the plain policy
        tols = tolerances(flat_expected, self.rtol, self.atol)
        return all(within(g, e, tol) for g, e, tol in zip(flat_given, flat_expected, tols))

    def equivalent_forms(self, expected: list[list[float]]) -> list[str]:
        cells = self._cells(expected)
        spaced = [" ".join(row) for row in cells]
        digits = 15 if self.reference else 7
        return list(dict.fromkeys([
            self.format(expected), "[[" + "],[".join(",".join(row) for row in cells) + "]]",
            "[" + "; ".join(spaced) + "]", "; ".join(spaced), "\n".join(spaced),
            "\n".join("[ " + "  ".join(row) + " ]" for row in cells),
            "[" + ";\n ".join(", ".join(row) for row in cells) + "]",
            "[" + ", ".join("[" + ", ".join(f"{v:.{digits}e}" for v in row) + "]" for row in expected) + "]",
        ]))

    def perturbations(self, expected: list[list[float]]) -> list[list[list[float]]]:
        rows, cols = len(expected), len(expected[0])
        flat = _flatten(expected)
        tols = self.entry_tolerances(flat)
        reference = self.reference_for(flat)
        values = []
        for r, c in {(0, 0), (rows - 1, cols - 1)}:
            index = r * cols + c
            point = reference[index] if reference else None
            for value in real_perturbations(expected[r][c], tols[index], point, far=False):
                copy = [list(row) for row in expected]
                copy[r][c] = value
                values.append(copy)
        swapped = swap_first_distinct(flat, tols)
        if swapped:
            values.append(_unflatten(swapped, cols))
        if rows != cols or not self._all_within(transpose(expected), expected):
            values.append(transpose(expected))
        return values


SHAPE_SEPARATORS = re.compile(r"[\s,xX*]+")
TORCH_SIZE = re.compile(r"\s*torch\.Size\s*\((.*)\)\s*", re.S)
MAX_SHAPE_CHARS = 1_000
MAX_DIMS = 32


@dataclass(frozen=True)
class Shape(AnswerKind):
    """A tensor shape such as 32x29x29; JSON list of ints."""

    name = "shape"
    instructions = "Answer with a shape, e.g. 16x32x32."

    def parse(self, text: str) -> list[int]:
        check_length(text, MAX_SHAPE_CHARS)
        text = normalise(text).strip()  # × becomes *, a separator here
        torch_size = TORCH_SIZE.fullmatch(text)
        if torch_size:
            text = torch_size[1]
        text = text.strip()
        if "**" in text or "^" in text:
            raise AnswerError("a shape has no powers; write sizes separated by x, e.g. 16x32x32")
        if text[:1] + text[-1:] in ("[]", "()"):
            text = text[1:-1]
        tokens = [t for t in SHAPE_SEPARATORS.split(text) if t]
        if not tokens:
            raise AnswerError("the answer is empty; write a shape such as 16x32x32")
        if len(tokens) > MAX_DIMS:
            raise AnswerError(f"too many dimensions ({len(tokens)}; at most {MAX_DIMS})")
        bad = [t for t in tokens if not (t.isdigit() and len(t) <= 12)]
        if bad:
            raise AnswerError(f"{clip(bad[0], 20)!r} is not a size; write whole numbers "
                              "separated by x, e.g. 16x32x32")
        return [int(t) for t in tokens]

    def from_json(self, value: Any) -> list[int]:
        if not isinstance(value, list) or not value or any(
                isinstance(d, bool) or not isinstance(d, int) or d < 0 for d in value):
            raise TypeError(f"expected a non-empty list of sizes ≥ 0, got {clip(repr(value))}")
        return list(value)

    def format(self, value: list[int]) -> str:
        return "x".join(str(d) for d in value)

    def compare(self, given: list[int], expected: list[int]) -> Match:
        if list(given) == list(expected):
            return Match(True)
        if len(given) != len(expected):
            return Match(False, f"Expected {_count(len(expected), 'dimension', 'dimensions')}, got {len(given)}.")
        if sorted(given) == sorted(expected):
            return Match(False, "The right sizes in the wrong order: check the layout of the dimensions.")
        wrong = [i for i, (g, e) in enumerate(zip(given, expected), 1) if g != e]
        return Match(False, f"{len(wrong)} of {len(expected)} dimensions are wrong: "
                     + ", ".join(f"dimension {i}" for i in wrong) + ".")

    def equivalent_forms(self, expected: list[int]) -> list[str]:
        dims = [str(d) for d in expected]
        return ["x".join(dims), " x ".join(dims), "×".join(dims), " × ".join(dims),
                "(" + ", ".join(dims) + ")", "[" + ",".join(dims) + "]", ", ".join(dims),
                "X".join(dims), "torch.Size([" + ", ".join(dims) + "])", " ".join(dims)]

    def perturbations(self, expected: list[int]) -> list[list[int]]:
        values = []
        for i, d in enumerate(expected):
            values.append([v + 1 if j == i else v for j, v in enumerate(expected)])
            if d > 0:
                values.append([v - 1 if j == i else v for j, v in enumerate(expected)])
        for i in range(len(expected) - 1):
            if expected[i] != expected[i + 1]:
                swapped = list(expected)
                swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
                values.append(swapped)
                break
        if len(expected) > 1:
            values.append(list(expected[:-1]))
        return values
