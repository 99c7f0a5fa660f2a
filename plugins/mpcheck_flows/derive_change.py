"""The change of variables in one dimension: p_x(x) = p_z(f⁻¹(x)) |d f⁻¹(x)/dx|.

Worked for Z ~ N(0, 1) pushed through f(z) = sinh z (increasing) and through −sinh z (decreasing),
where every quantity has a closed form. The CDF line is checked against samples of Z; the calculus
by SymPy, which differentiates the CDF's integral through its upper limit (Leibniz's rule).
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate

x, z, t = sp.symbols("x z t", real=True)
# names as they read in the course; each is replaced by its example's formula where checked
f, f_inv, g_inv = sp.Function("f"), sp.Function("f^{-1}"), sp.Function("g^{-1}")
f_1, f_2 = sp.Function("f_1"), sp.Function("f_2")
p_x, p_z, q_x, F_X = sp.Function("p_x"), sp.Function("p_z"), sp.Function(r"\tilde{p}_x"), sp.Function("F_X")
SAMPLES = 100_000
POINTS = (-2.0, -0.5, 0.3, 1.5)


def normal_pdf(at):
    return sp.exp(-at**2 / 2) / sp.sqrt(2 * sp.pi)


def cdf_matches_samples() -> tuple[bool, str]:
    """P(sinh Z ≤ x) from samples of Z against Φ(asinh x), within 4 standard errors."""
    rng = random.Random(11)
    samples = [math.sinh(rng.gauss(0.0, 1.0)) for _ in range(SAMPLES)]
    for point in POINTS:
        share = sum(s <= point for s in samples) / SAMPLES
        exact = 0.5 * (1 + math.erf(math.asinh(point) / math.sqrt(2)))
        if abs(share - exact) > 4 * math.sqrt(exact * (1 - exact) / SAMPLES):
            return False, f"at x = {point}: {share:.5f} of the samples vs Φ(asinh x) = {exact:.5f}"
    return True, f"{SAMPLES} samples of sinh Z agree with Φ(asinh x) at x = {', '.join(map(str, POINTS))} (4 s.e.)"


def build() -> Walkthrough:
    cdf = sp.Integral(p_z(t), (t, -sp.oo, f_inv(x)))
    concrete_cdf = sp.Integral(normal_pdf(t), (t, -sp.oo, sp.asinh(x)))
    decreasing_cdf = 1 - sp.Integral(normal_pdf(t), (t, -sp.oo, -sp.asinh(x)))
    slope_at = lambda fn, arg: sp.Subs(sp.Derivative(fn(z), z), z, arg)  # noqa: E731  f'(arg)
    example_density = normal_pdf(sp.asinh(x)) / sp.sqrt(1 + x**2)
    composed = sp.Derivative(f_2(f_1(z)), z)
    return Walkthrough(
        title="Change of variables in one dimension",
        assumptions=["$X = f(Z)$ with $f$ differentiable and invertible, $Z$ with density $p_z$",
                     "checked on $Z \\sim \\mathcal{N}(0, 1)$ with $f(z) = \\sinh z$ (increasing) and "
                     "$-\\sinh z$ (decreasing)"],
        where={
            f(z): sp.sinh(z), f_inv(x): sp.asinh(x), g_inv(x): -sp.asinh(x),
            p_z(t): normal_pdf(t), p_z(f_inv(x)): normal_pdf(sp.asinh(x)), p_z(g_inv(x)): normal_pdf(-sp.asinh(x)),
            # the density of X is the derivative of its CDF (differentiated through the upper limit)
            p_x(x): concrete_cdf.diff(x), q_x(x): decreasing_cdf.diff(x),
            f_1(z): sp.sinh(z), f_2(z): 2 * z**3 + z, f_2(f_1(z)): 2 * sp.sinh(z) ** 3 + sp.sinh(z),
        },
        steps=[
            Given(sp.Eq(sp.Symbol("X"), f(sp.Symbol("Z"))), "a flow in one dimension: $f$ maps the latent $Z$ to $X$"),
            Step(sp.Eq(F_X(x), cdf), "$f$ is increasing, so $f(Z) \\le x$ exactly when $Z \\le f^{-1}(x)$: "
                 "$F_X(x) = P(Z \\le f^{-1}(x))$",
                 check=predicate(cdf_matches_samples, "Monte Carlo against the normal CDF"), practice=None),
            Given(sp.Eq(p_x(x), sp.Derivative(F_X(x), x)), "a density is the derivative of its CDF"),
            Step(sp.Eq(p_x(x), p_z(f_inv(x)) * sp.Derivative(f_inv(x), x)),
                 "differentiate the integral through its upper limit (fundamental theorem of calculus, chain rule)",
                 hint="$p_z(f^{-1}(x)) \\frac{d f^{-1}(x)}{dx}$"),
            Step(sp.Eq(sp.Derivative(f_inv(x), x), 1 / slope_at(f, f_inv(x))),
                 "inverse function rule: the slope of $f^{-1}$ is one over the slope of $f$ where it came from",
                 hint="$1 / f'(f^{-1}(x))$"),
            Step(sp.Eq(p_x(x), example_density), "the example: $\\frac{d}{dx}\\operatorname{asinh} x = "
                 "\\frac{1}{\\sqrt{1 + x^2}} = \\frac{1}{\\cosh(\\operatorname{asinh} x)}$", practice=None),
            Step(sp.Eq(q_x(x), p_z(g_inv(x)) * sp.Abs(sp.Derivative(g_inv(x), x))),
                 "for a decreasing $f$ (here $-\\sinh z$, with inverse $g^{-1}$), $F_X(x) = 1 - F_Z(g^{-1}(x))$: the "
                 "derivative picks up a minus sign, which cancels the negative slope of $g^{-1}$: an absolute value",
                 practice=None),
            Step(sp.Eq(p_x(x), p_z(f_inv(x)) * sp.Abs(sp.Derivative(f_inv(x), x))),
                 "both cases in one formula: $p_x(x) = p_z(f^{-1}(x)) \\left|\\frac{d f^{-1}(x)}{dx}\\right|$",
                 hint="$p_z(f^{-1}(x)) |d f^{-1}(x)/dx|$"),
            Step(sp.Eq(sp.log(p_x(x)), sp.log(p_z(f_inv(x))) - sp.log(sp.Abs(slope_at(f, f_inv(x))))),
                 "in logs, the flow's likelihood: $\\log p_z(z) - \\log|f'(z)|$ at $z = f^{-1}(x)$",
                 check=numeric({x: (-3, 3)}, draws=6), hint="$\\log p_z(z) - \\log|f'(z)|$"),
            Step(sp.Eq(sp.log(sp.Abs(composed)), sp.log(sp.Abs(slope_at(f_2, f_1(z)))) + sp.log(sp.Abs(sp.Derivative(f_1(z), z)))),
                 "for a composition $f = f_2 \\circ f_1$ the chain rule multiplies the slopes: the log-determinants "
                 "add (checked with $f_1 = \\sinh$, $f_2(z) = 2z^3 + z$)", check=numeric({z: (-2, 2)}, draws=6),
                 practice=None),
        ])
