"""A small gridworld: the cells are the states; P and R are built from the layout.

Params (JSON): ``{"layout": ["..T", ".#T"], "terminal_rewards": [1, -1], "slip": 0.2,
"step_reward": -0.04}``. In the layout ``.`` is a free cell, ``#`` a wall and ``T`` a terminal cell;
``terminal_rewards`` lists the terminal cells' rewards in reading order.

- States: every cell that is not a wall, numbered s_0, s_1, … in reading order (terminals included).
- Actions, in this order: up, right, down, left (↑ → ↓ ←).
- Dynamics: the move goes the intended way with probability 1 − slip and to each perpendicular side
  with probability slip/2 (Russell & Norvig's 0.8/0.1/0.1 is slip = 0.2; FrozenLake's slippery ice
  is slip = 2/3); a move into a wall or off the grid leaves the agent in place.
- Rewards: r(s, a, s') = step_reward + (the terminal's reward if s' is terminal), so
  R(s, a) = step_reward + Σ_{terminal s'} P(s'|s, a) r(s').
- Terminal cells are absorbing with reward 0, so their value is 0 under every policy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mpcheck import params as P
from mpcheck.errors import ParamsError
from mpcheck_rl.answers import ACTIONS, TERMINAL, WALL
from mpcheck_rl.show import array, exact, fmt, signed, state

KEYS = ("layout", "terminal_rewards", "slip", "step_reward")
MAX_SIDE = 6
MAX_REWARD = 1e6
MOVES = {"U": (-1, 0), "R": (0, 1), "D": (1, 0), "L": (0, -1)}
SIDEWAYS = {"U": "LR", "D": "LR", "R": "UD", "L": "UD"}
LATEX_ARROWS = {"U": r"\uparrow", "R": r"\rightarrow", "D": r"\downarrow", "L": r"\leftarrow"}
NAMES = {"U": "up", "R": "right", "D": "down", "L": "left"}


@dataclass(frozen=True)
class Grid:
    layout: tuple[str, ...]
    terminal_rewards: tuple[float, ...]
    slip: float
    step_reward: float

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> Grid:
        return cls(tuple(p["layout"]), tuple(float(r) for r in p["terminal_rewards"]), float(p["slip"]),
                   float(p["step_reward"]))

    def to_params(self) -> dict[str, Any]:
        return {"layout": list(self.layout), "terminal_rewards": list(self.terminal_rewards),
                "slip": self.slip, "step_reward": self.step_reward}

    def __post_init__(self):
        # cells: (row, column) of each state in reading order; index: the reverse; moves[s][d]: where
        # a move in direction d ends. They depend on the layout alone, so grids share them (read only).
        cells, index, moves, ends = _geometry(self.layout)
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "moves", moves)
        # terminal: state → the reward for entering it
        object.__setattr__(self, "terminal", dict(zip(ends, self.terminal_rewards)))

    @property
    def size(self) -> int:
        return len(self.cells)

    def neighbour(self, s: int, direction: str) -> int:
        """Where a move in ``direction`` ends: the next cell, or s itself at a wall or the edge."""
        return self.moves[s][direction]

    def outcomes(self, slip: float | None = None) -> Outcomes:
        """P as its nonzero entries: ``outcomes[s][a] = ((s', p), …)`` in state order (at most three);
        ``slip`` overrides the grid's (0 replays 'slip ignored')."""
        return _outcomes(self.layout, float(self.slip if slip is None else slip), tuple(self.terminal))

    def transitions(self, s: int, a: int, slip: float | None = None) -> list[float]:
        """P(· | s, a) as a dense row."""
        return _dense(self.outcomes(slip)[s][a], self.size)

    def rewards(self, slip: float | None = None) -> list[list[float]]:
        """R[s][a]."""
        arrivals = _arrivals(self.layout, float(self.slip if slip is None else slip), tuple(self.terminal))
        ends = list(self.terminal.values())
        # R(s, a) = step_reward + Σ_{terminal s'} P(s'|s, a) r(s'); terminal states earn nothing
        return [[0.0] * len(by_action) if s in self.terminal else
                [self.step_reward + sum(p * r for p, r in zip(arrive, ends)) for arrive in by_action]
                for s, by_action in enumerate(arrivals)]

    def mdp(self, slip: float | None = None) -> tuple[list[list[list[float]]], list[list[float]]]:
        """(P[s][a][s'], R[s][a]) as dense tables (new lists: params may own them)."""
        table = _table(self.layout, float(self.slip if slip is None else slip), tuple(self.terminal))
        return [[list(row) for row in by_action] for by_action in table], self.rewards(slip)

    # --- drawing ------------------------------------------------------------------------------

    def draw(self, cell: Callable[[int], str]) -> str:
        """The grid as a ruled array: walls as ``\\#``, every state's cell from ``cell(s)``."""
        rows = [[r"\#" if ch == "#" else cell(self.index[(r, c)]) for c, ch in enumerate(row)]
                for r, row in enumerate(self.layout)]
        return array(rows)

    def end_mark(self, s: int) -> str:
        return f"[{signed(self.terminal[s])}]"

    def draw_states(self, extra: Callable[[int], str] | None = None) -> str:
        """State names, terminal rewards in brackets, and ``extra(s)`` beside each non-terminal state."""
        def cell(s: int) -> str:
            if s in self.terminal:
                return f"{state(s)}\\ {self.end_mark(s)}"
            return state(s) + (f"\\ {extra(s)}" if extra else "")
        return self.draw(cell)

    def draw_values(self, V, show: Callable[[float], str] = fmt) -> str:
        """V in every cell (a computed V rounded for reading by default; params with ``exact``)."""
        return self.draw(lambda s: self.end_mark(s) if s in self.terminal else show(V[s]))

    def draw_policy(self, actions: Callable[[int], str]) -> str:
        """``actions(s)`` letters (several for a tie) drawn as arrows; terminals show their reward."""
        return self.draw(lambda s: self.end_mark(s) if s in self.terminal
                         else r"\,".join(LATEX_ARROWS[a] for a in actions(s)))

    def policy_json(self, actions: Callable[[int], str]) -> list[list[str]]:
        """The PolicyGrid answer: letters per cell, ``#`` for walls, ``.`` for terminal cells."""
        return [[WALL if ch == "#" else (TERMINAL if self.index[(r, c)] in self.terminal
                                         else actions(self.index[(r, c)]))
                 for c, ch in enumerate(row)] for r, row in enumerate(self.layout)]

    def legend(self) -> str:
        return (r"Cells are the states $s_0, s_1, \dots$ in reading order; $\#$ is a wall; a cell marked "
                r"$[r]$ is terminal: entering it earns $r$ and ends the episode.")

    def dynamics(self) -> str:
        moves = (r"The actions are $\uparrow, \rightarrow, \downarrow, \leftarrow$ (in that order). ")
        if self.slip:
            moves += (f"An action moves the intended way with probability ${exact(1 - self.slip)}$ and "
                      f"slips to each perpendicular side with probability ${exact(self.slip / 2)}$; ")
        else:
            moves += "Moves are deterministic; "
        moves += "a move into a wall or off the grid leaves the agent where it is. "
        if self.step_reward:
            moves += (f"Every step from a non-terminal cell earns ${exact(self.step_reward)}$, plus the "
                      "terminal's reward when it enters one. ")
        else:
            moves += "Entering a terminal cell earns its reward; every other step earns $0$. "
        return moves + "Terminal cells are absorbing, so their value stays $0$."


# --- what depends on the layout alone ----------------------------------------------------------------
# A few hundred layouts cover every drawn grid; each is worked out once and shared (never changed).

Outcomes = tuple[tuple[tuple[tuple[int, float], ...], ...], ...]  # outcomes[s][a] = ((s', p), …)


@functools.lru_cache(maxsize=1024)
def _geometry(layout: tuple[str, ...]) -> tuple[list, dict, list, list]:
    """(cells, index, moves, terminal states) of a layout."""
    cells = [(r, c) for r, row in enumerate(layout) for c, ch in enumerate(row) if ch != "#"]
    index = {cell: s for s, cell in enumerate(cells)}
    # moves[s][d]: where a move in direction d ends (the next cell, or s itself at a wall or the edge)
    moves = [{d: index.get((r + dr, c + dc), s) for d, (dr, dc) in MOVES.items()} for s, (r, c) in enumerate(cells)]
    ends = [s for s, (r, c) in enumerate(cells) if layout[r][c] == "T"]
    return cells, index, moves, ends


@functools.lru_cache(maxsize=4096)
def _outcomes(layout: tuple[str, ...], slip: float, ends: tuple[int, ...]) -> Outcomes:
    moves = _geometry(layout)[2]
    return tuple(tuple(((s, 1.0),) if s in ends else _landing(moves[s], ACTIONS[a], slip)  # absorbing
                       for a in range(len(ACTIONS)))
                 for s in range(len(moves)))


def _landing(moves: dict[str, int], direction: str, slip: float) -> tuple[tuple[int, float], ...]:
    # intended move with probability 1 − slip, each perpendicular move with slip / 2; moves that end
    # in the same cell add up, in this order (so each sum is the dense row's, bit for bit)
    shares = [(direction, 1 - slip)] + [(side, slip / 2) for side in SIDEWAYS[direction]]
    mass: dict[int, float] = {}
    for d, share in shares:
        mass[moves[d]] = mass.get(moves[d], 0.0) + share
    return tuple(sorted((t, p) for t, p in mass.items() if p))


@functools.lru_cache(maxsize=4096)
def _arrivals(layout: tuple[str, ...], slip: float, ends: tuple[int, ...]) -> tuple[tuple[tuple[float, ...], ...], ...]:
    """arrivals[s][a]: P(t | s, a) for each terminal t of ``ends`` in turn (0 where it cannot be reached)."""
    return tuple(tuple(tuple(dict(landing).get(t, 0.0) for t in ends) for landing in by_action)
                 for by_action in _outcomes(layout, slip, ends))


@functools.lru_cache(maxsize=4096)
def _table(layout: tuple[str, ...], slip: float, ends: tuple[int, ...]) -> tuple[tuple[tuple[float, ...], ...], ...]:
    """P[s][a][s'] written out in full."""
    outcomes = _outcomes(layout, slip, ends)
    return tuple(tuple(tuple(_dense(landing, len(outcomes))) for landing in by_action) for by_action in outcomes)


def _dense(landing: Sequence[tuple[int, float]], n: int) -> list[float]:
    row = [0.0] * n
    for t, p in landing:
        row[t] = p
    return row


def validate(p: Any) -> Grid:
    """A grid from user params, with a clear error for anything that cannot be built."""
    if not isinstance(p, dict):
        raise ParamsError("params: 'grid' must be an object with keys " + ", ".join(KEYS))
    P.check_keys(p, KEYS)
    layout = p["layout"]
    if (not isinstance(layout, list) or not 1 <= len(layout) <= MAX_SIDE
            or not all(isinstance(row, str) for row in layout)):
        raise ParamsError(f"params: grid 'layout' must be a list of 1 to {MAX_SIDE} strings (rows)")
    width = len(layout[0])
    if not 1 <= width <= MAX_SIDE or any(len(row) != width for row in layout):
        raise ParamsError(f"params: grid 'layout' rows must all have the same length, 1 to {MAX_SIDE}")
    odd = sorted({ch for row in layout for ch in row} - set(".#T"))
    if odd:
        raise ParamsError(f"params: grid 'layout' may hold only '.', '#' and 'T', got {', '.join(map(repr, odd))}")
    ends = sum(row.count("T") for row in layout)
    if not any("." in row for row in layout):
        raise ParamsError("params: the grid needs at least one free cell ('.')")
    rewards = P.vector(p, "terminal_rewards", ends, min_length=0) if ends else []
    if not ends and p["terminal_rewards"] != []:
        raise ParamsError("params: grid 'terminal_rewards' must be [] when the layout has no 'T'")
    if any(abs(r) > MAX_REWARD for r in rewards):
        raise ParamsError(f"params: grid 'terminal_rewards' must lie in [-{MAX_REWARD:g}, {MAX_REWARD:g}]")
    P.real(p, "slip", 0, 1)
    P.real(p, "step_reward", -MAX_REWARD, MAX_REWARD)
    return Grid.from_params(p)
