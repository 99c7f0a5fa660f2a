"""The greedy policy of a value function on a gridworld, typed as arrows.

    π(s) = argmax_a [R(s, a) + γ Σ_s' P(s'|s, a) V(s')]

(one step of policy improvement). The values are shown on the grid; the answer is one arrow per
cell, and where actions tie any of the tied actions is accepted.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck_rl import gridworld, mdp, tabular
from mpcheck_rl.answers import ACTIONS, PolicyGrid
from mpcheck_rl.draws import batched
from mpcheck_rl.gridworld import LATEX_ARROWS, Grid
from mpcheck_rl.memo import memo
from mpcheck_rl.show import exact, fmt, state, sum_text

KEYS = ("grid", "gamma", "V")


def lookahead(p: dict, *, slip: float | None = None, rewards: bool = True) -> list[list[float]]:
    """Q(s, a) = R(s, a) + γ Σ P(s'|s, a) V(s') for every non-terminal s (terminal rows empty)."""
    def compute() -> list[list[float]]:
        grid = grid_of(p)
        reward = grid.rewards(slip) if rewards else [[0.0] * len(ACTIONS)] * grid.size
        model = mdp.Model(grid.outcomes(slip), reward, p["gamma"])
        return [[] if s in grid.terminal else model.q_values(p["V"], s) for s in range(grid.size)]
    return memo(p, ("lookahead", slip, rewards), compute)


def greedy(p: dict, **switches) -> list[list[str]]:
    def compute() -> list[list[str]]:
        q = lookahead(p, **switches)
        return grid_of(p).policy_json(
            lambda s: "".join(ACTIONS[a] for a in best_actions(p, q[s])))
    return memo(p, ("greedy", *sorted(switches.items())), compute)


def best_actions(p: dict, q: list[float]) -> list[int]:
    # Q(s, a) = R(s, a) + γ Σ P V: its float noise is relative to the rewards and to γ|V|
    grid = p["grid"]
    scale = max(abs(grid["step_reward"]), *map(abs, grid["terminal_rewards"]), p["gamma"] * max(map(abs, p["V"])))
    return mdp.greedy_actions(q, scale)


def grid_of(p: dict) -> Grid:
    return memo(p, ("grid",), lambda: Grid.from_params(p["grid"]))


#: the traps in the order they are declared, each as the switches of ``greedy``
HIGHEST_NEIGHBOUR = {"slip": 0.0, "rewards": False}
SLIP_IGNORED = {"slip": 0.0}
REWARD_IGNORED = {"rewards": False}


def trap(p: dict, switches: dict, *earlier: dict) -> list[list[str]] | None:
    """The policy a trap gives; None where the key accepts it (the trap does not change the answer on
    these params) or where an earlier trap gives it too (that one is named, and its feedback covers
    both: a policy cannot tell which of the two a student thought)."""
    for other in ({}, *earlier):
        if accepts(p, other, switches):
            return None
    return greedy(p, **switches)


def accepts(p: dict, key: dict, switches: dict) -> bool:
    """Whether the policy ``greedy(p, **key)``, as an answer key, accepts ``greedy(p, **switches)``."""
    wrong, right = greedy(p, **switches), greedy(p, **key)
    if wrong == right:  # the same policy: accepted without parsing either
        return True
    kind = GREEDY_POLICY.answer_kind
    return kind.compare(kind.from_json(wrong), kind.from_json(right)).correct


def _has_slip(p: dict) -> bool:
    return p["grid"]["slip"] > 0


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    grid = gridworld.validate(p["grid"])
    tabular.gamma(p)
    tabular.values(p, "V", grid.size)
    if any(p["V"][s] != 0 for s in grid.terminal):
        raise ParamsError("params: 'V' of a terminal cell must be 0 (the episode ends there)")


@batched
def _sample(rng) -> dict:
    for _ in range(20):
        grid = tabular.sample_grid(rng)
        gamma = sampling.pick(rng, [0.9, 0.9, 0.8, 0.5, 1.0])
        model = mdp.Model(grid.outcomes(), grid.rewards(), gamma)
        # a value function part-way through value iteration, rounded to what the grid shows
        k = sampling.pick(rng, [2, 3, 4, 5])
        V = mdp.sweeps([0.0] * grid.size, mdp.optimality_backup(model), k)[-1]
        V = [0.0 if s in grid.terminal else round(v, 2) + 0.0 for s, v in enumerate(V)]
        p = {"grid": grid.to_params(), "gamma": gamma, "V": V}
        # a tie makes a cell a free pick: keep them rare (the prompt says how ties are graded)
        q = [[] if s in grid.terminal else model.q_values(V, s) for s in range(grid.size)]
        if not any(len(best_actions(p, row)) > 1 for row in q if row) or rng.random() < 0.2:
            # what was just computed is what the answer needs: remember it for these params
            memo(p, ("grid",), lambda: grid)
            memo(p, ("lookahead", None, True), lambda: q)
            return p
    return p


def _prompt(p: dict) -> str:
    grid = grid_of(p)
    return "\n".join([
        "On this grid world a value function $V$ is shown in each cell:",
        grid.draw_values(p["V"], exact),
        grid.legend() + " " + grid.dynamics(),
        f"With $\\gamma = {exact(p['gamma'])}$, give the policy that is greedy with respect to $V$ "
        "(the one a step of policy improvement picks): one arrow per cell, row by row, with . for walls "
        "and terminal cells. Where actions tie, any one of the tied actions is accepted."])


def _solution(p: dict) -> str:
    grid = grid_of(p)
    table, reward = grid.mdp()
    q = lookahead(p)
    lines = ["$$\\pi(s) = \\arg\\max_a \\Big[R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a)\\, V(s')\\Big]$$",
             "with $R(s, a) = r_{\\text{step}} + \\sum_{s' \\text{ terminal}} P(s' \\mid s, a)\\, r(s')$; "
             "the states in reading order:", grid.draw_states()]
    for s in range(grid.size):
        if s in grid.terminal:
            continue
        best = best_actions(p, q[s])
        values = ", ".join(f"{LATEX_ARROWS[a]}\\,{fmt(v)}" for a, v in zip(ACTIONS, q[s]))
        a = best[0]
        detail = (f"Q({state(s)}, {LATEX_ARROWS[ACTIONS[a]]}) = {fmt(reward[s][a])} + {fmt(p['gamma'])}\\,"
                  f"({sum_text(table[s][a], p['V'])}) = {fmt(q[s][a])}")
        tie = " (a tie: any of them)" if len(best) > 1 else ""
        chosen = ", ".join(f"${LATEX_ARROWS[ACTIONS[b]]}$" for b in best)
        lines.append(f"${state(s)}$: $Q = {values}$; best {chosen}{tie}, e.g. ${detail}$")
    lines.append("The greedy policy:")
    lines.append(grid.draw_policy(lambda s: "".join(ACTIONS[a] for a in best_actions(p, q[s]))))
    return "\n".join(lines)


GREEDY_POLICY = Generator(
    id="rl.greedy-policy",
    title="Greedy policy on a grid world",
    answer_kind=PolicyGrid(),
    sample_params=_sample,
    validate_params=_validate,
    solve=greedy,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Greedy means one-step lookahead: for each action, the expected reward plus "
                     "$\\gamma$ times the expected value of where the action may land.",
                     "A slippery move lands sideways too: weigh all three outcomes, and remember that "
                     "entering a terminal cell pays its reward while its $V$ is $0$."],
    mistakes=(
        Mistake("highest-neighbour",
                "You pointed at the neighbour with the highest $V$. Greedy means the best expected "
                "$R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a)\\, V(s')$: it counts the reward of entering a "
                "terminal cell (whose $V$ is $0$) and, on a slippery grid, where the move may slip to.",
                lambda p: trap(p, HIGHEST_NEIGHBOUR)),
        Mistake("slip-ignored",
                "You treated the moves as deterministic: with slip, each action may also land in either "
                "perpendicular cell, so its value is an expectation over all three.",
                lambda p: trap(p, SLIP_IGNORED, HIGHEST_NEIGHBOUR) if _has_slip(p) else None),
        Mistake("reward-ignored",
                "You left out the reward $R(s, a)$: entering a terminal cell pays its reward even though "
                "the terminal's $V$ is $0$.",
                lambda p: trap(p, REWARD_IGNORED, HIGHEST_NEIGHBOUR, SLIP_IGNORED) if _has_slip(p) else None),
    ),
    tags=("planning", "policy-improvement", "gridworld"),
    difficulty=2,
)

GENERATORS = [GREEDY_POLICY]
