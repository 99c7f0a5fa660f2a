"""The generator's global optimum: C(G) = V(G, D*) = −log 4 + 2 JSD(p_d ‖ p_m) ≥ −log 4, with
equality exactly when p_m = p_d (Goodfellow et al., 2014, theorem 1).

The key inequality log u ≤ u − 1 is proved by SymPy (stationary point, convexity); Gibbs'
inequality follows term by term; the sums are checked on random discrete distributions.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate
from mpcheck_gan.common import jsd, kl, mixture

u = sp.Symbol("u", positive=True)
p, m = sp.symbols("p m", positive=True)
p_d, p_m = sp.symbols("p_d p_m", positive=True)
C = sp.Symbol("C(G)")
JSD = sp.Symbol(r"\mathrm{JSD}(p_d \| p_m)")
KL_d, KL_m = sp.Symbol(r"\mathrm{KL}(p_d \| m)"), sp.Symbol(r"\mathrm{KL}(p_m \| m)")
SumKL = sp.Symbol(r"\mathrm{KL}(p \| m)")
# one outcome's term of V(G, D*), and D*, where p_m = p_d
term_equal = sp.Symbol(r"v(x)|_{p_m = p_d}")
D_equal = sp.Symbol(r"D^{*}(x)|_{p_m = p_d}")


def _log_bound() -> tuple[bool, str]:
    # f(u) = u − 1 − log u: f′ = 0 only at u = 1, f″ = 1/u² > 0, f(1) = 0, so f ≥ 0
    f = u - 1 - sp.log(u)
    roots = sp.solve(sp.diff(f, u), u)
    convex = sp.diff(f, u, 2).is_positive
    ok = roots == [1] and bool(convex) and f.subs(u, 1) == 0
    return ok, "SymPy: f(u) = u − 1 − log u has f′(u) = 0 only at u = 1, f″(u) = 1/u² > 0 and f(1) = 0"


def _term_bound() -> tuple[bool, str]:
    # p (u − 1 − log u) with u = m/p is exactly (m − p) − p log(m/p), and p > 0 keeps the sign
    gap = sp.expand_log(p * ((m / p) - 1 - sp.log(m / p)) - ((m - p) - p * sp.log(m / p)), force=True)
    return sp.simplify(gap) == 0 and p.is_positive, "SymPy: u = m/p in the previous line, times p > 0"


def _random_pair(rng: random.Random, n: int) -> tuple[list[float], list[float]]:
    def one() -> list[float]:
        w = [rng.uniform(0.05, 1.0) for _ in range(n)]
        return [v / sum(w) for v in w]

    return one(), one()


def _gibbs() -> tuple[bool, str]:
    rng = random.Random(11)
    for n in (2, 3, 5, 8):
        for _ in range(5):
            first, second = _random_pair(rng, n)
            mix = mixture(first, second)
            if kl(first, mix) < 0 or kl(second, mix) < 0:
                return False, f"negative KL on {n} outcomes"
    return True, "20 random pairs of distributions on 2 to 8 outcomes: both KL terms ≥ 0"


def _value_bound() -> tuple[bool, str]:
    rng = random.Random(12)
    for n in (2, 3, 5, 8):
        for _ in range(5):
            first, second = _random_pair(rng, n)
            value = sum(a * math.log(a / (a + b)) + b * math.log(b / (a + b)) for a, b in zip(first, second))
            if not value > -math.log(4) or abs(value - (-math.log(4) + 2 * jsd(first, second))) > 1e-12:
                return False, f"{n} outcomes: V(G, D*) = {value}"
    return True, ("20 random pairs with p_m ≠ p_d: V(G, D*) = −log 4 + 2 JSD > −log 4 "
                  "(the inequality is strict when they differ)")


def build() -> Walkthrough:
    per_point = p_d * sp.log(p_d / (p_d + p_m)) + p_m * sp.log(p_m / (p_d + p_m))
    return Walkthrough(
        title=r"The global optimum of the generator: $C(G) \ge -\log 4$, with equality iff $p_m = p_d$",
        assumptions=[r"discrete distributions $p_d, p_m$ with $m = (p_d + p_m)/2$; "
                     r"$C(G) = V(G, D^*)$ is the value once the discriminator is optimal",
                     r"from the derivation optimal-discriminator: $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_d \,\|\, p_m)$"],
        where={term_equal: per_point.subs(p_m, p_d), D_equal: (p_d / (p_d + p_m)).subs(p_m, p_d)},
        steps=[
            Given(sp.Eq(C, -sp.log(4) + 2 * JSD), r"the value at $D^* = p_d/(p_d + p_m)$ "
                  "(derivation optimal-discriminator)"),
            Given(sp.Eq(JSD, KL_d / 2 + KL_m / 2), r"the Jensen–Shannon divergence compares both "
                  r"distributions with their mixture $m$"),
            Step(sp.Le(sp.log(u), u - 1), r"$\log u \le u - 1$ for $u > 0$: $u - 1 - \log u$ is convex "
                 r"with its minimum $0$ at $u = 1$",
                 check=predicate(_log_bound, "stationary point and convexity", method="symbolic")),
            Step(sp.Le(p * sp.log(m / p), m - p), r"put $u = m(x)/p(x)$ and multiply by $p(x) > 0$",
                 check=predicate(_term_bound, "substitution", method="symbolic")),
            Step(sp.Ge(SumKL, 0), r"sum over $x$: $-\mathrm{KL}(p \,\|\, m) = \sum_x p \log(m/p) \le "
                 r"\sum_x m - \sum_x p = 1 - 1 = 0$ (Gibbs' inequality), for $p = p_d$ and $p = p_m$",
                 check=predicate(_gibbs, "random distributions")),
            Step(sp.Ge(C, -sp.log(4)), r"so $\mathrm{JSD}(p_d \,\|\, p_m) \ge 0$ and $C(G) = -\log 4 + "
                 r"2\,\mathrm{JSD} \ge -\log 4$", check=predicate(_value_bound, "random distributions")),
            Step(sp.Eq(term_equal, -2 * sp.log(2) * p_d),
                 r"at $p_m = p_d$ each outcome contributes $2 p_d \log \frac{1}{2}$; summed over $x$ "
                 r"($\sum_x p_d = 1$) that is $-2 \log 2 = -\log 4$: the bound is reached"),
            Step(sp.Eq(D_equal, sp.Rational(1, 2)),
                 r"there the optimal discriminator is $D^* = \frac{1}{2}$ everywhere: it cannot tell "
                 r"real from generated"),
        ])
