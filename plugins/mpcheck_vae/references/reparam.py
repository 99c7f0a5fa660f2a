"""The reparameterised gradient of an expectation, against the closed form and the score-function
estimator it replaces.

For J(μ, σ) = E_{z ~ N(μ, σ²)}[f(z)], sampling hides μ and σ from backpropagation. Writing the
sample as a deterministic function of parameter-free noise, z = μ + σ ε with ε ~ N(0, 1), moves
them inside f, and the gradient inside the expectation:

    ∂J/∂μ = E_ε[f'(μ + σε)],            ∂J/∂σ = E_ε[f'(μ + σε) · ε]

The score-function (REINFORCE) estimator differentiates the density instead:

    ∂J/∂θ = E_z[f(z) · ∂ log N(z; μ, σ²)/∂θ],  ∂/∂μ log N = (z − μ)/σ²,  ∂/∂σ log N = ((z − μ)² − σ²)/σ³

Both are unbiased; the reparameterised one has far smaller variance. Here f(z) = Σ_d sin z_d, whose
expectation is known: E[sin z] = sin μ · e^{−σ²/2}.
"""

from __future__ import annotations

import math

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10     # the estimator against autograd on the same samples: float64 round-off only
ERROR_BARS = 4.0      # Monte Carlo estimates must land within 4 standard errors of the truth
SAMPLES = 200_000


def reparameterized_samples(mu: torch.Tensor, sigma: torch.Tensor, eps: torch.Tensor):
    """Per-sample gradients (S, D) of f(z) = Σ_d sin z_d with respect to μ and σ."""
    # z = μ + σ ⊙ ε: the sample as a function of the parameters
    z = mu + sigma * eps
    # f'(z) = cos z, and ∂z/∂μ = 1, ∂z/∂σ = ε
    slope = torch.cos(z)
    return slope, slope * eps


def reparameterized_gradient(mu: torch.Tensor, sigma: torch.Tensor, eps: torch.Tensor):
    """Monte Carlo estimate of (∂J/∂μ, ∂J/∂σ) for J = E[Σ_d sin z_d], z = μ + σ ⊙ ε, from the
    S samples of ε in the rows of ``eps`` (S, D); μ and σ have shape (D,)."""
    # ∂J/∂θ ≈ (1/S) Σ_s ∂f(μ + σ ε_s)/∂θ: the expectation over ε becomes a sample mean
    for_mu, for_sigma = reparameterized_samples(mu, sigma, eps)
    return for_mu.mean(0), for_sigma.mean(0)


# --- the oracles -----------------------------------------------------------------------------

def closed_form_gradient(mu: torch.Tensor, sigma: torch.Tensor):
    # J = sin μ · e^{−σ²/2}  ⇒  ∂J/∂μ = cos μ · e^{−σ²/2},  ∂J/∂σ = −σ sin μ · e^{−σ²/2}
    damping = torch.exp(-sigma**2 / 2)
    return torch.cos(mu) * damping, -sigma * torch.sin(mu) * damping


def score_function_samples(mu: torch.Tensor, sigma: torch.Tensor, eps: torch.Tensor):
    """Per-sample terms f(z) ∂ log N(z; μ, σ²)/∂(μ, σ), each (S, D)."""
    z = mu + sigma * eps
    value = torch.sin(z)
    return value * (z - mu) / sigma**2, value * ((z - mu) ** 2 - sigma**2) / sigma**3


def mean_and_error(samples: torch.Tensor):
    """The Monte Carlo mean of each column and its standard error s / √S."""
    return samples.mean(0), samples.std(0) / math.sqrt(samples.shape[0])


def reparameterized_gradient_oracle(mu, sigma, eps):
    """Autograd through the same samples: the mean of f(μ + σε), differentiated."""
    mu, sigma = mu.detach().clone().requires_grad_(), sigma.detach().clone().requires_grad_()
    torch.sin(mu + sigma * eps).sum(1).mean().backward()
    return mu.grad, sigma.grad


