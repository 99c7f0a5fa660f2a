"""The forward posterior q(x_{t−1} | x_t, x_0) and the ε-form of its mean (Ho et al., 2020, eq. 7
and 11), one coordinate at a time.

Bayes makes the posterior proportional to a product of two Gaussians in x_{t−1}; completing the
square gives its precision and mean (SymPy reads the coefficients off the expanded log density).
Substituting x_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t rewrites the mean with the noise instead of x_0.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

alpha_t = sp.Symbol("alpha_t", positive=True)
abar_prev = sp.Symbol(r"\bar{\alpha}_{t-1}", positive=True)
abar_t = sp.Symbol(r"\bar{\alpha}_{t}", positive=True)
beta_t = sp.Symbol("beta_t", positive=True)
x, x0, x_t = sp.Symbol("x_{t-1}"), sp.Symbol("x_0"), sp.Symbol("x_t")
eps, eps_theta = sp.Symbol(r"\epsilon"), sp.Symbol(r"\epsilon_{\theta}")
sigma_t = sp.Symbol("sigma_t", positive=True)
log_q = sp.Symbol(r"\log q(x_{t-1} \mid x_t, x_0)")
precision = sp.Symbol(r"1/\tilde{\beta}_t")
beta_tilde = sp.Symbol(r"\tilde{\beta}_t")
mean_over_var = sp.Symbol(r"\tilde{\mu}_t/\tilde{\beta}_t")
mu_tilde = sp.Symbol(r"\tilde{\mu}_t")
mu_theta = sp.Symbol(r"\mu_{\theta}")
loss_term = sp.Symbol(r"\frac{(\tilde{\mu}_t - \mu_{\theta})^2}{2\sigma_t^2}")

SCHEDULE = {beta_t: 1 - alpha_t, abar_t: alpha_t * abar_prev}


def exponent():
    # log q(x_t | x_{t−1}) + log q(x_{t−1} | x_0), up to terms without x_{t−1}
    return -(x_t - sp.sqrt(alpha_t) * x) ** 2 / (2 * beta_t) - (x - sp.sqrt(abar_prev) * x0) ** 2 / (2 * (1 - abar_prev))


def posterior_mean():
    return (sp.sqrt(abar_prev) * beta_t / (1 - abar_t) * x0
            + sp.sqrt(alpha_t) * (1 - abar_prev) / (1 - abar_t) * x_t)


def posterior_variance():
    return (1 - abar_prev) * beta_t / (1 - abar_t)


def _coefficient(power: int, claim) -> tuple[bool, str]:
    """−2 × [x²] or [x¹] of the expanded exponent equals the claim, with β_t = 1 − α_t."""
    poly = sp.Poly(sp.expand(exponent()), x)
    found = -2 * poly.coeff_monomial(x**2) if power == 2 else poly.coeff_monomial(x)
    ok = _vanishes((found - claim).subs(SCHEDULE))
    return ok, f"SymPy: the coefficient of $x_{{t-1}}^{power}$ in the expanded exponent"


def _vanishes(expr) -> bool:
    """A rational expression in the symbols (and their square roots) is identically 0: one common
    denominator, then the numerator expands to 0 (much faster than simplify, and as conclusive)."""
    return sp.expand(sp.numer(sp.together(sp.expand(expr)))) == 0


def _normal_log_pdf(v: float, mean: float, var: float) -> float:
    return -0.5 * math.log(2 * math.pi * var) - (v - mean) ** 2 / (2 * var)


def _bayes_matches() -> tuple[bool, str]:
    """q(x_t | x_{t−1}) q(x_{t−1} | x_0) / q(x_t | x_0) = N(x_{t−1}; μ̃, β̃) at random points."""
    rng = random.Random(9)
    for _ in range(20):
        a_t, a_prev = rng.uniform(0.5, 0.999), rng.uniform(0.05, 0.999)
        v0, vt, v = (rng.uniform(-2, 2) for _ in range(3))
        b, a_now = 1 - a_t, a_t * a_prev
        bayes = (_normal_log_pdf(vt, math.sqrt(a_t) * v, b) + _normal_log_pdf(v, math.sqrt(a_prev) * v0, 1 - a_prev)
                 - _normal_log_pdf(vt, math.sqrt(a_now) * v0, 1 - a_now))
        mean = math.sqrt(a_prev) * b / (1 - a_now) * v0 + math.sqrt(a_t) * (1 - a_prev) / (1 - a_now) * vt
        if abs(bayes - _normal_log_pdf(v, mean, (1 - a_prev) * b / (1 - a_now))) > 1e-9:
            return False, f"log densities differ by {bayes - _normal_log_pdf(v, mean, (1 - a_prev) * b / (1 - a_now))}"
    return True, "20 random points and schedules: the normalised Bayes product is exactly this Gaussian density"


def build_posterior() -> Walkthrough:
    return Walkthrough(
        title=r"The forward posterior $q(x_{t-1} \mid x_t, x_0) = \mathcal{N}(\tilde\mu_t, \tilde\beta_t I)$",
        assumptions=[r"$q(x_t \mid x_{t-1}) = \mathcal{N}(\sqrt{\alpha_t}\, x_{t-1}, \beta_t I)$ and "
                     r"$q(x_{t-1} \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_{t-1}}\, x_0, (1 - \bar\alpha_{t-1}) I)$",
                     r"$\beta_t = 1 - \alpha_t$, $\bar\alpha_t = \alpha_t \bar\alpha_{t-1}$; one coordinate is shown"],
        where={**SCHEDULE, beta_tilde: 1 / (alpha_t / beta_t + 1 / (1 - abar_prev)),
               mu_tilde: beta_tilde * (sp.sqrt(alpha_t) * x_t / beta_t + sp.sqrt(abar_prev) * x0 / (1 - abar_prev))},
        steps=[
            Given(sp.Eq(sp.Symbol(r"q(x_{t-1} \mid x_t, x_0)"),
                        sp.Symbol(r"q(x_t \mid x_{t-1})") * sp.Symbol(r"q(x_{t-1} \mid x_0)")
                        / sp.Symbol(r"q(x_t \mid x_0)")),
                  r"Bayes' rule; the chain is Markov, so $q(x_t \mid x_{t-1}, x_0) = q(x_t \mid x_{t-1})$"),
            Step(sp.Eq(log_q, exponent() + sp.Symbol("C")),
                 r"take logs: two Gaussian exponents in $x_{t-1}$; the denominator and the normalisers are a "
                 r"constant $C$ that does not depend on $x_{t-1}$",
                 check=predicate(_bayes_matches, "random points"), practice=None),
            Step(sp.Eq(precision, alpha_t / beta_t + 1 / (1 - abar_prev)),
                 r"a Gaussian's log density is $-\frac{(x - \mu)^2}{2\sigma^2} + C$: minus twice the coefficient "
                 r"of $x_{t-1}^2$ is the precision $1/\tilde\beta_t$",
                 check=predicate(lambda: _coefficient(2, alpha_t / beta_t + 1 / (1 - abar_prev)),
                                 "coefficient of the square", method="symbolic")),
            Step((1 - abar_t) / (beta_t * (1 - abar_prev)),
                 r"common denominator: $\alpha_t(1 - \bar\alpha_{t-1}) + \beta_t = 1 - \alpha_t \bar\alpha_{t-1} = "
                 r"1 - \bar\alpha_t$", hint=r"$\alpha_t + \beta_t = 1$"),
            Step(sp.Eq(beta_tilde, posterior_variance()), r"invert: the posterior variance"),
            Step(sp.Eq(mean_over_var, sp.sqrt(alpha_t) * x_t / beta_t + sp.sqrt(abar_prev) * x0 / (1 - abar_prev)),
                 r"the coefficient of $x_{t-1}$ is $\tilde\mu_t/\tilde\beta_t$",
                 check=predicate(lambda: _coefficient(1, sp.sqrt(alpha_t) * x_t / beta_t
                                                      + sp.sqrt(abar_prev) * x0 / (1 - abar_prev)),
                                 "coefficient of the linear term", method="symbolic")),
            Step(sp.Eq(mu_tilde, posterior_mean()),
                 r"multiply by $\tilde\beta_t$: the posterior mean, a weighted average of $x_0$ and $x_t$",
                 hint=r"$\tilde\beta_t \sqrt{\alpha_t}/\beta_t = \sqrt{\alpha_t}(1 - \bar\alpha_{t-1})/(1 - \bar\alpha_t)$"),
        ])


def build_epsilon() -> Walkthrough:
    forward = sp.sqrt(abar_t) * x0 + sp.sqrt(1 - abar_t) * eps
    eps_form = (x_t - beta_t / sp.sqrt(1 - abar_t) * eps) / sp.sqrt(alpha_t)
    c0 = sp.sqrt(abar_prev) * beta_t / (1 - abar_t)
    ct = sp.sqrt(alpha_t) * (1 - abar_prev) / (1 - abar_t)
    return Walkthrough(
        title=r"The $\epsilon$-form of the mean: $\tilde\mu_t = \frac{1}{\sqrt{\alpha_t}}\left(x_t - "
              r"\frac{\beta_t}{\sqrt{1 - \bar\alpha_t}}\,\epsilon\right)$",
        assumptions=[r"$x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \epsilon$ (the forward marginal)",
                     r"$\beta_t = 1 - \alpha_t$, $\bar\alpha_t = \alpha_t \bar\alpha_{t-1}$; one coordinate is shown"],
        where={**SCHEDULE, x_t: forward, mu_tilde: posterior_mean(),
               mu_theta: (x_t - beta_t / sp.sqrt(1 - abar_t) * eps_theta) / sp.sqrt(alpha_t)},
        steps=[
            Given(sp.Eq(mu_tilde, posterior_mean()), r"the posterior mean (derivation diffusion-posterior)"),
            Given(sp.Eq(x_t, forward), r"how $x_t$ was made from $x_0$ and the noise $\epsilon$"),
            Step(sp.Eq(x0, (x_t - sp.sqrt(1 - abar_t) * eps) / sp.sqrt(abar_t)), r"solve for $x_0$"),
            Step(sp.Eq(mu_tilde, c0 * (x_t - sp.sqrt(1 - abar_t) * eps) / sp.sqrt(abar_t) + ct * x_t),
                 r"put it into the mean", practice=None),
            Step(sp.Eq(ct + c0 / sp.sqrt(abar_t), 1 / sp.sqrt(alpha_t)),
                 r"collect the coefficient of $x_t$: with $\bar\alpha_t = \alpha_t \bar\alpha_{t-1}$ "
                 r"it is $\frac{\beta_t + \alpha_t(1 - \bar\alpha_{t-1})}{\sqrt{\alpha_t}(1 - \bar\alpha_t)}$, "
                 r"and $\beta_t + \alpha_t(1 - \bar\alpha_{t-1}) = 1 - \bar\alpha_t$"),
            Step(sp.Eq(-c0 * sp.sqrt(1 - abar_t) / sp.sqrt(abar_t), -beta_t / (sp.sqrt(alpha_t) * sp.sqrt(1 - abar_t))),
                 r"and the coefficient of $\epsilon$"),
            Step(sp.Eq(mu_tilde, eps_form), r"so the mean needs $x_t$ and the noise only, not $x_0$"),
            Given(sp.Eq(mu_theta, (x_t - beta_t / sp.sqrt(1 - abar_t) * eps_theta) / sp.sqrt(alpha_t)),
                  r"parameterise the model's mean the same way, with a network $\epsilon_\theta(x_t, t)$ "
                  r"that predicts the noise"),
            Step(sp.Eq(loss_term, beta_t**2 / (2 * sigma_t**2 * alpha_t * (1 - abar_t)) * (eps - eps_theta) ** 2),
                 r"the KL term of the ELBO at step $t$ becomes a weighted squared error on the noise; DDPM drops "
                 r"the weight ($L_{\text{simple}}$)",
                 check=predicate(lambda: _loss_identity(eps_form), "the loss", method="symbolic")),
        ])


def _loss_identity(eps_form) -> tuple[bool, str]:
    mu_model = (x_t - beta_t / sp.sqrt(1 - abar_t) * eps_theta) / sp.sqrt(alpha_t)
    claim = beta_t**2 / (2 * sigma_t**2 * alpha_t * (1 - abar_t)) * (eps - eps_theta) ** 2
    ok = _vanishes((eps_form - mu_model) ** 2 / (2 * sigma_t**2) - claim)
    return ok, r"SymPy: the $x_t$ terms cancel in $\tilde\mu_t - \mu_\theta$"
