"""The optimal discriminator D* = p_d/(p_d + p_m) and the value V(G, D*) = −log 4 + 2·JSD.

The pointwise maximisation is checked by SymPy; the value identity per point by SymPy and,
summed over x, on random discrete distributions.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate

a, b = sp.symbols("a b", positive=True)
y = sp.Symbol("y", positive=True)
p_d, p_m = sp.symbols("p_d p_m", positive=True)
f = sp.Symbol("f")
y_star = sp.Symbol("y^*")
D_star = sp.Symbol("D^*")
m = sp.Symbol("m", positive=True)
V, JSD = sp.Symbol("V(G, D^{*})"), sp.Symbol(r"\mathrm{JSD}(p_d \,\|\, p_m)")


# f(y) = a log y + b log(1 − y): the integrand of V(G, D) at one x, with y = D(x)
def objective():
    return a * sp.log(y) + b * sp.log(1 - y)


def _unique_root() -> tuple[bool, str]:
    roots = sp.solve(sp.diff(objective(), y), y)
    return roots == [a / (a + b)], f"SymPy solves f′(y) = 0: y = {roots}"


def _random_distribution(rng: random.Random, size: int) -> list[float]:
    weights = [rng.uniform(0.05, 1.0) for _ in range(size)]
    return [w / sum(weights) for w in weights]


def _kl(p: list[float], q: list[float]) -> float:
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))


def value_at_optimum(pd: list[float], pm: list[float]) -> float:
    # V(G, D*) = Σ_x p_d log D*(x) + p_m log(1 − D*(x))
    return sum(u * math.log(u / (u + v)) + v * math.log(v / (u + v)) for u, v in zip(pd, pm))


def _value_is_jsd() -> tuple[bool, str]:
    # JSD(p_d‖p_m) = ½ KL(p_d‖M) + ½ KL(p_m‖M),  M = (p_d + p_m)/2
    rng = random.Random(5)
    for size in (2, 3, 5, 8):
        for _ in range(3):
            pd, pm = _random_distribution(rng, size), _random_distribution(rng, size)
            mix = [(u + v) / 2 for u, v in zip(pd, pm)]
            jsd = 0.5 * _kl(pd, mix) + 0.5 * _kl(pm, mix)
            if abs(value_at_optimum(pd, pm) - (-math.log(4) + 2 * jsd)) > 1e-12:
                return False, f"{size} outcomes: V = {value_at_optimum(pd, pm)} vs −log 4 + 2 JSD"
    same = _random_distribution(rng, 4)
    if abs(value_at_optimum(same, same) + math.log(4)) > 1e-12:
        return False, "p_d = p_m should give V = −log 4"
    return True, "12 random pairs of discrete distributions (2 to 8 outcomes), and p_d = p_m gives −log 4"


def build() -> Walkthrough:
    d = sp.Derivative
    concave = -a / y**2 - b / (1 - y) ** 2
    per_point = p_d * sp.log(p_d / (p_d + p_m)) + p_m * sp.log(p_m / (p_d + p_m))
    x = sp.Symbol("x")
    return Walkthrough(
        title=r"Optimal discriminator $D^* = p_d/(p_d + p_m)$ and "
              r"$V(G, D^*) = -\log 4 + 2\,\mathrm{JSD}(p_d \,\|\, p_m)$",
        assumptions=[r"for a fixed generator, $V(G, D) = \sum_x p_d(x) \log D(x) + p_m(x) \log(1 - D(x))$ "
                     "(an integral for densities: the same argument holds point by point)",
                     r"at each $x$: $a = p_d(x) > 0$, $b = p_m(x) > 0$ and $y = D(x) \in (0, 1)$"],
        where={f: objective(), y_star: a / (a + b), D_star: p_d / (p_d + p_m), m: (p_d + p_m) / 2},
        steps=[
            Given(sp.Eq(f, a * sp.log(y) + b * sp.log(1 - y)),
                  "$V$ is maximised point by point: maximise $f(y)$ for each $x$ separately"),
            Step(sp.Eq(d(f, y), a / y - b / (1 - y)), "differentiate each log",
                 hint=r"$\frac{d}{dy} \log y = 1/y$, and the chain rule for $\log(1 - y)$."),
            Step(sp.Eq(y_star, a / (a + b)), r"set $f'(y) = 0$: $a(1 - y) = b y$ has a single root in $(0, 1)$",
                 check=predicate(_unique_root, "f′(y) = 0 has exactly this root", method="symbolic")),
            Step(sp.Eq(d(f, (y, 2)), concave), "differentiate again"),
            Step(sp.Lt(concave, 0), "both terms are negative for $a, b > 0$ and $0 < y < 1$: $f$ is strictly "
                 "concave, so the stationary point is the maximum",
                 check=numeric({y: (0.01, 0.99), a: (0.01, 5), b: (0.01, 5)}, draws=40)),
            Step(sp.Eq(D_star, p_d / (p_d + p_m)), "put back $a = p_d(x)$ and $b = p_m(x)$: the optimal "
                 "discriminator", check=predicate(
                     lambda: sp.simplify((a / (a + b)).subs({a: p_d, b: p_m}) - p_d / (p_d + p_m)) == 0,
                     "y* with a = p_d, b = p_m", method="symbolic")),
            Given(sp.Eq(V, sp.Sum(p_d * sp.log(D_star) + p_m * sp.log(1 - D_star), (x, 1, sp.Symbol("n")))),
                  "the value of the game at $D^*$ (a sum over the $n$ outcomes $x$)"),
            Step(sp.Eq(p_d * sp.log(D_star) + p_m * sp.log(1 - D_star), per_point),
                 r"one term, with $D^* = p_d/(p_d + p_m)$ and $1 - D^* = p_m/(p_d + p_m)$", practice=None),
            Step(p_d * sp.log(p_d / m) + p_m * sp.log(p_m / m) - (p_d + p_m) * sp.log(2),
                 r"divide inside each log by 2 and take it out again, with $m = (p_d + p_m)/2$",
                 hint=r"$\log(p/(2m)) = \log(p/m) - \log 2$"),
            Step(sp.Eq(V, -sp.log(4) + 2 * JSD),
                 r"sum over $x$: $\sum p_d = \sum p_m = 1$ gives $-2 \log 2 = -\log 4$, and the sums "
                 r"$\sum p \log(p/m)$ are the two KL terms of "
                 r"$\mathrm{JSD} = \frac{1}{2}\mathrm{KL}(p_d \,\|\, m) + \frac{1}{2}\mathrm{KL}(p_m \,\|\, m)$",
                 check=predicate(_value_is_jsd, "random discrete distributions")),
        ])
