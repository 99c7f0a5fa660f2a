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
likelihood, posterior, joint = (sp.Symbol(name, positive=True) for name in ("p(x|z)", "p(z|x)", "p(x,z)"))
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
        title="The ELBO: log p(x) = E_q[log p(x|z)] − KL(q(z|x)‖p(z)) + KL(q(z|x)‖p(z|x))",
        assumptions=["q(z) = q(z|x) is any density with q > 0 where p(z|x) > 0",
                     "checked on z ~ N(0, 1), x|z ~ N(z, s²), q = N(m, v), at random x, m, v, s"],
        where=definitions(),
        steps=[
            Step(sp.Eq(p(x), sp.Integral(likelihood * p(z), ALL_Z)),
                 "the evidence marginalises z (here p(x) = N(x; 0, 1 + s²))", check=integrate,
                 practice=None),
            Step(sp.Eq(sp.log(p(x)), E_q(sp.log(p(x)))),
                 "log p(x) does not depend on z and q integrates to 1", check=integrate, practice=None),
            Step(E_q(sp.log(joint / posterior)), "Bayes: p(x) = p(x, z)/p(z|x) for every z",
                 check=integrate, practice=None),
            Step(E_q(sp.log(unevaluated(likelihood * p(z) / q(z)) * unevaluated(q(z) / posterior))),
                 "p(x, z) = p(x|z) p(z); multiply and divide by q(z)", check=integrate, practice=None),
            Step(reconstruction - kl_prior + kl_posterior,
                 "the log of a product is a sum of logs; split the integral into three expectations",
                 check=integrate, practice=None),
            Step(sp.Eq(reconstruction, -sp.log(2 * sp.pi * s**2) / 2 - ((x - m) ** 2 + v) / (2 * s**2)),
                 "reconstruction term: E_q[(x − z)²] = (x − m)² + v", check=integrate,
                 hint="log N(x; z, s²) = −½ log 2πs² − (x − z)²/2s²; take E_q."),
            Step(sp.Eq(kl_prior, kl_normal(m, v, 0, 1)),
                 "KL(q‖p(z)) against N(0, 1): ½(v + m² − 1 − log v)", check=integrate,
                 hint="½(v + m² − 1 − log v)"),
            Step(sp.Eq(kl_posterior, kl_normal(m, v, mean, variance)),
                 "KL(q‖p(z|x)) between two Gaussians (the posterior is Gaussian here)", check=integrate,
                 practice=None),
            Step(sp.Eq(sp.log(p(x)), -sp.log(2 * sp.pi * s**2) / 2 - ((x - m) ** 2 + v) / (2 * s**2)
                       - kl_normal(m, v, 0, 1) + kl_normal(m, v, mean, variance)),
                 "all three terms in closed form: the identity holds for every q = N(m, v)",
                 check=symbolic(domain=DOMAIN), practice=None),
            Given(sp.Eq(sp.log(p(x)), sp.log(sp.Integral(joint, ALL_Z))), "the Jensen route starts again "
                  "from the evidence: log p(x) = log ∫ p(x, z) dz"),
            Step(sp.log(E_q(unevaluated(joint / q(z)))), "multiply and divide by q(z): an expectation under q",
                 check=integrate, practice=None),
            Step(sp.Ge(sp.log(E_q(unevaluated(joint / q(z)))), elbo, evaluate=False),
                 "Jensen: log is concave, so log E_q[Y] ≥ E_q[log Y]; the right side is the ELBO",
                 check=integrate),
            Step(sp.Eq(sp.log(p(x)) - elbo, kl_posterior),
                 "the gap of the bound is exactly KL(q‖p(z|x)) ≥ 0: the bound is tight iff q = p(z|x)",
                 check=integrate, practice=None),
        ])
