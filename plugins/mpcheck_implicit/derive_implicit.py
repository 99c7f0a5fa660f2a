"""Implicit differentiation: the circle x² + y² = 1, and the surface-point gradient of
differentiable volumetric rendering (DVR, Niemeyer et al. 2020).

The DVR formula is checked on a concrete field, a sphere whose radius is the parameter θ:
f_θ(p) = θ² − |p|² at level τ = 0, where the ray–sphere intersection has a closed form that
can be differentiated directly.
"""

from __future__ import annotations

import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

x = sp.Symbol("x", real=True)
Y = sp.Function("y")(x)
y = sp.Symbol("y", real=True)
F_x, F_y = sp.symbols("F_x F_y")
theta = sp.Symbol("theta", positive=True)
r0 = sp.Matrix(sp.symbols("r_x r_y r_z", real=True))
w = sp.Matrix(sp.symbols("w_x w_y w_z", real=True))
depth = sp.Function("dhat")(theta)


# f_θ(p) = θ² − |p|²: positive inside the sphere of radius θ, zero on it
def sphere_field(radius, point):
    return radius**2 - point.dot(point)


# first hit of |r₀ + d w|² = θ²:  d̂ = (−r₀·w − √((r₀·w)² − |w|²(|r₀|² − θ²))) / |w|²
def closed_form_depth():
    rw, ww, rr = r0.dot(w), w.dot(w), r0.dot(r0)
    return (-rw - sp.sqrt(rw**2 - ww * (rr - theta**2))) / ww


def _circle_slope() -> tuple[bool, str]:
    slope = sp.Symbol("s")
    solved = sp.solve(2 * x + 2 * y * slope, slope)
    if solved != [-x / y]:
        return False, f"solving 2x + 2y y′ = 0 gave {solved}"
    for branch in (sp.sqrt(1 - x**2), -sp.sqrt(1 - x**2)):  # the two explicit halves
        if sp.simplify(sp.diff(branch, x) - (-x / branch)) != 0:
            return False, f"branch y = {branch} disagrees"
    return True, "SymPy solves for y′, and both branches y = ±√(1 − x²) differentiate to −x/y"


def _on_the_curve() -> tuple[bool, str]:
    for branch in (sp.sqrt(1 - x**2), -sp.sqrt(1 - x**2)):
        if sp.simplify(sp.diff(x**2 + branch**2, x)) != 0:
            return False, f"branch {branch}"
    return True, "on both branches y = ±√(1 − x²), d/dx (x² + y²) = 0"


def _general_rule() -> tuple[bool, str]:
    # d/dx F(x, y(x)) = F_x + F_y y′ = 0  ⇒  y′ = −F_x / F_y, for several curves
    curves = [x**2 + y**2 - 1, x**3 + y**3 - 3 * x * y, x * sp.exp(y) - y - 1,
              sp.sin(x * y) + x - y**2]
    slope = sp.Symbol("s")
    for curve in curves:
        total = sp.diff(curve.subs(y, Y), x).subs(sp.Derivative(Y, x), slope).subs(Y, y)
        solved = sp.solve(total, slope)
        rule = -sp.diff(curve, x) / sp.diff(curve, y)
        if len(solved) != 1 or sp.simplify(solved[0] - rule) != 0:
            return False, f"{curve} = 0: solved {solved}, rule {rule}"
    return True, f"{len(curves)} curves: solving the differentiated equation gives −F_x/F_y"


def _level_set_derivative_vanishes() -> tuple[bool, str]:
    point = r0 + closed_form_depth() * w
    total = sp.diff(sphere_field(theta, point), theta)
    ok = sp.simplify(total) == 0
    return ok, "on the sphere, f_θ at the closed-form intersection is constant (τ) in θ"


def _chain_rule_on_sphere() -> tuple[bool, str]:
    # d/dθ f(θ, r₀ + d̂(θ) w) = ∂f/∂θ + ∇_p f · w ∂d̂/∂θ
    point = r0 + depth * w
    p = sp.Matrix(sp.symbols("p_x p_y p_z", real=True))
    total = sp.diff(sphere_field(theta, point), theta)
    partial_theta = sp.diff(sphere_field(theta, p), theta)
    gradient = sp.Matrix([sp.diff(sphere_field(theta, p), c) for c in p])
    at_point = dict(zip(p, point))
    chain = (partial_theta + gradient.dot(w) * sp.Derivative(depth, theta)).xreplace(at_point)
    return sp.simplify(total - chain) == 0, "f_θ(p) = θ² − |p|² along p = r₀ + d̂(θ) w"


def _point_moves_along_ray() -> tuple[bool, str]:
    difference = sp.diff(r0 + depth * w, theta) - w * sp.Derivative(depth, theta)
    return difference == sp.zeros(3, 1), "∂(r₀ + d̂ w)/∂θ = w ∂d̂/∂θ"


def _solve_for_depth_derivative() -> tuple[bool, str]:
    df_dtheta, df_dp_w, rate = sp.symbols("a g s")
    solved = sp.solve(df_dtheta + df_dp_w * rate, rate)
    return solved == [-df_dtheta / df_dp_w], f"a + g·s = 0 ⇒ s = {solved}"