# --- the exercise: cases and known bugs ------------------------------------------------------

def reparameterized_gradient_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for samples, dims in [(1, 1), (5, 3), (64, 2)] + [
            (int(torch.randint(2, 200, (), generator=generator)), int(torch.randint(1, 6, (), generator=generator)))
            for _ in range(3)]:
        mu = torch.randn(dims, generator=generator, dtype=dtype)
        sigma = 0.2 + torch.rand(dims, generator=generator, dtype=dtype) * 1.5
        eps = torch.randn(samples, dims, generator=generator, dtype=dtype)
        cases.append(Case(f"{samples} samples of dimension {dims}", tuple(t.to(device) for t in (mu, sigma, eps))))
    return cases


def gradient_score_function(mu, sigma, eps):
    """The bug: the score-function estimator (unbiased too, but not the reparameterised estimate)."""
    for_mu, for_sigma = score_function_samples(mu, sigma, eps)
    return for_mu.mean(0), for_sigma.mean(0)


def gradient_without_noise_factor(mu, sigma, eps):
    """The bug: ∂z/∂σ = ε forgotten in the σ-gradient."""
    slope = torch.cos(mu + sigma * eps)
    return slope.mean(0), slope.mean(0)


def gradient_of_detached_sample(mu, sigma, eps):
    """The bug: z drawn with sample() rather than rsample(), so no gradient reaches μ or σ."""
    return torch.zeros_like(mu), torch.zeros_like(sigma)


def gradient_summed_over_samples(mu, sigma, eps):
    """The bug: a sum over the samples where the expectation needs their mean."""
    slope = torch.cos(mu + sigma * eps)
    return slope.sum(0), (slope * eps).sum(0)


# --- check against the oracles ---------------------------------------------------------------

def check_reparameterized_gradient(device: str) -> RefResult:
    """The estimator against autograd on the same samples; its Monte Carlo estimate against the
    closed form, within its error bar; the score-function estimate against the closed form,
    within its own (wider) error bar. The comparison nearest to failing is the one reported."""
    gen = torch.Generator().manual_seed(0)
    mu = torch.tensor([0.3, -1.2, 2.0, 0.8], dtype=torch.float64)
    sigma = torch.tensor([0.5, 1.0, 1.5, 0.7], dtype=torch.float64)
    eps = torch.randn(SAMPLES, 4, generator=gen, dtype=torch.float64)
    mu, sigma, eps = (t.to(device) for t in (mu, sigma, eps))

    mine = reparameterized_gradient(mu, sigma, eps)
    checks = [(max_abs_error(list(mine), list(reparameterized_gradient_oracle(mu, sigma, eps))), TOLERANCE)]
    truth = closed_form_gradient(mu, sigma)
    for estimator in (reparameterized_samples, score_function_samples):
        for samples, exact in zip(estimator(mu, sigma, eps), truth):
            mean, error = mean_and_error(samples)
            checks.append((float((mean - exact).abs().max()), ERROR_BARS * float(error.max())))
    worst, bar = max(checks, key=lambda c: c[0] / c[1])
    small = eps[:1000]
    return RefResult(max_abs_error=worst, tolerance=bar, device=device,
                     ms=time_ms(lambda: reparameterized_gradient(mu, sigma, small), device),
                     builtin_ms=time_ms(lambda: reparameterized_gradient_oracle(mu, sigma, small), device),
                     detail=score_function_report(mu, sigma, eps))


def score_function_report(mu, sigma, eps) -> str:
    """How much wider the score-function error bars are, for the same number of samples."""
    ratios = []
    for reparam, score in zip(reparameterized_samples(mu, sigma, eps), score_function_samples(mu, sigma, eps)):
        ratios.append(float((mean_and_error(score)[1] / mean_and_error(reparam)[1]).mean()))
    return (f"standard error of the score-function estimate / reparameterised: "
            f"{ratios[0]:.1f}× for ∂J/∂μ, {ratios[1]:.1f}× for ∂J/∂σ ({eps.shape[0]} samples)")
