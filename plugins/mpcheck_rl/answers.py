"""Two answer kinds the core does not have (yet): a policy drawn as arrows on a grid, and a value
after one update graded by its step.

``PolicyGrid``: one action per grid cell, typed as arrows or letters, rows separated by ``;`` or
new lines. Where actions tie, the expected cell holds all of them and any of them is accepted.

``StepReal``: a stand-in for the core's "judge the step" option (being added on the ``trust``
branch). Once that lands, ``StepReal`` can be replaced by it: the generators already return the
new value and record the value before the update with ``StepReal.record``.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import character_name, check_length
from mpcheck.answers.reals import (
    DEFAULT_RTOL,
    format_real,
    near_message,
    read_real,
    real_forms,
    round_significant,
    safe_digits,
)
from mpcheck.answers.scalars import number_from_json
from mpcheck.errors import AnswerError

# --- a policy on a grid ------------------------------------------------------------------------

ACTIONS = "URDL"  # the order of the actions everywhere in this plugin: up, right, down, left
ARROWS = {"U": "↑", "R": "→", "D": "↓", "L": "←"}
#: what a student may type for each action (letters are read in any case)
SYMBOLS = {
    "U": "U", "N": "U", "^": "U", "↑": "U",
    "R": "R", "E": "R", ">": "R", "→": "R",
    "D": "D", "S": "D", "V": "D", "↓": "D",
    "L": "L", "W": "L", "<": "L", "←": "L",
}
#: what marks a cell without an action (a wall or a terminal cell)
NO_ACTION = {".", "#", "-", "·", "■", "*"}
WALL, TERMINAL = "#", "."
CELL_SEPARATORS = " \t,"
ROW_SEPARATORS = ";\n\r"
MAX_POLICY_CHARS = 2_000
MAX_SIDE = 16

Cell = frozenset | str  # the tied actions of a cell, or a no-action marker ("#" wall, "." terminal)


def _cell_text(cell: Cell, arrows: bool = False) -> str:
    if isinstance(cell, str):
        return cell
    names = [a for a in ACTIONS if a in cell]
    return "/".join(ARROWS[a] if arrows else a for a in names)


def _position(row: int, col: int) -> str:
    return f"row {row + 1}, column {col + 1}"


def _read_row(text: str, row: int) -> tuple[Cell, ...]:
    """``R R .``, ``RR.``, ``→ → #`` or ``U/R L``: one symbol per cell, ``/`` joins tied actions."""
    cells: list[Cell] = []
    joining = False
    for ch in text:
        if ch in CELL_SEPARATORS:
            if joining:
                raise AnswerError(f"row {row + 1}: '/' must stand between two actions, e.g. U/R")
            continue
        if ch == "/":
            if not cells or isinstance(cells[-1], str) or joining:
                raise AnswerError(f"row {row + 1}: '/' must stand between two actions, e.g. U/R")
            joining = True
            continue
        action = SYMBOLS.get(ch.upper() if ch.isascii() else ch)
        if action is not None:
            if joining:
                cells[-1] = cells[-1] | {action}
                joining = False
            else:
                cells.append(frozenset({action}))
        elif ch in NO_ACTION:
            if joining:
                raise AnswerError(f"row {row + 1}: '/' must stand between two actions, e.g. U/R")
            cells.append(WALL if ch == "#" else TERMINAL)
        else:
            shown = repr(ch) if ch.isascii() and ch.isprintable() else f"{ch!r} ({character_name(ch)})"
            raise AnswerError(f"unknown symbol {shown} in row {row + 1}; use the arrows ↑ → ↓ ← or the "
                              "letters U R D L (N E S W), and . or # for walls and terminal cells")
        if len(cells) > MAX_SIDE:
            raise AnswerError(f"row {row + 1} has more than {MAX_SIDE} cells")
    if joining:
        raise AnswerError(f"row {row + 1}: '/' must stand between two actions, e.g. U/R")
    return tuple(cells)


