"""KL divergence between Gaussians: univariate by integration, diagonal by summing, and the
VAE regulariser against N(0, I).

Integral lines are checked by numeric quadrature at random parameters; the algebra by SymPy;
the multivariate lines by tensor-product Gauss–Hermite quadrature in 2 and 3 dimensions.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate

x = sp.Symbol("x", real=True)
mu_q, mu_p = sp.symbols("mu_q mu_p", real=True)
sigma_q, sigma_p = sp.symbols("sigma_q sigma_p", positive=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
KL = sp.Symbol(r"D_{\mathrm{KL}}(q \,\|\, p)")
KL0 = sp.Symbol(r"D_{\mathrm{KL}}(q \,\|\, \mathcal{N}(0, 1))")
j, d = sp.symbols("j d", integer=True, positive=True)
DOMAIN = {mu_q: (-1.5, 1.5), mu_p: (-1.5, 1.5), sigma_q: (0.4, 2.0), sigma_p: (0.4, 2.0),
          mu: (-1.5, 1.5), sigma: (0.4, 2.0)}


# N(x; m, s²) = exp(−(x − m)² / 2s²) / √(2π s²)
def normal_pdf(at, mean, std):
    return sp.exp(-(at - mean) ** 2 / (2 * std**2)) / sp.sqrt(2 * sp.pi * std**2)


# KL(N(m₁, s₁²) ‖ N(m₂, s₂²)) = log(s₂/s₁) + (s₁² + (m₁ − m₂)²) / 2s₂² − ½
def kl_closed_form(m1, s1, m2, s2):
    return sp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)


def kl_numbers(m1: float, s1: float, m2: float, s2: float) -> float:
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


def _log_normal(at: float, mean: float, std: float) -> float:
    return -0.5 * math.log(2 * math.pi * std**2) - (at - mean) ** 2 / (2 * std**2)


def kl_by_gauss_hermite(mq, sq, mp, sp_, nodes: int = 12) -> float:
    """E_q[log q(x) − log p(x)] for diagonal Gaussians by tensor-product Gauss–Hermite."""
    import itertools

    import numpy as np

    # ∫ e^{−t²} f(t) dt ≈ Σ w_k f(t_k); with x = μ + √2 σ t, E_q[f(x)] ≈ π^{−1/2} Σ w_k f(x_k)
    t, w = np.polynomial.hermite.hermgauss(nodes)
    total = 0.0
    for index in itertools.product(range(nodes), repeat=len(mq)):
        point = [m + math.sqrt(2) * s * t[k] for m, s, k in zip(mq, sq, index)]
        weight = math.prod(w[k] for k in index) / math.pi ** (len(mq) / 2)
        log_ratio = sum(_log_normal(v, m, s) - _log_normal(v, a, b)
                        for v, m, s, a, b in zip(point, mq, sq, mp, sp_))
        total += weight * log_ratio
    return total


def _random_diagonal(rng: random.Random, dims: int, standard_prior: bool):
    mq = [rng.uniform(-1.5, 1.5) for _ in range(dims)]
    sq = [rng.uniform(0.5, 1.8) for _ in range(dims)]
    mp = [0.0] * dims if standard_prior else [rng.uniform(-1.5, 1.5) for _ in range(dims)]
    sp_ = [1.0] * dims if standard_prior else [rng.uniform(0.6, 1.8) for _ in range(dims)]
    return mq, sq, mp, sp_


def _diagonal_sum_matches(standard_prior: bool = False) -> tuple[bool, str]:
    # KL(q ‖ p) in d dimensions = Σ_j KL(q_j ‖ p_j), checked against quadrature of the joint
    rng = random.Random(3)
    for dims in (2, 3):
        for _ in range(2):
            mq, sq, mp, sp_ = _random_diagonal(rng, dims, standard_prior)
            joint = kl_by_gauss_hermite(mq, sq, mp, sp_)
            summed = sum(kl_numbers(*args) for args in zip(mq, sq, mp, sp_))
            if standard_prior:
                # −KL = ½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)
                summed = -0.5 * sum(1 + math.log(s**2) - m**2 - s**2 for m, s in zip(mq, sq))
            if abs(joint - summed) > 1e-8 * max(1.0, abs(joint)):
                return False, f"d={dims}: quadrature {joint:.10f} vs formula {summed:.10f}"
    return True, "d = 2 and 3, random diagonal Gaussians: Gauss–Hermite quadrature of the joint agrees"


def build() -> Walkthrough:
    q, p = normal_pdf(x, mu_q, sigma_q), normal_pdf(x, mu_p, sigma_p)
    all_r = (x, -sp.oo, sp.oo)
    closed = kl_closed_form(mu_q, sigma_q, mu_p, sigma_p)
    definition = sp.Integral(q * sp.log(q / p), all_r)
    log_ratio = sp.log(sigma_p / sigma_q) - (x - mu_q) ** 2 / (2 * sigma_q**2) + (x - mu_p) ** 2 / (2 * sigma_p**2)
    standard = kl_closed_form(mu, sigma, 0, 1)
    idx = sp.Indexed
    diagonal = sp.Sum(sp.log(idx("sigma_p", j) / idx("sigma_q", j))
                      + (idx("sigma_q", j) ** 2 + (idx("mu_q", j) - idx("mu_p", j)) ** 2)
                      / (2 * idx("sigma_p", j) ** 2) - sp.Rational(1, 2), (j, 1, d))
    vae_term = sp.Rational(1, 2) * sp.Sum(1 + sp.log(idx("sigma", j) ** 2) - idx("mu", j) ** 2
                                          - idx("sigma", j) ** 2, (j, 1, d))
    integrate = numeric(DOMAIN, draws=4, rtol=1e-8)
    return Walkthrough(
        title=r"KL divergence between Gaussians (univariate, diagonal, and against $\mathcal{N}(0, I)$)",
        assumptions=[r"$q = \mathcal{N}(\mu_q, \sigma_q^2)$ and $p = \mathcal{N}(\mu_p, \sigma_p^2)$, "
                     r"with $\sigma_q, \sigma_p > 0$",
                     "in the diagonal case the $d$ coordinates are independent under both $q$ and $p$"],
        where={KL: definition, KL0: sp.Integral(normal_pdf(x, mu, sigma) * sp.log(
            normal_pdf(x, mu, sigma) / normal_pdf(x, 0, 1)), all_r)},
        steps=[
            Given(sp.Eq(KL, definition),
                  r"definition: $\mathrm{KL}(q \,\|\, p) = \mathbb{E}_q[\log q(x) - \log p(x)]$"),
            Step(sp.Integral(q * log_ratio, all_r),
                 r"the log of the ratio of the densities: the factors $\sqrt{2\pi}$ cancel",
                 check=integrate,
                 hint=r"$\log \mathcal{N}(x; \mu, \sigma^2) = -\log \sigma - \frac{1}{2}\log 2\pi - (x - \mu)^2/(2\sigma^2)$."),
            Step(sp.Eq(sp.Integral(q * (x - mu_q) ** 2, all_r), sigma_q**2),
                 r"$\mathbb{E}_q[(x - \mu_q)^2]$ is the variance of $q$", check=integrate),
            Step(sp.Eq(sp.Integral(q * (x - mu_p) ** 2, all_r), sigma_q**2 + (mu_q - mu_p) ** 2),
                 r"$x - \mu_p = (x - \mu_q) + (\mu_q - \mu_p)$, and the cross term has mean 0", check=integrate),
            Step(sp.Eq(KL, sp.log(sigma_p / sigma_q) - sp.UnevaluatedExpr(sigma_q**2) / (2 * sigma_q**2)
                       + (sigma_q**2 + (mu_q - mu_p) ** 2) / (2 * sigma_p**2)),
                 "take $\\mathbb{E}_q$ of each term of the log-ratio (the density integrates to 1)",
                 check=integrate, practice=None),
            Step(closed, r"simplify the middle term: the univariate closed form",
                 hint=r"The variance of $q$ over twice itself is a constant."),
            Step(sp.Eq(sp.Symbol(r"D_{\mathrm{KL}}(q \,\|\, p)"), diagonal),
                 r"diagonal Gaussians: $\log q - \log p$ is a sum over coordinates, and each term needs "
                 "only its own marginal",
                 check=predicate(_diagonal_sum_matches, "Gauss–Hermite quadrature in 2 and 3 dimensions")),
            Step(sp.Eq(KL0, standard), r"against $p = \mathcal{N}(0, 1)$: put $\mu_p = 0$ and $\sigma_p = 1$",
                 check=integrate, practice=None),
            Step(-sp.log(sigma) + (sigma**2 + mu**2) / 2 - sp.Rational(1, 2),
                 r"$\log(1/\sigma) = -\log \sigma$"),
            Step(sp.Eq(-KL0, (1 + sp.log(sigma**2) - mu**2 - sigma**2) / 2),
                 r"negate, and write $-\log \sigma$ as $-\frac{1}{2}\log \sigma^2$: the form used in VAE code",
                 hint=r"Every term changes sign; $\log \sigma = \frac{1}{2}\log \sigma^2$."),
            Step(sp.Eq(-sp.Symbol(r"D_{\mathrm{KL}}(q \,\|\, \mathcal{N}(0, I))"), vae_term),
                 "sum over the $d$ latent coordinates (the diagonal case)",
                 check=predicate(lambda: _diagonal_sum_matches(standard_prior=True),
                                 "Gauss–Hermite quadrature in 2 and 3 dimensions against N(0, I)")),
        ])
