"""The Bellman optimality operator is a γ-contraction in the sup norm, so value iteration converges.

    (T V)(s) = max_a [R(s, a) + γ Σ_s' P(s'|s, a) V(s')]
    ‖T V − T U‖_∞ ≤ γ ‖V − U‖_∞

The one identity (the rewards cancel) is proved by SymPy; the inequalities are checked on instances:
random vectors, random MDPs and random pairs of value functions, and value iteration itself.
"""

from __future__ import annotations

import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate
from mpcheck_rl.tex import tex

DRAWS = 2_000
SLACK = 1e-12


def _rng(seed: int) -> random.Random:
    return random.Random(seed)


def _distribution(rng: random.Random, n: int) -> list[float]:
    weights = [rng.random() ** 2 for _ in range(n)]
    return [w / sum(weights) for w in weights]


def _max_difference_bound() -> tuple[bool, str]:
    # |max_a f(a) − max_a g(a)| ≤ max_a |f(a) − g(a)|
    rng = _rng(1)
    for _ in range(DRAWS):
        n = rng.randint(1, 6)
        f = [rng.uniform(-5, 5) for _ in range(n)]
        g = [x + rng.uniform(-2, 2) for x in f] if rng.random() < 0.5 else [rng.uniform(-5, 5) for _ in range(n)]
        if abs(max(f) - max(g)) > max(abs(x - y) for x, y in zip(f, g)) + SLACK:
            return False, f"f = {f}, g = {g}"
    return True, f"{DRAWS:,} random pairs of action-value vectors (1 to 6 actions)"


def _average_bound() -> tuple[bool, str]:
    # |Σ p_i d_i| ≤ Σ p_i |d_i| ≤ max_i |d_i| for a distribution p
    rng = _rng(2)
    for _ in range(DRAWS):
        n = rng.randint(1, 8)
        p, diff = _distribution(rng, n), [rng.uniform(-3, 3) for _ in range(n)]
        middle = sum(pi * abs(di) for pi, di in zip(p, diff))
        if not abs(sum(pi * di for pi, di in zip(p, diff))) <= middle + SLACK <= max(map(abs, diff)) + 2 * SLACK:
            return False, f"p = {p}, d = {diff}"
    return True, f"{DRAWS:,} random distributions and differences (1 to 8 next states)"


def _random_mdp(rng: random.Random):
    S, A = rng.randint(1, 6), rng.randint(1, 4)
    P = [[_distribution(rng, S) for _ in range(A)] for _ in range(S)]
    R = [[rng.uniform(-2, 2) for _ in range(A)] for _ in range(S)]
    return S, P, R


def backup(P, R, gamma: float, V: list[float]) -> list[float]:
    # (T V)(s) = max_a [R(s, a) + γ Σ_s' P(s'|s, a) V(s')]
    return [max(R[s][a] + gamma * sum(p * v for p, v in zip(P[s][a], V)) for a in range(len(R[s])))
            for s in range(len(V))]


def sup(values) -> float:
    return max(abs(v) for v in values)


def _contraction_on_instances(factor: float = 1.0) -> tuple[bool, str]:
    """‖T V − T U‖ ≤ factor · γ ‖V − U‖ on random instances (factor < 1 must fail: the bound is tight)."""
    rng = _rng(3)
    for _ in range(DRAWS):
        S, P, R = _random_mdp(rng)
        gamma = rng.choice([0.0, 0.5, 0.9, 0.99, rng.random()])
        V, U = ([rng.uniform(-10, 10) for _ in range(S)] for _ in range(2))
        lhs = sup(x - y for x, y in zip(backup(P, R, gamma, V), backup(P, R, gamma, U)))
        if lhs > factor * gamma * sup(x - y for x, y in zip(V, U)) + 1e-9:
            return False, f"γ = {gamma}: {lhs} > γ · {sup(x - y for x, y in zip(V, U))}"
    return True, f"{DRAWS:,} random MDPs (1–6 states, 1–4 actions) and pairs V, U; γ from 0 to 0.99"


