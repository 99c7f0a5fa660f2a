"""The discounted return of an episode from time t.

    G_t = R_{t+1} + γ R_{t+2} + γ² R_{t+3} + … = Σ_{k=0}^{T−t−1} γ^k R_{t+k+1}

computed backwards as G_t = R_{t+1} + γ G_{t+1} (G_T = 0), as Monte Carlo methods do.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck_rl.draws import batched
from mpcheck_rl.mdp import clean
from mpcheck_rl.show import exact, fmt, paren

KEYS = ("rewards", "gamma", "t")
MAX_STEPS = 200
MAX_REWARD = 1e6


def discounted(rewards: list[float], gamma: float, first_power: int = 0) -> float:
    # Σ_k γ^(k + first_power) r_k: first_power = 1 replays "the first reward discounted too"
    return sum(gamma ** (k + first_power) * r for k, r in enumerate(rewards))


def future(p: dict) -> list[float]:
    """R_{t+1}, …, R_T: the rewards after time t (rewards[i] is R_{i+1})."""
    return p["rewards"][p["t"]:]


def _solve(p: dict) -> float:
    # G_t = Σ_{k=0}^{T−t−1} γ^k R_{t+k+1}
    return tidy_return(p, discounted(future(p), p["gamma"]))


def tidy_return(p: dict, value: float) -> float:
    # float noise is relative to the rewards summed (γ ≤ 1 makes no term larger)
    return clean(value, max(map(abs, p["rewards"])))


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    rewards = P.vector(p, "rewards", max_length=MAX_STEPS)
    if any(abs(r) > MAX_REWARD for r in rewards):
        raise ParamsError(f"params: 'rewards' must lie in [-{MAX_REWARD:g}, {MAX_REWARD:g}]")
    P.real(p, "gamma", 0, 1)
    P.integer(p, "t", 0, len(rewards) - 1)


@batched
def _sample(rng) -> dict:
    n = sampling.pick(rng, [3, 4, 4, 5])
    rewards = [float(sampling.pick(rng, [-1, 0, 1, 2, 3, 5, -2, 10, 0.5])) for _ in range(n)]
    return {"rewards": rewards, "gamma": sampling.pick(rng, [0.9, 0.5, 0.8, 0.9]), "t": sampling.ints(rng, 0, n - 2)}


def _prompt(p: dict) -> str:
    n, t = len(p["rewards"]), p["t"]
    listed = ", ".join(f"R_{{{i + 1}}} = {exact(r)}" for i, r in enumerate(p["rewards"]))
    return "\n".join([
        f"An episode ends after $T = {n}$ steps with the rewards ${listed}$ "
        "($R_{t+1}$ is the reward received after the action at time $t$).",
        f"With $\\gamma = {exact(p['gamma'])}$, what is the discounted return $G_{{{t}}}$ from time $t = {t}$?"])


def _solution(p: dict) -> str:
    t, gamma, rest = p["t"], p["gamma"], future(p)
    terms = " + ".join(f"{fmt(gamma)}^{{{k}}} \\cdot {paren(r)}" if k else paren(r) for k, r in enumerate(rest))
    lines = [f"$G_{{{t}}} = \\sum_{{k=0}}^{{T-t-1}} \\gamma^k R_{{t+k+1}} = {terms} = {fmt(_solve(p), 6)}$",
             "The same backwards, $G_t = R_{t+1} + \\gamma G_{t+1}$ from $G_T = 0$:"]
    g = 0.0
    for i in range(len(p["rewards"]) - 1, t - 1, -1):
        new = p["rewards"][i] + gamma * g
        lines.append(f"$G_{{{i}}} = {exact(p['rewards'][i])} + {fmt(gamma)} \\cdot {paren(g)} = {fmt(new, 6)}$")
        g = new
    return "\n".join(lines)


DISCOUNTED_RETURN = Generator(
    id="rl.discounted-return",
    title="Discounted return of an episode",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["$G_t$ starts with $R_{t+1}$, undiscounted: $G_t = R_{t+1} + \\gamma R_{t+2} + \\dots$",
                     "Backwards is quickest: $G_t = R_{t+1} + \\gamma G_{t+1}$."],
    mistakes=(
        Mistake("first-reward-discounted",
                "The first reward is not discounted: $G_t = R_{t+1} + \\gamma R_{t+2} + \\dots$ "
                "($\\gamma^0 = 1$ on $R_{t+1}$).",
                lambda p: tidy_return(p, discounted(future(p), p["gamma"], first_power=1)) if p["gamma"] != 1 else None),
        Mistake("not-discounted", "You added the rewards without discounting: the $k$-th reward after $t$ "
                "is weighted by $\\gamma^k$.",
                lambda p: tidy_return(p, sum(future(p))) if p["gamma"] != 1 else None),
        Mistake("whole-episode", "$G_t$ counts only the rewards after time $t$: $R_{t+1}, R_{t+2}, \\dots$; "
                "you summed from $R_1$ ($G_0$).",
                lambda p: tidy_return(p, discounted(p["rewards"], p["gamma"])) if p["t"] > 0 else None),
        Mistake("started-at-R_t", "$G_t$ starts at $R_{t+1}$, the reward that follows the action at time $t$, "
                "not at $R_t$.",
                lambda p: tidy_return(p, discounted(p["rewards"][p["t"] - 1:], p["gamma"])) if p["t"] > 0 else None),
        Mistake("discount-reversed", "The discount grows with the delay: the last reward gets the highest "
                "power of $\\gamma$, not the first.",
                lambda p: tidy_return(p, discounted(future(p)[::-1], p["gamma"])) if len(future(p)) > 1 else None),
    ),
    tags=("returns", "discounting"),
)

GENERATORS = [DISCOUNTED_RETURN]