@dataclass(frozen=True)
class PolicyGrid(AnswerKind):
    """A deterministic policy on a grid, one action per cell; JSON: a list of rows, each a list of
    cells: ``"R"``, several letters for tied actions (``"UR"``), ``"#"`` for a wall, ``"."`` for a
    terminal cell."""

    name = "policy"
    # text markup like every text (the arrows shown are the ones to type)
    instructions = (r"Type one action per cell, row by row: arrows $\uparrow$ $\rightarrow$ $\downarrow$ "
                    r"$\leftarrow$ or letters U R D L; "
                    "a . or # for walls and terminal cells; rows separated by ; or new lines, "
                    "e.g. R R . ; U # . — where actions tie, any one of the tied actions is accepted.")

    def parse(self, text: str) -> tuple[tuple[Cell, ...], ...]:
        check_length(text, MAX_POLICY_CHARS)
        for position, ch in enumerate(text, 1):
            if (ord(ch) < 32 and ch not in "\t\n\r") or 0x7F <= ord(ch) < 0xA0:
                raise AnswerError(f"unexpected character {ch!r} ({character_name(ch)}) at position {position}")
        # a nested list [[R, R, .], [U, #, .]] reads like rows separated by ';'
        text = text.replace("]", ";").replace("[", " ").replace('"', " ").replace("'", " ")
        rows = [line for line in (part.strip() for part in _split_rows(text)) if line]
        if not rows:
            raise AnswerError("the answer is empty; type one action per cell, e.g. R R . ; U # .")
        if len(rows) > MAX_SIDE:
            raise AnswerError(f"too many rows ({len(rows)}; at most {MAX_SIDE})")
        return tuple(_read_row(row, i) for i, row in enumerate(rows))

    def from_json(self, value: Any) -> tuple[tuple[Cell, ...], ...]:
        if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
            raise TypeError(f"expected a non-empty list of rows of cells, got {value!r}")
        return tuple(tuple(_json_cell(cell) for cell in row) for row in value)

    def to_json(self, value: tuple[tuple[Cell, ...], ...]) -> list[list[str]]:
        return [[_cell_text(cell).replace("/", "") for cell in row] for row in value]

    def format(self, value: tuple[tuple[Cell, ...], ...]) -> str:
        return "\n".join(" ".join(_cell_text(cell) for cell in row) for row in value)

    def compare(self, given: tuple[tuple[Cell, ...], ...], expected: tuple[tuple[Cell, ...], ...]) -> Match:
        shape = [len(row) for row in expected]
        if [len(row) for row in given] != shape:
            return Match(False, f"Expected {_shape_text(expected)} (one per grid cell, walls "
                                f"and terminal cells included), got {_shape_text(given)}.")
        wrong, notes = [], []
        for r, (given_row, expected_row) in enumerate(zip(given, expected)):
            for c, (g, e) in enumerate(zip(given_row, expected_row)):
                if isinstance(e, str):
                    if not isinstance(g, str):
                        wrong.append(_position(r, c))
                        notes.append(f"{_position(r, c)} is a {'wall' if e == WALL else 'terminal cell'}: "
                                     "type . or # there")
                elif isinstance(g, str) or not g <= e:
                    wrong.append(_position(r, c))
                    if isinstance(g, str):
                        notes.append(f"{_position(r, c)} needs an action")
        if not wrong:
            return Match(True)
        shown = "; ".join(wrong[:6]) + (f" and {len(wrong) - 6} more" if len(wrong) > 6 else "")
        cells = "cell is" if len(wrong) == 1 else "cells are"
        message = f"{len(wrong)} {cells} wrong ({shown})."
        return Match(False, message + (" " + "; ".join(notes[:3]) + "." if notes else ""))

    def equivalent_forms(self, expected: tuple[tuple[Cell, ...], ...]) -> list[str]:
        def written(pick, empty=None, cell_sep=" ", row_sep="\n") -> str:
            return row_sep.join(cell_sep.join((empty or c) if isinstance(c, str) else pick(c) for c in row)
                                for row in expected)

        first = lambda c: next(a for a in ACTIONS if a in c)       # one of the tied actions
        last = lambda c: [a for a in ACTIONS if a in c][-1]       # another one
        compass = dict(zip(ACTIONS, "NESW"))
        return [
            self.format(expected),
            written(first, row_sep=" ; "),
            written(lambda c: first(c).lower(), row_sep="; "),
            written(first, cell_sep="", row_sep=";"),
            written(lambda c: ARROWS[first(c)], row_sep=" ; "),
            written(lambda c: ARROWS[last(c)], cell_sep="", row_sep="\n"),
            written(lambda c: compass[last(c)], empty="#", row_sep=" ; "),
            written(lambda c: _cell_text(c, arrows=True), empty=".", cell_sep=", ", row_sep=" ; "),
            "[" + ", ".join("[" + ", ".join(c if isinstance(c, str) else first(c) for c in row) + "]"
                            for row in expected) + "]",
        ]

    def perturbations(self, expected: tuple[tuple[Cell, ...], ...]) -> list[tuple[tuple[Cell, ...], ...]]:
        out = []
        decision = [(r, c) for r, row in enumerate(expected) for c, cell in enumerate(row) if not isinstance(cell, str)]
        for r, c in decision[:3]:
            others = [a for a in ACTIONS if a not in expected[r][c]]
            if others:
                out.append(_replace(expected, r, c, frozenset(others[:1])))
        if decision:
            r, c = decision[-1]
            out.append(_replace(expected, r, c, TERMINAL))
        return out


