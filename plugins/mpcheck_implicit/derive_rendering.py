"""Two derivations of the chapter: NeRF's quadrature of the volume-rendering integral, and the
secant method's update.

NeRF: with density and colour constant on each segment [t_i, t_i + δ_i), the integral
C = ∫ T(t) σ(t) c(t) dt, T(t) = exp(−∫ σ), splits into segments whose integrals SymPy evaluates in
general; the product form of T_i is checked for n = 1..6 segments (instances).
Secant: the line through two points and its root, proved symbolically; the order of convergence
(the golden ratio) is measured on instances.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate, symbolic

t, t_i = sp.symbols("t t_i", real=True)
sigma_i, delta_i, c_i, T_i = sp.symbols("sigma_i delta_i c_i T_i", positive=True)
alpha_i = sp.Symbol("alpha_i", positive=True)
C = sp.Symbol("C")
SEGMENT = sp.Symbol(r"\int_{t_i}^{t_i + \delta_i} T(t)\, \sigma_i\, c_i\, dt")


def _segment_integral() -> tuple[bool, str]:
    # ∫_{t_i}^{t_i+δ_i} T_i e^{−σ_i (t − t_i)} σ_i c_i dt = T_i c_i (1 − e^{−σ_i δ_i})
    integral = sp.integrate(T_i * sp.exp(-sigma_i * (t - t_i)) * sigma_i * c_i, (t, t_i, t_i + delta_i))
    target = T_i * c_i * (1 - sp.exp(-sigma_i * delta_i))
    return sp.simplify(integral - target) == 0, "SymPy integrates the exponential in general"


def _transmittance_product() -> tuple[bool, str]:
    # exp(−Σ_{j<i} σ_j δ_j) = Π_{j<i} (1 − α_j) with α_j = 1 − exp(−σ_j δ_j)
    for n in range(1, 7):
        s = sp.symbols(f"s1:{n + 1}", positive=True)
        d = sp.symbols(f"d1:{n + 1}", positive=True)
        left = sp.exp(-sum(a * b for a, b in zip(s, d)))
        right = sp.prod([1 - (1 - sp.exp(-a * b)) for a, b in zip(s, d)])
        if sp.simplify(left - right) != 0:
            return False, f"n = {n}"
    return True, "symbolic densities and lengths for i − 1 = 1..6 segments in front"


def _quadrature_matches_integral() -> tuple[bool, str]:
    # the sum over segments equals a fine numerical integral of the continuous model
    rng = random.Random(4)
    for _ in range(20):
        n = rng.randint(1, 6)
        sig = [rng.uniform(0, 4) for _ in range(n)]
        dl = [rng.uniform(0.05, 0.6) for _ in range(n)]
        col = [rng.uniform(0, 1) for _ in range(n)]
        total, kept = 0.0, 1.0
        for s, d, c in zip(sig, dl, col):
            a = 1 - math.exp(-s * d)
            total += kept * a * c
            kept *= 1 - a
        # midpoint rule on ∫ T(t) σ(t) c(t) dt with T(t) = exp(−∫_0^t σ)
        steps, riemann, optical = 20_000, 0.0, 0.0
        for s, d, c in zip(sig, dl, col):
            h = d / steps
            for _ in range(steps):
                riemann += math.exp(-(optical + s * h / 2)) * s * c * h
                optical += s * h
        if abs(total - riemann) > 1e-6:
            return False, f"quadrature {total} vs integral {riemann}"
    return True, "20 random piecewise-constant rays against a midpoint rule with 20,000 steps per segment"


x0, x1, x = sp.symbols("x_0 x_1 x", real=True)
f0, f1 = sp.symbols("f_0 f_1", real=True)
x2 = sp.Symbol("x_2")
slope = (f1 - f0) / (x1 - x0)
line = f1 + slope * (x - x1)


def _golden_order() -> tuple[bool, str]:
    # e_{n+1} ≈ C e_n e_{n−1} gives order φ = (1 + √5)/2: measured on f(x) = x³ − 2x − 5 at 60 digits
    import mpmath

    with mpmath.workdps(60):
        f = lambda z: z**3 - 2 * z - 5  # noqa: E731
        root = mpmath.findroot(f, 2)
        a, b = mpmath.mpf(3), mpmath.mpf("2.5")
        errors = []
        for _ in range(7):
            a, b = b, b - f(b) * (b - a) / (f(b) - f(a))
            errors.append(abs(b - root))
        orders = [float(mpmath.log(errors[k + 1] / errors[k]) / mpmath.log(errors[k] / errors[k - 1])) for k in (4, 5)]
    golden = (1 + math.sqrt(5)) / 2
    return all(abs(o - golden) < 0.1 for o in orders), f"measured orders {', '.join(f'{o:.3f}' for o in orders)}"


def build_nerf() -> Walkthrough:
    return Walkthrough(
        title="NeRF's quadrature of the volume-rendering integral",
        assumptions=["$C = \\int_{t_n}^{t_f} T(t)\\,\\sigma(t)\\,c(t)\\,dt$ with $T(t) = \\exp(-\\int_{t_n}^t \\sigma(s)\\,ds)$",
                     "$\\sigma$ and $c$ are constant on each segment $[t_i, t_i + \\delta_i)$: $\\sigma_i$, $c_i$"],
        steps=[
            Given(sp.Eq(sp.Symbol("T(t)"), T_i * sp.exp(-sigma_i * (t - t_i))),
                  "inside segment $i$ the density is constant, so light decays exponentially from $T_i = T(t_i)$"),
            Step(sp.Eq(SEGMENT, T_i * c_i * (1 - sp.exp(-sigma_i * delta_i))),
                 "integrate the exponential over the segment",
                 check=predicate(_segment_integral, "SymPy, in general", method="symbolic"), practice=None),
            Given(sp.Eq(alpha_i, 1 - sp.exp(-sigma_i * delta_i)),
                  "name the segment's opacity: its integral is $T_i \\alpha_i c_i$"),
            Step(sp.Eq(sp.Symbol(r"T_i = e^{-\sum_{j<i} \sigma_j \delta_j}"),
                       sp.Symbol(r"\prod_{j<i} (1 - \alpha_j)")),
                 "the optical depth adds over segments, so the transmittance multiplies: "
                 "$e^{-\\sigma_j \\delta_j} = 1 - \\alpha_j$",
                 check=predicate(_transmittance_product, "symbolic, up to 6 segments in front"), practice=None),
            Step(sp.Eq(C, sp.Symbol(r"\sum_i T_i \alpha_i c_i")),
                 "add the segments: NeRF's rendering equation, exact for piecewise-constant fields",
                 check=predicate(_quadrature_matches_integral, "against numerical integration"), practice=None),
        ])


def build_secant() -> Walkthrough:
    return Walkthrough(
        title="The secant method's update",
        assumptions=["two points $(x_0, f_0)$ and $(x_1, f_1)$ of $f$, with $f_0 \\ne f_1$"],
        steps=[
            Given(sp.Eq(sp.Symbol(r"\ell(x)"), line), "the straight line through $(x_1, f_1)$ with the secant's slope"),
            Step(sp.Eq(line.subs(x, x0), f0), "it passes through $(x_0, f_0)$ as well", check=symbolic(),
                 practice=None),
            Step(sp.Eq(x2, x1 - f1 / slope), "its root: set $\\ell(x_2) = 0$ and solve for $x_2$",
                 check=predicate(lambda: (sp.simplify(line.subs(x, x1 - f1 / slope)) == 0,
                                          "SymPy: the line vanishes there"), "SymPy, in general", method="symbolic"),
                 practice=None),
            Step(x1 - f1 * (x1 - x0) / (f1 - f0), "divide by the slope: the secant update",
                 check=symbolic(), hint="x_1 - f_1 (x_1 - x_0)/(f_1 - f_0)"),
            Step(sp.Eq(sp.Symbol(r"\text{order}"), (1 + sp.sqrt(5)) / 2),
                 "near a simple root $e_{n+1} \\approx C e_n e_{n-1}$, so the order is the golden ratio: "
                 "faster than bisection, slower than Newton, and no derivative needed",
                 check=predicate(_golden_order, "measured on x³ − 2x − 5"), practice=None),
        ])
