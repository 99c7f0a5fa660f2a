"""What the planning generators share: checking P, R, V and π from params, drawing small MDPs
and gridworlds to sample from, and naming actions in texts."""

from __future__ import annotations

from typing import Any

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.errors import ParamsError
from mpcheck_rl import gridworld
from mpcheck_rl.gridworld import LATEX_ARROWS, Grid
from mpcheck_rl.answers import ACTIONS
from mpcheck_rl.show import action

MAX_STATES = 30
MAX_ACTIONS = 8
MAX_ITERATIONS = 500
#: S·A·S'·sweeps: a few hundred thousand multiply-adds stay well under a tenth of a second
MAX_WORK = 400_000
MAX_ENTRY = 1e6
SUM_SLACK = 1e-6


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float))


def transitions(p: dict) -> tuple[int, int]:
    """P[s][a][s']: S×A×S probabilities, each row summing to 1. Returns (S, A)."""
    table = p.get("P")
    if not isinstance(table, list) or not 1 <= len(table) <= MAX_STATES:
        raise ParamsError(f"params: 'P' must be a list P[s][a][s'] with 1 to {MAX_STATES} states")
    n = len(table)
    if not all(isinstance(rows, list) and rows for rows in table):
        raise ParamsError("params: 'P[s]' must be a non-empty list of rows P[s][a] for each state s")
    actions = len(table[0])
    if actions > MAX_ACTIONS or any(len(rows) != actions for rows in table):
        raise ParamsError(f"params: every state needs the same number of actions (1 to {MAX_ACTIONS}) in 'P'")
    for s, rows in enumerate(table):
        for a, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != n or not all(_is_number(x) for x in row):
                raise ParamsError(f"params: 'P[{s}][{a}]' must be a list of {n} probabilities (one per next state)")
            if any(not 0 <= x <= 1 for x in row):
                raise ParamsError(f"params: 'P[{s}][{a}]' holds a probability outside [0, 1]")
            if abs(sum(row) - 1) > SUM_SLACK:
                raise ParamsError(f"params: 'P[{s}][{a}]' must sum to 1, got {sum(row):.6g}")
    return n, actions


def rewards(p: dict, n: int, actions: int) -> None:
    P.matrix(p, "R", n, actions)
    if any(abs(x) > MAX_ENTRY for row in p["R"] for x in row):
        raise ParamsError(f"params: 'R' entries must lie in [-{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def values(p: dict, key: str, n: int) -> None:
    P.vector(p, key, n, max_length=MAX_STATES)
    if any(abs(x) > MAX_ENTRY for x in p[key]):
        raise ParamsError(f"params: {key!r} entries must lie in [-{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def policy(p: dict, n: int, actions: int) -> None:
    P.matrix(p, "policy", n, actions)
    for s, row in enumerate(p["policy"]):
        if any(x < 0 for x in row) or abs(sum(row) - 1) > SUM_SLACK:
            raise ParamsError(f"params: 'policy[{s}]' must hold probabilities π(a|s) ≥ 0 that sum to 1")


def gamma(p: dict) -> float:
    return P.real(p, "gamma", 0, 1)


def sweeps(p: dict, n: int, actions: int) -> int:
    k = P.integer(p, "iterations", 1, MAX_ITERATIONS)
    if n * n * actions * k > MAX_WORK:
        raise ParamsError(f"params: {n} states × {actions} actions × {k} sweeps is too much work for a "
                          f"problem (S²·A·iterations at most {MAX_WORK:,})")
    return k


def matching_grid(p: dict) -> Grid | None:
    """The optional 'grid' the MDP was built from: it must give exactly the P and R in params."""
    if "grid" not in p:
        return None
    grid = gridworld.validate(p["grid"])
    built_P, built_R = grid.mdp()
    if len(built_P) != len(p["P"]) or len(p["P"][0]) != len(ACTIONS):
        raise ParamsError(f"params: the grid has {grid.size} states and {len(ACTIONS)} actions; "
                          f"'P' has {len(p['P'])} states and {len(p['P'][0])} actions")
    far = max(abs(x - y) for s in range(grid.size) for a in range(len(ACTIONS))
              for x, y in zip(built_P[s][a], p["P"][s][a]))
    far_r = max(abs(x - y) for row, given in zip(built_R, p["R"]) for x, y in zip(row, given))
    if far > 1e-9 or far_r > 1e-9 * max(1.0, max(abs(x) for row in built_R for x in row)):
        raise ParamsError("params: 'P' and 'R' do not match the 'grid' (drop 'grid' to give any MDP)")
    return grid


def action_name(grid: Grid | None, a: int) -> str:
    return LATEX_ARROWS[ACTIONS[a]] if grid is not None else action(a)


# --- sampling ------------------------------------------------------------------------------------

SHAPES = [(1, 3), (1, 4), (2, 2), (2, 3), (2, 3), (3, 3), (2, 4)]
GOALS = [1, 1, 2, 5, 10]
PITS = [-1, -1, -2, -5, -10]
STEP_REWARDS = [0.0, -0.1, -0.04, -1.0, -0.1]
SLIPS = [0.0, 0.2, 0.2, 0.1]


def sample_grid(rng) -> Grid:
    rows, cols = sampling.pick(rng, SHAPES)
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    order = [cells[int(i)] for i in rng.permutation(len(cells))]
    ends = 2 if len(cells) >= 5 and rng.random() < 0.6 else 1
    walls = 1 if rows >= 2 and cols >= 3 and rng.random() < 0.5 else 0
    marks = {cell: "T" for cell in order[:ends]} | {cell: "#" for cell in order[ends:ends + walls]}
    layout = ["".join(marks.get((r, c), ".") for c in range(cols)) for r in range(rows)]
    rewards_ = [float(sampling.pick(rng, GOALS)), float(sampling.pick(rng, PITS))][:ends]
    if ends == 1 and rng.random() < 0.3:
        rewards_ = [float(sampling.pick(rng, PITS))]
    return Grid(tuple(layout), tuple(rewards_), sampling.pick(rng, SLIPS), sampling.pick(rng, STEP_REWARDS))


PROBABILITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def sample_distribution(rng, n: int) -> list[float]:
    """A next-state distribution with one or two short-decimal entries."""
    row = [0.0] * n
    first = int(rng.integers(n))
    if rng.random() < 0.35:
        row[first] = 1.0
        return row
    second = (first + 1 + int(rng.integers(n - 1))) % n
    p = sampling.pick(rng, PROBABILITIES)
    row[first], row[second] = p, round(1 - p, 1)
    return row


def sample_mdp(rng) -> tuple[list, list]:
    """A two- or three-state MDP with two actions, short numbers throughout."""
    n = sampling.pick(rng, [2, 2, 3])
    table = [[sample_distribution(rng, n) for _ in range(2)] for _ in range(n)]
    reward = [[float(sampling.pick(rng, [-2, -1, 0, 1, 2, 3, 4, 0.5, -0.5])) for _ in range(2)] for _ in range(n)]
    return table, reward