#: every cell JSON may hold: "#", ".", and each set of distinct actions written in any order
_JSON_CELLS: dict[str, Cell] = {WALL: WALL, TERMINAL: TERMINAL}


def _json_cell(cell: Any) -> Cell:
    if isinstance(cell, str) and cell in _JSON_CELLS:
        return _JSON_CELLS[cell]
    if isinstance(cell, str) and cell and set(cell) <= set(ACTIONS) and len(set(cell)) == len(cell):
        _JSON_CELLS[cell] = frozenset(cell)  # at most 64 different strings
        return _JSON_CELLS[cell]
    raise ValueError(f"a policy cell is '#', '.' or letters from URDL, got {cell!r}")


def _split_rows(text: str) -> list[str]:
    rows, start = [], 0
    for i, ch in enumerate(text):
        if ch in ROW_SEPARATORS:
            rows.append(text[start:i])
            start = i + 1
    rows.append(text[start:])
    return rows


def _shape_text(rows) -> str:
    lengths = sorted({len(row) for row in rows})
    cells = "/".join(map(str, lengths))
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''} of {cells} cell{'s' if lengths != [1] else ''}"


def _replace(grid, r: int, c: int, cell: Cell):
    rows = [list(row) for row in grid]
    rows[r][c] = cell
    return tuple(tuple(row) for row in rows)


# --- a value after one update, graded by its step ---------------------------------------------

#: values remembered per kind; a long batch forgets the oldest (each is checked right after its solve)
MAX_REMEMBERED = 4_096


