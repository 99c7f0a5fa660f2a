"""q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I), by induction on t: one more forward step scales the
Gaussian from the previous step and adds fresh independent noise.

The algebra is checked by SymPy; the variance of a sum of independent Gaussians by Gauss–Hermite
quadrature; the whole recursion on random schedules.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate
from mpcheck_diffusion.common import alpha_bars

alpha_t = sp.Symbol("alpha_t", positive=True)
abar_prev = sp.Symbol(r"\bar{\alpha}_{t-1}", positive=True)
abar_t = sp.Symbol(r"\bar{\alpha}_{t}", positive=True)
x0, x_prev, x_t = sp.Symbol("x_0"), sp.Symbol("x_{t-1}"), sp.Symbol("x_t")
eps_t, eps_bar, eps = sp.Symbol(r"\epsilon_t"), sp.Symbol(r"\bar{\epsilon}_{t-1}"), sp.Symbol(r"\epsilon")
noise_var = sp.Symbol(r"\sigma^{2}_{\mathrm{noise}}")


def _noise_variance_by_quadrature() -> tuple[bool, str]:
    """E[(a X + b Y)²] for independent standard normals X, Y, by 2-D Gauss–Hermite quadrature."""
    import numpy as np

    nodes, weights = np.polynomial.hermite.hermgauss(10)
    points = math.sqrt(2) * nodes           # ∫ e^{−u²} f(√2 u) du / √π = E[f(X)]
    w = weights / math.sqrt(math.pi)
    rng = random.Random(7)
    for _ in range(6):
        a_t, a_prev = rng.uniform(0.5, 0.999), rng.uniform(0.05, 0.999)
        a, b = math.sqrt(a_t) * math.sqrt(1 - a_prev), math.sqrt(1 - a_t)
        second_moment = sum(wi * wj * (a * xi + b * yj) ** 2 for xi, wi in zip(points, w) for yj, wj in zip(points, w))
        if abs(second_moment - (a_t * (1 - a_prev) + 1 - a_t)) > 1e-10:
            return False, f"α_t = {a_t:.3f}, ᾱ_(t−1) = {a_prev:.3f}: quadrature gives {second_moment}"
    return True, "6 random (α_t, ᾱ_(t−1)): Gauss–Hermite quadrature of E[(aX + bY)²] with X, Y independent N(0, 1)"


def _recursion_matches() -> tuple[bool, str]:
    """Compose the steps exactly: mean coefficient m_t = √α_t m_{t−1}, variance v_t = α_t v_{t−1} + β_t."""
    rng = random.Random(8)
    for _ in range(10):
        betas = [rng.uniform(1e-4, 0.3) for _ in range(rng.randint(1, 30))]
        mean, var = 1.0, 0.0
        for beta in betas:
            mean, var = math.sqrt(1 - beta) * mean, (1 - beta) * var + beta
        bar = alpha_bars(betas)[-1]
        if abs(mean - math.sqrt(bar)) > 1e-12 or abs(var - (1 - bar)) > 1e-12:
            return False, f"{len(betas)} steps: coefficient {mean} vs √ᾱ, variance {var} vs 1 − ᾱ"
    return True, "10 random schedules of 1 to 30 steps composed step by step: coefficient √ᾱ_t, variance 1 − ᾱ_t"


def build() -> Walkthrough:
    step = sp.sqrt(alpha_t) * x_prev + sp.sqrt(1 - alpha_t) * eps_t
    previous = sp.sqrt(abar_prev) * x0 + sp.sqrt(1 - abar_prev) * eps_bar
    return Walkthrough(
        title=r"$q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, (1 - \bar\alpha_t) I)$ by composing Gaussians",
        assumptions=[r"$\alpha_t = 1 - \beta_t$ and $\bar\alpha_t = \alpha_t \bar\alpha_{t-1}$, with $\bar\alpha_0 = 1$",
                     r"the noises $\epsilon_t$ of the steps are independent standard normals; one coordinate "
                     r"is shown (all coordinates behave alike)"],
        where={x_t: step, x_prev: previous, abar_t: alpha_t * abar_prev,
               noise_var: (sp.sqrt(alpha_t) * sp.sqrt(1 - abar_prev)) ** 2 + (sp.sqrt(1 - alpha_t)) ** 2},
        steps=[
            Given(sp.Eq(x_t, step), r"one forward step $q(x_t \mid x_{t-1}) = \mathcal{N}(\sqrt{\alpha_t}\, x_{t-1}, "
                  r"\beta_t I)$, written with its own noise $\epsilon_t$"),
            Given(sp.Eq(x_prev, previous), r"induction hypothesis for $t - 1$ (at $t - 1 = 0$ it reads "
                  r"$x_0 = x_0$, since $\bar\alpha_0 = 1$)"),
            Step(sp.Eq(x_t, sp.sqrt(alpha_t * abar_prev) * x0 + sp.sqrt(alpha_t) * sp.sqrt(1 - abar_prev) * eps_bar
                       + sp.sqrt(1 - alpha_t) * eps_t),
                 r"substitute $x_{t-1}$ and multiply out", hint=r"$\sqrt{\alpha_t}\sqrt{\bar\alpha_{t-1}} = "
                 r"\sqrt{\alpha_t \bar\alpha_{t-1}}$"),
            Step(sp.Eq(noise_var, alpha_t * (1 - abar_prev) + 1 - alpha_t),
                 r"the two noise terms are independent zero-mean Gaussians: their sum is Gaussian and the "
                 r"variances add, each scaled by its coefficient squared",
                 check=predicate(_noise_variance_by_quadrature, "quadrature")),
            Step(1 - alpha_t * abar_prev, r"$\alpha_t - \alpha_t \bar\alpha_{t-1} + 1 - \alpha_t$: the $\alpha_t$ cancel",
                 hint=r"expand $\alpha_t(1 - \bar\alpha_{t-1})$"),
            Step(sp.Eq(1 - alpha_t * abar_prev, 1 - abar_t), r"with $\bar\alpha_t = \alpha_t \bar\alpha_{t-1}$"),
            Step(sp.Eq(sp.sqrt(alpha_t * abar_prev), sp.sqrt(abar_t)), r"and the coefficient of $x_0$ is "
                 r"$\sqrt{\bar\alpha_t}$"),
            Step(sp.Eq(sp.Symbol(r"x_t \mid x_0"), sp.sqrt(abar_t) * x0 + sp.sqrt(1 - abar_t) * eps),
                 r"a zero-mean Gaussian of variance $1 - \bar\alpha_t$ is $\sqrt{1 - \bar\alpha_t}\,\epsilon$ with "
                 r"$\epsilon \sim \mathcal{N}(0, I)$: the hypothesis holds for $t$, so "
                 r"$q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, (1 - \bar\alpha_t) I)$ for every $t$",
                 check=predicate(_recursion_matches, "random schedules"), practice=None),
        ])