def _value_iteration_error() -> tuple[bool, str]:
    # ‖V_k − V*‖ ≤ γ^k ‖V_0 − V*‖, with V* from sweeping until nothing changes
    rng = _rng(4)
    for _ in range(60):
        S, P, R = _random_mdp(rng)
        gamma = rng.choice([0.5, 0.8, 0.9])
        star, previous = [0.0] * S, None
        while previous is None or sup(x - y for x, y in zip(star, previous)) > 1e-14:
            previous, star = star, backup(P, R, gamma, star)
        V = [rng.uniform(-10, 10) for _ in range(S)]
        start = sup(v - w for v, w in zip(V, star))
        for k in range(1, 30):
            V = backup(P, R, gamma, V)
            if sup(v - w for v, w in zip(V, star)) > gamma ** k * start + 1e-9:
                return False, f"γ = {gamma}, k = {k}"
    return True, "60 random MDPs, 29 sweeps each, from random V_0"


def build() -> Walkthrough:
    gamma = sp.Symbol("gamma", positive=True)
    R = sp.Symbol("R", real=True)
    p = sp.symbols("p_1:4", nonnegative=True)
    V = sp.symbols("V_1:4", real=True)
    U = sp.symbols("U_1:4", real=True)
    TV, TU = tex(r"(T V)(s)"), tex(r"(T U)(s)")
    q_gap = tex(r"\max_a |Q_V(s, a) - Q_U(s, a)|")
    dist = tex(r"\|V - U\|_\infty", nonnegative=True)
    contraction_lhs = tex(r"\|T V - T U\|_\infty", nonnegative=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    error_k, error_0 = tex(r"\|V_k - V^*\|_\infty"), tex(r"\|V_0 - V^*\|_\infty")
    q_of = lambda W: R + gamma * sum(pi * w for pi, w in zip(p, W))  # noqa: E731
    gap = sum(pi * (v - u) for pi, v, u in zip(p, V, U))
    return Walkthrough(
        title="The Bellman optimality operator is a $\\gamma$-contraction: "
              "$\\|T V - T U\\|_\\infty \\le \\gamma \\|V - U\\|_\\infty$",
        summary="Two value functions come closer by a factor $\\gamma$ with every sweep, so value iteration "
                "converges to the unique fixed point $V^*$ from anywhere.",
        assumptions=["a finite MDP, $0 \\le \\gamma < 1$; $Q_V(s, a) = R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a) V(s')$",
                     "the identity is written with three next states $p_i = P(s_i \\mid s, a)$; the inequalities "
                     "are checked on random MDPs of any size up to six states"],
        steps=[
            Given(sp.Eq(TV, tex(r"\max_a Q_V(s, a)")), "the optimality backup of $V$ in one state $s$"),
            Step(sp.Le(sp.Abs(TV - TU), q_gap),
                 "$|\\max_a f(a) - \\max_a g(a)| \\le \\max_a |f(a) - g(a)|$: the larger max is at most the "
                 "other function's value at the same action plus their gap there",
                 check=predicate(_max_difference_bound, "random action-value vectors"), practice=None),
            Step(sp.Eq(q_of(V) - q_of(U), gamma * gap),
                 "in the difference of two backups the reward cancels; only the discounted future differs",
                 hint="Both have the same $R(s, a)$ and the same $P$."),
            Step(sp.Le(sp.Abs(gamma * gap), gamma * dist),
                 "an average of differences is at most the largest one: $P(\\cdot \\mid s, a)$ is a distribution, "
                 "so $|\\sum_i p_i d_i| \\le \\sum_i p_i |d_i| \\le \\max_i |d_i|$",
                 check=predicate(_average_bound, "random distributions"), practice=None),
            Step(sp.Le(contraction_lhs, gamma * dist),
                 "this holds for every action and every state $s$, so for the largest: $T$ is a "
                 "$\\gamma$-contraction in the sup norm",
                 check=predicate(_contraction_on_instances, "random MDPs and value pairs"), practice=None),
            Step(sp.Le(error_k, gamma**k * error_0),
                 "apply it $k$ times with $U = V^*$ (a fixed point, $T V^* = V^*$): value iteration's error "
                 "shrinks at least by $\\gamma$ per sweep, and by Banach's theorem $V^*$ is the only fixed point",
                 check=predicate(_value_iteration_error, "value iteration on random MDPs"), practice=None),
        ])
