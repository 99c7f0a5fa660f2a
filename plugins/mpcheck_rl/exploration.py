"""ε-greedy action probabilities (Sutton & Barto's convention).

With probability ε the agent explores: an action drawn uniformly from all |A| actions, the greedy
one included; otherwise it exploits the greedy action. So

    π(a) = ε/|A| + (1 − ε) · [a greedy]

and when several actions share the maximum, the exploitation share 1 − ε is split equally
between them (the prompt says so).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.errors import ParamsError
from mpcheck_rl.draws import batched
from mpcheck_rl.mdp import clean_list, greedy_actions
from mpcheck_rl.show import action, exact, fmt

KEYS = ("q", "epsilon")
MAX_ACTIONS = 16
MAX_ENTRY = 1e6


def probabilities(q: list[float], epsilon: float, *, greedy_explores: bool = True,
                  others_only: bool = False) -> list[float]:
    """π(a) = ε/|A| + (1 − ε)·[a greedy]/(number of greedy actions); the switches replay the traps."""
    n, best = len(q), greedy_actions(q)
    exploit = 1 - epsilon
    if others_only:  # the trap: exploration spread over the non-greedy actions only
        rest = n - len(best)
        return clean_list([exploit / len(best) if a in best else epsilon / rest for a in range(n)])
    # π(a) = ε/|A| + (1 − ε)/k for the k greedy actions, ε/|A| for the others
    share = epsilon / n
    return clean_list([(share if greedy_explores else 0.0) + exploit / len(best) if a in best else share
                       for a in range(n)])


def _solve(p: dict) -> list[float]:
    return probabilities(p["q"], p["epsilon"])


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    q = P.vector(p, "q", min_length=2, max_length=MAX_ACTIONS)
    if any(abs(x) > MAX_ENTRY for x in q):
        raise ParamsError(f"params: 'q' entries must lie in [-{MAX_ENTRY:g}, {MAX_ENTRY:g}]")
    P.real(p, "epsilon", 0, 1)


@batched
def _sample(rng) -> dict:
    n = sampling.pick(rng, [3, 4, 4, 5])
    while True:
        q = [float(sampling.pick(rng, [-1, 0, 0.5, 1, 1.5, 2, 3, 2.5])) for _ in range(n)]
        if len(greedy_actions(q)) == 1 or rng.random() < 0.15:
            break
    return {"q": q, "epsilon": sampling.pick(rng, [0.1, 0.2, 0.3, 0.4, 0.5, 0.05])}


def _prompt(p: dict) -> str:
    values = ", ".join(f"$Q(s, {action(a)}) = {exact(v)}$" for a, v in enumerate(p["q"]))
    n = len(p["q"])
    return "\n".join([
        f"In state $s$ the action values are {values}.",
        f"The agent acts $\\varepsilon$-greedily with $\\varepsilon = {exact(p['epsilon'])}$: with probability "
        f"$\\varepsilon$ it picks one of the ${n}$ actions uniformly at random (the greedy one included), "
        "otherwise the greedy action; if several actions tie for the best value, the greedy share is "
        "split equally between them.",
        f"Give the probabilities $[\\pi({action(0)} \\mid s), \\dots, \\pi({action(n - 1)} \\mid s)]$."])


def _solution(p: dict) -> str:
    q, eps, n = p["q"], p["epsilon"], len(p["q"])
    best = greedy_actions(q)
    names = ", ".join(f"${action(a)}$" for a in best)
    exploit = (1 - eps) / len(best)
    lines = [f"Greedy: {names} (largest $Q = {exact(max(q))}$).",
             f"Exploration gives every action $\\varepsilon/|A| = {exact(eps)}/{n} = {fmt(eps / n, 6)}$.",
             (f"The greedy action also gets $1 - \\varepsilon = {fmt(1 - eps)}$: "
              f"$\\pi = {fmt(eps / n, 6)} + {fmt(1 - eps)} = {fmt(eps / n + 1 - eps, 6)}$." if len(best) == 1 else
              f"The {len(best)} tied greedy actions split $1 - \\varepsilon$: each gets "
              f"$\\varepsilon/|A| + (1 - \\varepsilon)/{len(best)} = {fmt(eps / n + exploit, 6)}$."),
             f"$\\pi(\\cdot \\mid s) = [{', '.join(fmt(x, 6) for x in _solve(p))}]$, which sums to $1$."]
    return "\n".join(lines)


EPSILON_GREEDY = Generator(
    id="rl.epsilon-greedy",
    title="Epsilon-greedy action probabilities",
    answer_kind=Vector(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Exploration picks any action, the greedy one included: each gets $\\varepsilon/|A|$.",
                     "The greedy action gets its exploration share plus $1 - \\varepsilon$; the "
                     "probabilities sum to $1$."],
    mistakes=(
        Mistake("greedy-share-forgotten",
                "The greedy action can also be drawn when exploring: it gets $1 - \\varepsilon + \\varepsilon/|A|$ "
                "(your probabilities do not sum to $1$).",
                lambda p: probabilities(p["q"], p["epsilon"], greedy_explores=False)
                if 0 < p["epsilon"] else None),
        Mistake("explored-others-only",
                "Here exploration draws uniformly from all $|A|$ actions, the greedy one included, so each "
                "gets $\\varepsilon/|A|$ (not $\\varepsilon/(|A| - 1)$ for the others only).",
                lambda p: probabilities(p["q"], p["epsilon"], others_only=True)
                if 0 < p["epsilon"] and len(greedy_actions(p["q"])) < len(p["q"]) else None),
        Mistake("epsilon-as-greedy-probability",
                "$\\varepsilon$ is the probability of exploring, not of acting greedily: the greedy action "
                "gets $1 - \\varepsilon + \\varepsilon/|A|$.",
                lambda p: probabilities(p["q"], 1 - p["epsilon"]) if p["epsilon"] != 0.5 else None),
    ),
    tags=("exploration", "epsilon-greedy"),
)

GENERATORS = [EPSILON_GREEDY]
