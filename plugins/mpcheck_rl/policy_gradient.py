"""The REINFORCE gradient estimate for a softmax bandit.

A K-armed bandit policy π_θ(a) = e^{θ_a} / Σ_b e^{θ_b}. One pull of arm a with reward r gives the
one-sample estimate (Williams, 1992), with a baseline b that leaves it unbiased:

    ĝ = (r − b) ∇_θ log π_θ(a) = (r − b) (e_a − π_θ)

since ∂ log π(a)/∂θ_j = [j = a] − π(j) (the log-softmax derivative).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector, tidy
from mpcheck.errors import ParamsError
from mpcheck.text import exact_vec
from mpcheck_rl.draws import batched
from mpcheck_rl.show import action, exact, fmt, paren, vector

KEYS = ("theta", "action", "reward", "baseline")
MAX_ARMS = 16
MAX_PREFERENCE = 50.0
MAX_REWARD = 1e6


def softmax(theta: list[float]) -> list[float]:
    # π(a) = e^{θ_a − max θ} / Σ_b e^{θ_b − max θ}: the shift cancels and keeps exp from overflowing
    top = max(theta)
    exps = [math.exp(t - top) for t in theta]
    total = sum(exps)
    return [e / total for e in exps]


def score(theta: list[float], a: int) -> list[float]:
    # ∇_θ log π(a) = e_a − π, with 1 − π(a) = Σ_{b≠a} π(b): summed, not subtracted, so it keeps
    # its digits when π(a) is close to 1
    pi = softmax(theta)
    rest = math.fsum(q for b, q in enumerate(pi) if b != a)
    return [rest if j == a else -pi[j] for j in range(len(theta))]


def estimate(p: dict, *, baseline: bool = True, of_probability: bool = False, sign: float = 1.0,
             chosen_only: bool = False) -> list[float]:
    """ĝ = (r − b)(e_a − π); the switches replay the traps."""
    theta, a = p["theta"], p["action"]
    advantage = p["reward"] - (p["baseline"] if baseline else 0.0)
    grad = score(theta, a)
    if of_probability:  # ∇π(a) = π(a) ∇ log π(a): the log dropped
        grad = [softmax(theta)[a] * g for g in grad]
    if chosen_only:
        grad = [g if j == a else 0.0 for j, g in enumerate(grad)]
    # tidy, not clean_list: the gradient of a nearly sure policy is tiny (e^(−30) ≈ 9.4e-14), not 0
    return tidy([sign * advantage * g for g in grad])


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    theta = P.vector(p, "theta", min_length=2, max_length=MAX_ARMS)
    if any(abs(t) > MAX_PREFERENCE for t in theta):
        raise ParamsError(f"params: 'theta' entries must lie in [-{MAX_PREFERENCE:g}, {MAX_PREFERENCE:g}]")
    P.integer(p, "action", 0, len(theta) - 1)
    P.real(p, "reward", -MAX_REWARD, MAX_REWARD)
    P.real(p, "baseline", -MAX_REWARD, MAX_REWARD)


@batched
def _sample(rng) -> dict:
    k = sampling.pick(rng, [2, 3, 3, 4])
    theta = [float(sampling.pick(rng, [0, 0, 1, -1, 0.5, 2, -0.5, 1.5])) for _ in range(k)]
    reward = float(sampling.pick(rng, [1, 2, 5, -1, 3, 4, 0.5]))
    baseline = float(sampling.pick(rng, [0, 1, 0.5, 2, 1.5, 0]))
    if baseline == reward:
        baseline = 0.0
    return {"theta": theta, "action": sampling.ints(rng, 0, k - 1), "reward": reward, "baseline": baseline}


def _prompt(p: dict) -> str:
    k, a = len(p["theta"]), p["action"]
    return "\n".join([
        f"A ${k}$-armed bandit policy is a softmax over preferences $\\theta = {exact_vec(p['theta'])}$: "
        "$\\pi_\\theta(a) = e^{\\theta_a} / \\sum_b e^{\\theta_b}$.",
        f"It pulled arm ${action(a)}$ and received $r = {exact(p['reward'])}$; the baseline is $b = {exact(p['baseline'])}$.",
        "Give the one-sample REINFORCE estimate of $\\nabla_\\theta J$ with this baseline, "
        f"a vector of ${k}$ numbers."])


def _solution(p: dict) -> str:
    theta, a = p["theta"], p["action"]
    pi, advantage = softmax(theta), p["reward"] - p["baseline"]
    return "\n".join([
        "$$\\hat g = (r - b)\\, \\nabla_\\theta \\log \\pi_\\theta(a), \\qquad "
        "\\frac{\\partial \\log \\pi_\\theta(a)}{\\partial \\theta_j} = [j = a] - \\pi_\\theta(j)$$",
        f"$\\pi_\\theta = \\mathrm{{softmax}}(\\theta) = {vector(pi, 6)}$",
        f"$\\nabla_\\theta \\log \\pi_\\theta({action(a)}) = e_{{{a}}} - \\pi_\\theta = {vector(score(theta, a), 6)}$",
        f"$r - b = {exact(p['reward'])} - {paren(p['baseline'])} = {fmt(advantage)}$",
        f"$\\hat g = {paren(advantage)} \\cdot {vector(score(theta, a), 6)}$, so $\\hat g = {vector(estimate(p), 6)}$",
        "The chosen arm's preference moves by $(r - b)(1 - \\pi(a))$ and every other arm's by "
        "$-(r - b)\\,\\pi(j)$: a better-than-baseline pull makes its arm more likely."])


REINFORCE_GRADIENT = Generator(
    id="rl.reinforce-gradient",
    title="REINFORCE gradient for a softmax bandit",
    answer_kind=Vector(),
    sample_params=_sample,
    validate_params=_validate,
    solve=estimate,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["REINFORCE: $\\hat g = (r - b)\\, \\nabla_\\theta \\log \\pi_\\theta(a)$.",
                     "For a softmax, $\\nabla_\\theta \\log \\pi_\\theta(a) = e_a - \\pi_\\theta$: every "
                     "component, not only the chosen arm's."],
    mistakes=(
        Mistake("forgot-baseline", "Subtract the baseline: the weight is $r - b$, not $r$.",
                lambda p: estimate(p, baseline=False) if p["baseline"] != 0 else None),
        Mistake("gradient-of-probability",
                "That is $\\nabla_\\theta \\pi_\\theta(a)$. REINFORCE uses the score "
                "$\\nabla_\\theta \\log \\pi_\\theta(a) = \\nabla_\\theta \\pi_\\theta(a) / \\pi_\\theta(a)$ "
                "(the log-derivative trick), which is what makes the sample estimate unbiased.",
                lambda p: estimate(p, of_probability=True)),
        Mistake("sign-flipped", "The score is $e_a - \\pi_\\theta$, not $\\pi_\\theta - e_a$: a pull better "
                "than the baseline must raise its own arm's preference.",
                lambda p: estimate(p, sign=-1.0)),
        Mistake("chosen-arm-only", "The softmax couples the arms: $\\partial \\log \\pi(a)/\\partial \\theta_j = "
                "-\\pi(j)$ for every other arm $j$, so those components are not zero.",
                lambda p: estimate(p, chosen_only=True)),
    ),
    tags=("policy-gradient", "reinforce"),
    difficulty=2,
)

GENERATORS = [REINFORCE_GRADIENT]
