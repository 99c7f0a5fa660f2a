"""The evidence lower bound, two ways: the exact decomposition of log p(x), and Jensen.

Every line is checked on a conjugate Gaussian model where all terms have closed forms:
z ~ N(0, 1), x | z ~ N(z, s²), and an arbitrary Gaussian q(z | x) = N(m, v). Expectations
under q are integrals, evaluated by quadrature at random (x, m, v, s).
"""

from __future__ import annotations

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, symbolic

z, x, m = sp.symbols("z x m", real=True)
s, v = sp.symbols("s v", positive=True)
# densities: positive, so that SymPy may compare logs of them
p, q = sp.Function("p", positive=True), sp.Function("q", positive=True)
likelihood, posterior, joint = (sp.Symbol(name, positive=True)
                                for name in (r"p(x \mid z)", r"p(z \mid x)", "p(x, z)"))
DOMAIN = {x: (-2.0, 2.0), m: (-1.5, 1.5), s: (0.5, 1.5), v: (0.2, 1.5)}
ALL_Z = (z, -sp.oo, sp.oo)


# N(t; μ, σ²) with the variance as parameter
def normal_pdf(at, mean, variance):
    return sp.exp(-(at - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


# posterior of the conjugate model: z | x ~ N(x / (1 + s²), s² / (1 + s²))
def posterior_mean_variance():
    return x / (1 + s**2), s**2 / (1 + s**2)


# KL(N(m₁, v₁) ‖ N(m₂, v₂)) = ½ (log(v₂/v₁) + (v₁ + (m₁ − m₂)²)/v₂ − 1)
def kl_normal(m1, v1, m2, v2):
    return (sp.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1) / 2


def definitions() -> dict:
    mean, variance = posterior_mean_variance()
    return {
        p(z): normal_pdf(z, 0, 1),
        likelihood: normal_pdf(x, z, s**2),
        joint: normal_pdf(x, z, s**2) * normal_pdf(z, 0, 1),
        posterior: normal_pdf(z, mean, variance),
        q(z): normal_pdf(z, m, v),
        # the evidence of this model in closed form: x ~ N(0, 1 + s²)
        p(x): normal_pdf(x, 0, 1 + s**2),
    }


def E_q(expr):
    """E_q[expr] written as the integral it is."""
    return sp.Integral(q(z) * expr, ALL_Z)


def build() -> Walkthrough:
    mean, variance = posterior_mean_variance()
    reconstruction = E_q(sp.log(likelihood))
    kl_prior = E_q(sp.log(q(z) / p(z)))
    kl_posterior = E_q(sp.log(q(z) / posterior))
    elbo = E_q(sp.log(joint / q(z)))
    integrate = numeric(DOMAIN, draws=3, rtol=1e-8)
    unevaluated = sp.UnevaluatedExpr
    return Walkthrough(
        title=r"The ELBO: $\log p(x) = \mathbb{E}_q[\log p(x \mid z)] - \mathrm{KL}(q(z \mid x) \,\|\, p(z)) "
              r"+ \mathrm{KL}(q(z \mid x) \,\|\, p(z \mid x))$",
        assumptions=[r"$q(z) = q(z \mid x)$ is any density with $q > 0$ where $p(z \mid x) > 0$",
                     r"checked on $z \sim \mathcal{N}(0, 1)$, $x \mid z \sim \mathcal{N}(z, s^2)$, "
                     r"$q = \mathcal{N}(m, v)$, at random $x$, $m$, $v$, $s$"],
        where=definitions(),
        steps=[
            Step(sp.Eq(p(x), sp.Integral(likelihood * p(z), ALL_Z)),
                 r"the evidence marginalises $z$ (here $p(x) = \mathcal{N}(x; 0, 1 + s^2)$)", check=integrate,
                 practice=None),
            Step(sp.Eq(sp.log(p(x)), E_q(sp.log(p(x)))),
                 r"$\log p(x)$ does not depend on $z$, and $q$ integrates to 1", check=integrate, practice=None),
            Step(E_q(sp.log(joint / posterior)), r"Bayes: $p(x) = p(x, z)/p(z \mid x)$ for every $z$",
                 check=integrate, practice=None),
            Step(E_q(sp.log(unevaluated(likelihood * p(z) / q(z)) * unevaluated(q(z) / posterior))),
                 r"$p(x, z) = p(x \mid z)\, p(z)$; multiply and divide by $q(z)$", check=integrate, practice=None),
            Step(reconstruction - kl_prior + kl_posterior,
                 "the log of a product is a sum of logs; split the integral into three expectations",
                 check=integrate, practice=None),
            Step(sp.Eq(reconstruction, -sp.log(2 * sp.pi * s**2) / 2 - ((x - m) ** 2 + v) / (2 * s**2)),
                 r"the reconstruction term, with $\mathbb{E}_q[(x - z)^2] = (x - m)^2 + v$", check=integrate,
                 hint=r"$\log \mathcal{N}(x; z, s^2) = -\frac{1}{2}\log(2\pi s^2) - (x - z)^2/(2s^2)$; "
                      r"take $\mathbb{E}_q$ of it."),
            Step(sp.Eq(kl_prior, kl_normal(m, v, 0, 1)),
                 r"$\mathrm{KL}(q \,\|\, p(z))$ against the prior $\mathcal{N}(0, 1)$", check=integrate,
                 hint=r"The KL divergence between two Gaussians, with mean 0 and variance 1 for the second."),
            Step(sp.Eq(kl_posterior, kl_normal(m, v, mean, variance)),
                 r"$\mathrm{KL}(q \,\|\, p(z \mid x))$ between two Gaussians (the posterior is Gaussian here)",
                 check=integrate, practice=None),
            Step(sp.Eq(sp.log(p(x)), -sp.log(2 * sp.pi * s**2) / 2 - ((x - m) ** 2 + v) / (2 * s**2)
                       - kl_normal(m, v, 0, 1) + kl_normal(m, v, mean, variance)),
                 r"all three terms in closed form: the identity holds for every $q = \mathcal{N}(m, v)$",
                 check=symbolic(domain=DOMAIN), practice=None),
            Given(sp.Eq(sp.log(p(x)), sp.log(sp.Integral(joint, ALL_Z))),
                  "the Jensen route starts again from the evidence"),
            Step(sp.log(E_q(unevaluated(joint / q(z)))), "multiply and divide by $q(z)$: an expectation under $q$",
                 check=integrate, practice=None),
            Step(sp.Ge(sp.log(E_q(unevaluated(joint / q(z)))), elbo, evaluate=False),
                 r"Jensen: $\log$ is concave, so $\log \mathbb{E}_q[Y] \ge \mathbb{E}_q[\log Y]$; "
                 "the right side is the ELBO",
                 check=integrate),
            Step(sp.Eq(sp.log(p(x)) - elbo, kl_posterior),
                 r"the gap of the bound is exactly $\mathrm{KL}(q \,\|\, p(z \mid x)) \ge 0$: the bound is "
                 r"tight if and only if $q = p(z \mid x)$",
                 check=integrate, practice=None),
        ])
