"""The reparameterisation gradient: ∇_σ E_{z ~ N(μ, σ²)}[f(z)] = E_ε[∇_σ f(μ + σε)], and the
score-function form of the same gradient.

Worked for f(z) = sin z, whose expectation has a closed form, E[sin z] = sin μ · e^{−σ²/2}; any
differentiable f goes the same way. ∂J/∂σ is defined by differentiating the expectation as written
(the density under the integral); every line with an integral is checked by quadrature at random
(μ, σ), the algebra by SymPy.
"""

from __future__ import annotations

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric

z, eps, mu = sp.symbols("z epsilon mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
J = sp.Function("J")(mu, sigma)
normal = sp.Function(r"\mathcal{N}")
DOMAIN = {mu: (-1.5, 1.5), sigma: (0.4, 2.0)}
ALL_Z, ALL_EPS = (z, -sp.oo, sp.oo), (eps, -sp.oo, sp.oo)


# N(t; m, s²) = exp(−(t − m)²/2s²) / √(2π s²)
def normal_pdf(at, mean, std):
    return sp.exp(-(at - mean) ** 2 / (2 * std**2)) / sp.sqrt(2 * sp.pi * std**2)


def build() -> Walkthrough:
    # the densities are shown by name, N(z; μ, σ²), and replaced by their formulas where checked
    density, noise = normal(z, mu, sigma**2), normal(eps, 0, 1)
    formulas = {density: normal_pdf(z, mu, sigma), noise: normal_pdf(eps, 0, 1)}
    expectation = sp.Integral(density * sp.sin(z), ALL_Z)
    written_out = expectation.xreplace(formulas)
    d_sigma, d_mu = sp.Derivative(J, sigma), sp.Derivative(J, mu)
    inside = sp.Integral(noise * sp.Derivative(sp.sin(mu + sigma * eps), sigma), ALL_EPS)
    chain = sp.Integral(noise * sp.cos(mu + sigma * eps) * eps, ALL_EPS)
    closed = sp.sin(mu) * sp.exp(-sigma**2 / 2)
    score = sp.Derivative(sp.log(density), sigma)
    quadrature = numeric(DOMAIN, draws=2, rtol=1e-8)
    return Walkthrough(
        title="The reparameterisation gradient, and the score function it replaces",
        assumptions=["$z \\sim \\mathcal{N}(\\mu, \\sigma^2)$, $J(\\mu, \\sigma) = \\mathbb{E}_z[f(z)]$, worked for "
                     "$f(z) = \\sin z$ (any differentiable $f$ goes the same way)",
                     "integrals are checked by quadrature at random $\\mu \\in (-1.5, 1.5)$, $\\sigma \\in (0.4, 2)$"],
        # ∂J/∂σ as defined: the derivative of the expectation, taken through the density
        where={J: expectation, d_sigma: written_out.diff(sigma), d_mu: written_out.diff(mu), **formulas},
        steps=[
            Given(sp.Eq(J, expectation), "the expectation to differentiate: $\\sigma$ sits in the density, "
                  "so a sample $z$ carries no gradient"),
            Step(sp.Eq(J, sp.Integral(noise * sp.sin(mu + sigma * eps), ALL_EPS)),
                 "substitute $z = \\mu + \\sigma\\epsilon$ ($dz = \\sigma\\, d\\epsilon$): the expectation is now "
                 "over $\\epsilon \\sim \\mathcal{N}(0, 1)$, whose density has no parameter", check=quadrature,
                 practice=None),
            Step(sp.Eq(d_sigma, inside), "differentiate under the integral: only $f(\\mu + \\sigma\\epsilon)$ "
                 "depends on $\\sigma$, so $\\nabla_\\sigma \\mathbb{E}_\\epsilon[\\cdot] = \\mathbb{E}_\\epsilon[\\nabla_\\sigma \\cdot]$",
                 check=quadrature, practice=None),
            Step(chain, "chain rule: $\\frac{\\partial}{\\partial\\sigma} \\sin(\\mu + \\sigma\\epsilon) = "
                 "\\cos(\\mu + \\sigma\\epsilon)\\,\\epsilon$", check=quadrature, practice=None),
            Step(-sigma * sp.sin(mu) * sp.exp(-sigma**2 / 2), "the Gaussian integral in closed form",
                 check=quadrature, hint="Expand $\\cos(\\mu + \\sigma\\epsilon)$ as the cosine of a sum; for "
                 "$\\epsilon \\sim \\mathcal{N}(0, 1)$, $\\mathbb{E}[\\epsilon \\cos(\\sigma\\epsilon)] = 0$ and "
                 "$\\mathbb{E}[\\epsilon \\sin(\\sigma\\epsilon)] = \\sigma e^{-\\sigma^2/2}$."),
            Step(sp.Eq(J, closed), "check against the closed form of the expectation itself: "
                 "$\\mathbb{E}[\\sin z] = \\sin\\mu\\, e^{-\\sigma^2/2}$", check=quadrature, practice=None),
            Step(sp.Eq(sp.Derivative(closed, sigma), -sigma * sp.sin(mu) * sp.exp(-sigma**2 / 2)),
                 "whose derivative is the same gradient",
                 hint="Differentiate $\\sin\\mu\\, e^{-\\sigma^2/2}$ with respect to $\\sigma$."),
            Step(sp.Eq(d_sigma, sp.Integral(density * sp.sin(z) * score, ALL_Z)),
                 "the score-function route instead: $\\nabla_\\sigma p = p\\, \\nabla_\\sigma \\log p$ turns the "
                 "gradient back into an expectation under $p$", check=quadrature, practice=None),
            Step(sp.Eq(score, ((z - mu) ** 2 - sigma**2) / sigma**3),
                 "the score of a Gaussian with respect to $\\sigma$",
                 hint="Differentiate $\\log p(z) = -\\log\\sigma - \\frac{1}{2}\\log 2\\pi - (z - \\mu)^2/(2\\sigma^2)$ "
                 "with respect to $\\sigma$."),
            Step(sp.Eq(d_mu, sp.Integral(noise * sp.cos(mu + sigma * eps), ALL_EPS)),
                 "the same trick for $\\mu$: $\\frac{\\partial z}{\\partial\\mu} = 1$, so "
                 "$\\frac{\\partial J}{\\partial\\mu} = \\mathbb{E}_\\epsilon[f'(\\mu + \\sigma\\epsilon)]$",
                 check=quadrature, practice=None),
        ])