def _dvr_gradient_matches(draws: int = 12) -> tuple[bool, str]:
    # direct: ∂p̂/∂θ = w ∂d̂/∂θ of the closed form; implicit: −w (∇f·w)⁻¹ ∂f/∂θ at p̂
    direct = w * sp.diff(closed_form_depth(), theta)
    point = r0 + closed_form_depth() * w
    gradient = -2 * point  # ∇_p (θ² − |p|²)
    implicit = -w * (2 * theta) / gradient.dot(w)
    rng = random.Random(17)
    for _ in range(draws):
        values = {theta: rng.uniform(0.8, 2.0)}
        values.update({r0[0]: rng.uniform(-0.4, 0.4), r0[1]: rng.uniform(-0.4, 0.4), r0[2]: rng.uniform(-5, -3)})
        values.update({w[0]: rng.uniform(-0.1, 0.1), w[1]: rng.uniform(-0.1, 0.1), w[2]: rng.uniform(0.5, 1.5)})
        a = [complex(v.xreplace(values).evalf()) for v in direct]
        b = [complex(v.xreplace(values).evalf()) for v in implicit]
        if any(abs(u - v) > 1e-10 * max(1, abs(u)) or abs(u.imag) > 0 for u, v in zip(a, b)):
            return False, f"at {values}: direct {a} vs implicit {b}"
    return True, f"{draws} random rays hitting a sphere of random radius θ: equal to differentiating the closed-form intersection"


class Dot(sp.Function):
    """The inner product of two vectors, printed as u · w."""

    def _latex(self, printer) -> str:
        return " \\cdot ".join(printer.parenthesize(arg, 50) for arg in self.args)


def build() -> Walkthrough:
    d = sp.Derivative
    phat_of = sp.Function("phat")(theta)
    dhat = sp.Function("dhat")(theta)
    p_hat, r_0, tau = sp.Symbol("phat"), sp.Symbol("r_0"), sp.Symbol("tau")
    w_vec = sp.Symbol("w")
    f = sp.Function("f")(theta, p_hat)
    # vectors: "dot" keeps the inner product ∂f/∂p̂ · w visible (SymPy would treat w as a scalar)
    dot = Dot
    grad_dot_w = dot(d(f, p_hat), w_vec)
    dydx = sp.Symbol(r"\frac{dy}{dx}")
    return Walkthrough(
        title="Implicit differentiation: the circle, and the DVR surface-point gradient",
        assumptions=[r"circle: $y \ne 0$ (the tangent is not vertical)",
                     r"DVR: the ray $\hat{p} = r_0 + \hat{d} w$ meets the level set $f_\theta = \tau$ "
                     r"transversally ($\partial f/\partial \hat{p} \cdot w \ne 0$)",
                     r"the DVR check uses $f_\theta(p) = \theta^2 - \|p\|^2$ (a sphere of radius $\theta$) "
                     r"at $\tau = 0$"],
        where={},
        steps=[
            Given(sp.Eq(x**2 + y**2, 1), r"the unit circle: $y$ is a function of $x$ near any point with $y \ne 0$"),
            Step(sp.Eq(d(x**2 + Y**2 - 1, x), 2 * x + 2 * Y * d(Y, x)),
                 r"differentiate $F(x, y(x)) = x^2 + y^2 - 1$ in $x$; the chain rule gives $2y\,y'$",
                 practice=None),
            Step(sp.Eq(2 * x + 2 * Y * d(Y, x), 0), "the right-hand side 1 is constant",
                 check=predicate(_on_the_curve, "on the explicit branches", method="symbolic"),
                 practice=None),
            Step(sp.Eq(dydx, -x / y), r"solve for $y'$ (divide by $2y \ne 0$)",
                 check=predicate(_circle_slope, "solve, and differentiate the explicit branches",
                                 method="symbolic"), hint=r"$2x + 2y\,y' = 0$"),
            Step(sp.Eq(dydx, -F_x / F_y),
                 r"in general, $F(x, y(x)) = 0$ gives $F_x + F_y\,y' = 0$ (here $F_x = 2x$ and $F_y = 2y$)",
                 check=predicate(_general_rule, "four implicit curves", method="instances", count=4),
                 practice=None),
            Given(sp.Eq(p_hat, r_0 + sp.Symbol("dhat") * w_vec),
                  r"DVR: the surface point lies on the ray from the camera centre $r_0$ in direction $w$, "
                  r"at depth $\hat{d}$"),
            Given(sp.Eq(f, tau), r"and on the level set $f_\theta(\hat{p}) = \tau$ of the network's field"),
            Step(sp.Eq(d(sp.Function("f")(theta, phat_of), theta), 0),
                 r"$\tau$ does not depend on $\theta$: differentiate both sides",
                 check=predicate(_level_set_derivative_vanishes, "sphere of radius θ", method="instances", count=1)),
            Step(sp.Eq(d(f, theta) + dot(d(f, p_hat), d(phat_of, theta)), 0),
                 r"chain rule: $f_\theta$ depends on $\theta$ directly and through $\hat{p}(\theta)$",
                 check=predicate(_chain_rule_on_sphere, "sphere of radius θ", method="instances", count=1)),
            Step(sp.Eq(d(phat_of, theta), w_vec * d(dhat, theta)), r"$r_0$ and $w$ do not depend on $\theta$",
                 check=predicate(_point_moves_along_ray, "a 3-D ray", method="symbolic")),
            Step(sp.Eq(d(dhat, theta), -d(f, theta) / grad_dot_w),
                 "insert: the result is a scalar equation in the depth's derivative; solve it",
                 check=predicate(_solve_for_depth_derivative, "solve for ∂d̂/∂θ", method="symbolic")),
            Step(sp.Eq(d(phat_of, theta), -w_vec * d(f, theta) / grad_dot_w),
                 "multiply by $w$: the DVR gradient, with no backpropagation through the root finder",
                 check=predicate(_dvr_gradient_matches, "sphere of radius θ, random rays")),
        ])
