"""A policy drawn as arrows on a grid, an answer kind the core does not have.

``PolicyGrid``: one action per grid cell, typed as arrows or letters, rows separated by ``;`` or
new lines. Where actions tie, the expected cell holds all of them and any of them is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import character_name, check_length
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