@dataclass(frozen=True)
class StepReal(AnswerKind):
    """The value after one update ``x_new = x_old + Δ`` (a TD, SARSA or Q-learning step), graded
    relative to the step Δ rather than to x_new: a slip of 10 % in a small step on a large value
    would hide inside a tolerance relative to the value.

    The kind is told each expected value's old value by ``record(new, old)`` (the generators call
    it in ``solve`` and in each mistake), because an answer kind sees only the values it compares.
    A value recorded with several different old values (two problems whose answers coincide) is
    graded against the smallest of their steps: stricter, never looser. A value never recorded is
    graded like ``Real``, relative to itself.
    """

    rtol: float = DEFAULT_RTOL
    name = "real"
    _before: OrderedDict = field(default_factory=OrderedDict, compare=False, hash=False, repr=False)

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return (f"Answer with the new value, e.g. 0.5321. The change from the old value (the step) "
                f"is graded to {self.rtol:.1%} of its size: keep at least {safe_digits(self.rtol)} "
                "significant digits of the step.")

    def record(self, new: float, old: float) -> float:
        """Remember that ``new`` is one step away from ``old``; returns ``new``."""
        olds = self._before.pop(new, ())
        self._before[new] = olds if old in olds else (*olds, old)
        while len(self._before) > MAX_REMEMBERED:
            self._before.popitem(last=False)
        return new

    def step(self, expected: float) -> float | None:
        """|Δ| of a recorded value (the smallest, if several were recorded), else None."""
        olds = self._before.get(expected)
        return min(abs(expected - old) for old in olds) if olds else None

    def tolerance(self, expected: float) -> float:
        step = self.step(expected)
        if step is None:
            return max(self.rtol * abs(expected), 1e-12)
        # tol = rtol · |Δ|, with a floor at float resolution so that Δ = 0 still admits its own value
        return max(self.rtol * step, 1e-12 * max(1.0, abs(expected)))

    def parse(self, text: str) -> float:
        return read_real(text)

    def from_json(self, value: Any) -> float:
        return number_from_json(value)

    def to_json(self, value: float) -> float:
        return float(value)

    def _relative(self, value: float) -> float:
        """The tolerance as a share of the value itself (what the Real formatting helpers take)."""
        return self.tolerance(value) / abs(value) if value else self.rtol

    def format(self, value: float) -> str:
        if value not in self._before:  # a value of unknown step (a perturbation): every digit
            return format_real(value, 1e-16)
        return format_real(value, self._relative(value))

    def compare(self, given: float, expected: float) -> Match:
        tol = self.tolerance(expected)
        if abs(given - expected) <= tol:
            return Match(True, method="tolerance")
        needed = _near_miss(given, expected, tol) if self._resolves_step(given, expected) else None
        if needed is not None:
            return Match(False, near_message(given, needed), near=True, method="tolerance")
        return Match(False, method="tolerance")

    def _resolves_step(self, given: float, expected: float) -> bool:
        """"Right, but give more digits" only for an answer written finely enough to show the step:
        0.6 for 0.65 after a step of 0.15 is a rounded answer, 1 is not."""
        step, decimals = self.step(expected), getattr(given, "decimals", None)
        return step is None or (decimals is not None and 0.5 * 10.0 ** -decimals <= 0.5 * step)

    def equivalent_forms(self, expected: float) -> list[str]:
        return real_forms(expected, self._relative(expected))

    def perturbations(self, expected: float) -> list[float]:
        # five tolerances off either way (a slip in the step), the sign flipped, a factor of ten
        tol = self.tolerance(expected)
        values = [expected + 5 * tol, expected - 5 * tol]
        if abs(expected) > 2 * tol:
            values += [-expected, 10 * expected]
        return [v for v in values if math.isfinite(v)]


def _near_miss(given: float, expected: float, tol: float) -> int | None:
    """For a plain decimal that is the right value rounded to the digits written (within half a unit
    in its last place), the significant digits needed instead; None when it is simply wrong."""
    decimals, significant = getattr(given, "decimals", None), getattr(given, "significant", None)
    if decimals is None or not significant or given == 0 or not -300 <= decimals <= 300:
        return None
    if abs(given - expected) > 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-15 * abs(expected):
        return None
    enough = next((d for d in range(1, 18) if abs(round_significant(expected, d) - expected) <= tol), 17)
    return max(enough, significant + 1)


__all__ = ["ACTIONS", "ARROWS", "PolicyGrid", "StepReal"]
