"""Jensen's inequality for the logarithm, and its best-known corollary: KL(p ‖ q) ≥ 0.

For a discrete distribution p and positive x_i, concavity of log gives
log Σ p_i x_i ≥ Σ p_i log x_i; with x_i = q_i / p_i the right side is −KL(p ‖ q) and the left
side is log Σ q_i = 0. The inequalities are checked on random distributions (instances); the
identities with symbolic probabilities for n = 1..5.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

SIZES = range(1, 6)
DRAWS = 2000


def S(latex: str) -> sp.Symbol:
    """A symbol whose name is the LaTeX shown for a sum or a divergence."""
    return sp.Symbol(latex)


KL = S(r"\mathrm{KL}(p \,\|\, q)")
SUM_P_LOG_X = S(r"\sum_i p_i \log x_i")
LOG_SUM_P_X = S(r"\log \sum_i p_i x_i")
SUM_P_LOG_RATIO = S(r"\sum_i p_i \log \frac{q_i}{p_i}")
LOG_SUM_Q = S(r"\log \sum_i p_i \frac{q_i}{p_i}")


def _distribution(rng: random.Random, n: int) -> list[float]:
    weights = [rng.random() + 1e-3 for _ in range(n)]
    return [w / sum(weights) for w in weights]


def _jensen_log() -> tuple[bool, str]:
    # log Σ p_i x_i ≥ Σ p_i log x_i for every distribution p and positive x
    rng = random.Random(7)
    for _ in range(DRAWS):
        n = rng.randint(1, 8)
        p, x = _distribution(rng, n), [math.exp(rng.uniform(-4, 4)) for _ in range(n)]
        if math.log(sum(pi * xi for pi, xi in zip(p, x))) < sum(pi * math.log(xi) for pi, xi in zip(p, x)) - 1e-12:
            return False, f"fails at p = {p}, x = {x}"
    return True, f"{DRAWS} random distributions (n = 1..8) and positive points"


def _symbols(n: int):
    p = sp.symbols(f"p1:{n + 1}", positive=True)
    q = sp.symbols(f"q1:{n + 1}", positive=True)
    return p, q


def _kl_as_negative_sum() -> tuple[bool, str]:
    # Σ p_i log(p_i/q_i) = −Σ p_i log(q_i/p_i)
    for n in SIZES:
        p, q = _symbols(n)
        kl = sum(pi * sp.log(pi / qi) for pi, qi in zip(p, q))
        negated = -sum(pi * sp.log(qi / pi) for pi, qi in zip(p, q))
        if sp.expand(sp.expand_log(kl - negated)) != 0:
            return False, f"n = {n}"
    return True, "symbolic probabilities, n = 1..5"


def _kl_bound() -> tuple[bool, str]:
    # Σ p_i log(q_i/p_i) ≤ log Σ p_i (q_i/p_i): Jensen with x_i = q_i / p_i
    rng = random.Random(8)
    for _ in range(DRAWS):
        n = rng.randint(1, 8)
        p, q = _distribution(rng, n), _distribution(rng, n)
        left = sum(pi * math.log(qi / pi) for pi, qi in zip(p, q))
        if left > math.log(sum(pi * qi / pi for pi, qi in zip(p, q))) + 1e-12:
            return False, f"fails at p = {p}, q = {q}"
    return True, f"{DRAWS} random pairs of distributions (n = 1..8)"


def _cancel_to_zero() -> tuple[bool, str]:
    # log Σ p_i (q_i/p_i) = log Σ q_i = log 1 = 0 once Σ q_i = 1
    for n in SIZES:
        p, q = _symbols(n)
        total = sum(pi * qi / pi for pi, qi in zip(p, q))
        if sp.simplify(total - sum(q)) != 0:
            return False, f"n = {n}"
    return True, "symbolic probabilities, n = 1..5, then Σ q_i = 1"


def _kl_nonnegative() -> tuple[bool, str]:
    rng = random.Random(9)
    for _ in range(DRAWS):
        n = rng.randint(1, 8)
        p, q = _distribution(rng, n), _distribution(rng, n)
        if sum(pi * math.log(pi / qi) for pi, qi in zip(p, q)) < -1e-12:
            return False, f"KL < 0 at p = {p}, q = {q}"
    return True, f"{DRAWS} random pairs of distributions (n = 1..8)"


def build() -> Walkthrough:
    return Walkthrough(
        title=r"Jensen's inequality, and why $\mathrm{KL}(p \,\|\, q) \ge 0$",
        assumptions=["$p$ and $q$ are distributions on the same $n$ outcomes, all $p_i, q_i > 0$",
                     "$\\log$ is concave: $\\log(t a + (1 - t) b) \\ge t \\log a + (1 - t) \\log b$ for $t \\in [0, 1]$"],
        steps=[
            Step(sp.GreaterThan(LOG_SUM_P_X, SUM_P_LOG_X),
                 "Jensen's inequality for the concave $\\log$ (induction on $n$ from the two-point "
                 "definition of concavity): the log of an average is at least the average of the logs",
                 check=predicate(_jensen_log, "random instances"), practice=None),
            Given(sp.Eq(KL, S(r"\sum_i p_i \log \frac{p_i}{q_i}")), "definition of the KL divergence"),
            Step(sp.Eq(KL, -SUM_P_LOG_RATIO), "$\\log(p_i/q_i) = -\\log(q_i/p_i)$",
                 check=predicate(_kl_as_negative_sum, "symbolic probabilities for n = 1..5"), practice=None),
            Step(sp.LessThan(SUM_P_LOG_RATIO, LOG_SUM_Q), "Jensen with $x_i = q_i / p_i$",
                 check=predicate(_kl_bound, "random instances"), practice=None),
            Step(sp.Eq(LOG_SUM_Q, 0), "$p_i$ cancels: $\\log \\sum_i q_i = \\log 1 = 0$",
                 check=predicate(_cancel_to_zero, "symbolic probabilities for n = 1..5"), hint="0"),
            Step(sp.GreaterThan(KL, 0),
                 "so $-\\mathrm{KL}(p \\,\\|\\, q) \\le 0$; equality needs $q_i / p_i$ constant, i.e. $p = q$, "
                 "because $\\log$ is strictly concave",
                 check=predicate(_kl_nonnegative, "random instances"), practice=None),
        ])
