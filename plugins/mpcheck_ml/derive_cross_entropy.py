"""Cross-entropy = entropy + KL divergence, and why minimising it fits the model in the KL sense.

Written for K = 3 outcomes so that SymPy checks the algebra exactly; Gibbs' inequality KL ≥ 0 is
checked on random distributions of several sizes, with exact zero at p = q.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

K = 3
p = sp.symbols("p_1:4", positive=True)
q = sp.symbols("q_1:4", positive=True)
H_pq, H_p, KL = sp.Symbol("H(p, q)"), sp.Symbol("H(p)"), sp.Symbol(r"\mathrm{KL}(p \,\|\, q)")


# H(p, q) = −Σ_k p_k log q_k
def cross_entropy_expr():
    return -sum(p[k] * sp.log(q[k]) for k in range(K))


# H(p) = −Σ_k p_k log p_k
def entropy_expr():
    return -sum(p[k] * sp.log(p[k]) for k in range(K))


# KL(p‖q) = Σ_k p_k log(p_k/q_k)
def kl_expr():
    return sum(p[k] * sp.log(p[k] / q[k]) for k in range(K))


def _kl_numbers(a: list[float], b: list[float]) -> float:
    return sum(x * math.log(x / y) for x, y in zip(a, b) if x > 0)


def _random_distribution(rng: random.Random, size: int) -> list[float]:
    weights = [rng.uniform(0.05, 1.0) for _ in range(size)]
    return [w / sum(weights) for w in weights]


def _gibbs_inequality() -> tuple[bool, str]:
    # KL(p‖q) ≥ 0 on random pairs, and KL(p‖p) = 0
    rng = random.Random(5)
    for size in (2, 3, 5, 10):
        for _ in range(50):
            a, b = _random_distribution(rng, size), _random_distribution(rng, size)
            if _kl_numbers(a, b) < 0 or abs(_kl_numbers(a, a)) > 1e-12:
                return False, f"K = {size}: KL = {_kl_numbers(a, b):.6g} for p = {a}, q = {b}"
    return True, "200 random pairs of distributions with K = 2, 3, 5, 10 outcomes; KL(p‖p) = 0"


def _cross_entropy_bound() -> tuple[bool, str]:
    # H(p, q) ≥ H(p) on random pairs
    rng = random.Random(13)
    for size in (2, 3, 5, 10):
        for _ in range(50):
            a, b = _random_distribution(rng, size), _random_distribution(rng, size)
            h_pq = -sum(x * math.log(y) for x, y in zip(a, b))
            h_p = -sum(x * math.log(x) for x in a)
            if h_pq < h_p - 1e-12:
                return False, f"H(p, q) = {h_pq:.6g} < H(p) = {h_p:.6g} for p = {a}, q = {b}"
    return True, "200 random pairs of distributions with K = 2, 3, 5, 10 outcomes"


def _jensen_bound() -> tuple[bool, str]:
    # −KL(p‖q) = Σ p log(q/p) ≤ log Σ p · q/p = log Σ q = 0, on random pairs
    rng = random.Random(9)
    for _ in range(100):
        a, b = _random_distribution(rng, 4), _random_distribution(rng, 4)
        lhs = sum(x * math.log(y / x) for x, y in zip(a, b))
        rhs = math.log(sum(x * (y / x) for x, y in zip(a, b)))
        if lhs > rhs + 1e-12 or abs(rhs) > 1e-12:
            return False, f"{lhs:.6g} > {rhs:.6g} for p = {a}, q = {b}"
    return True, "Jensen's bound and Σ q = 1 at 100 random pairs, K = 4"


def build() -> Walkthrough:
    p1, p2, p3 = p
    q1, q2, q3 = q
    return Walkthrough(
        title=r"Cross-entropy = entropy + KL: $H(p, q) = H(p) + \mathrm{KL}(p \,\|\, q)$",
        assumptions=[f"$K = {K}$ outcomes (every line is the same with $K$ terms)",
                     r"$p_k, q_k > 0$; for the inequality, $\sum p_k = \sum q_k = 1$"],
        where={H_pq: cross_entropy_expr(), H_p: entropy_expr(), KL: kl_expr()},
        steps=[
            Given(sp.Eq(H_pq, -(p1 * sp.log(q1) + p2 * sp.log(q2) + p3 * sp.log(q3))),
                  "cross-entropy: the expected code length under $p$ of a code built for $q$"),
            Step(-sum(pk * sp.log(sp.Mul(pk, qk / pk, evaluate=False)) for pk, qk in zip(p, q)),
                 "multiply and divide each $q_k$ by $p_k$ inside the log", practice=None),
            Step(-(p1 * sp.log(p1) + p2 * sp.log(p2) + p3 * sp.log(p3))
                 - (p1 * sp.log(q1 / p1) + p2 * sp.log(q2 / p2) + p3 * sp.log(q3 / p3)),
                 r"$\log(ab) = \log a + \log b$: split into two sums", practice=None),
            Step(-(p1 * sp.log(p1) + p2 * sp.log(p2) + p3 * sp.log(p3))
                 + (p1 * sp.log(p1 / q1) + p2 * sp.log(p2 / q2) + p3 * sp.log(p3 / q3)),
                 r"$-\log(q/p) = \log(p/q)$", hint="Flip the fraction inside the log and the sign in front.",
                 practice=None),
            Given(sp.Eq(H_p, entropy_expr()), "the entropy of $p$"),
            Given(sp.Eq(KL, kl_expr()), "the KL divergence, an expectation under $p$"),
            Step(sp.Eq(H_pq, H_p + KL), r"the first sum is the entropy $H(p)$, the second the divergence"),
            Step(sp.Le(-KL, 0),
                 r"Jensen ($\log$ is concave): $\sum p \log(q/p) \le \log \sum p \cdot (q/p) = \log \sum q = \log 1 = 0$",
                 check=predicate(_jensen_bound, "random distributions, K = 4"), practice=None),
            Step(sp.Ge(KL, 0), r"Gibbs' inequality: $\mathrm{KL}(p \,\|\, q) \ge 0$, with equality if and only if $q = p$",
                 check=predicate(_gibbs_inequality, "random distributions, K = 2 to 10"), practice=None),
            Step(sp.Ge(H_pq, H_p), r"so $H(p, q) \ge H(p)$: $H(p)$ does not depend on $q$, and minimising the "
                 r"cross-entropy over the model $q$ minimises $\mathrm{KL}(p \,\|\, q)$",
                 check=predicate(_cross_entropy_bound, "random distributions, K = 2 to 10"), practice=None),
        ])
