"""The VAE loss from its pieces, per example, written from the formulas.

For a Bernoulli decoder with logits l (x̂ = σ(l)) and a diagonal Gaussian encoder
q(z|x) = N(μ, diag σ²) given as (μ, log σ²), against the prior p(z) = N(0, I):

    reconstruction = −log p(x|z) = −Σ_i [x_i log σ(l_i) + (1 − x_i) log(1 − σ(l_i))]
    KL(q(z|x) ‖ p(z))            = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)
    loss                         = reconstruction + β · KL        (β = 1: the negative ELBO)

log σ(l) = −softplus(−l) and log(1 − σ(l)) = −softplus(l) keep the reconstruction finite for any
logit, where log(sigmoid(l)) would round to log 0 = −∞ once σ(l) rounds to 0.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10  # float64 throughout


def bernoulli_nll(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    # −log p(x|z) = Σ_i x_i softplus(−l_i) + (1 − x_i) softplus(l_i), summed over the pixels
    return (x * F.softplus(-logits) + (1 - x) * F.softplus(logits)).sum(-1)


def gaussian_kl(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    # KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), summed over the latent coordinates
    return -0.5 * (1 + log_var - mu**2 - log_var.exp()).sum(-1)


def vae_loss(x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, log_var: torch.Tensor,
             beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(reconstruction, KL, loss), each of shape (N,): one value per example."""
    reconstruction = bernoulli_nll(x, logits)
    kl = gaussian_kl(mu, log_var)
    return reconstruction, kl, reconstruction + beta * kl


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def vae_loss_oracle(x, logits, mu, log_var, beta=1.0):
    """torch.distributions: the KL between the two Normals and the Bernoulli log-likelihood."""
    from torch.distributions import Bernoulli, Normal, kl_divergence

    q = Normal(mu, (0.5 * log_var).exp())
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    kl = kl_divergence(q, prior).sum(-1)
    reconstruction = -Bernoulli(logits=logits).log_prob(x).sum(-1)
    return reconstruction, kl, reconstruction + beta * kl


def _inputs(generator: torch.Generator, n: int, pixels: int, latent: int, dtype, device):
    x = (torch.rand(n, pixels, generator=generator) < 0.5).to(dtype)
    logits = 3 * torch.randn(n, pixels, generator=generator, dtype=dtype)
    mu = torch.randn(n, latent, generator=generator, dtype=dtype)
    log_var = torch.randn(n, latent, generator=generator, dtype=dtype)
    return tuple(t.to(device) for t in (x, logits, mu, log_var))


def vae_loss_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Fixed shapes with β = 1 and β ≠ 1, an extreme logit, then random shapes."""
    shapes = [(2, 6, 2, 1.0), (3, 4, 3, 4.0), (1, 8, 1, 0.5)]
    for _ in range(3):
        shapes.append((int(torch.randint(1, 5, (), generator=generator)),
                       int(torch.randint(1, 10, (), generator=generator)),
                       int(torch.randint(1, 5, (), generator=generator)),
                       float(torch.randint(1, 9, (), generator=generator)) / 2))
    cases = []
    for n, pixels, latent, beta in shapes:
        args = _inputs(generator, n, pixels, latent, dtype, device)
        cases.append(Case(f"x {n}×{pixels}, latent {latent}, β = {beta:g}", args, {"beta": beta}))
    x = torch.tensor([[1.0, 0.0, 1.0]], dtype=dtype, device=device)
    logits = torch.tensor([[40.0, -40.0, -30.0]], dtype=dtype, device=device)  # σ(l) rounds to 0 or 1
    mu, log_var = (torch.tensor([[0.5]], dtype=dtype, device=device), torch.tensor([[-1.0]], dtype=dtype, device=device))
    cases.append(Case("logits ±40 (a sigmoid that rounds to 0 or 1), β = 2", (x, logits, mu, log_var), {"beta": 2.0}))
    return cases


def vae_loss_kl_twice(x, logits, mu, log_var, beta=1.0):
    """The bug: the ½ of the KL dropped."""
    reconstruction = bernoulli_nll(x, logits)
    kl = -(1 + log_var - mu**2 - log_var.exp()).sum(-1)
    return reconstruction, kl, reconstruction + beta * kl


def vae_loss_log_var_as_log_sigma(x, logits, mu, log_var, beta=1.0):
    """The bug: log_var read as log σ, so σ² = exp(2 log_var)."""
    reconstruction = bernoulli_nll(x, logits)
    kl = -0.5 * (1 + 2 * log_var - mu**2 - (2 * log_var).exp()).sum(-1)
    return reconstruction, kl, reconstruction + beta * kl


def vae_loss_kl_mean(x, logits, mu, log_var, beta=1.0):
    """The bug: the KL averaged over the latent coordinates instead of summed."""
    reconstruction = bernoulli_nll(x, logits)
    kl = -0.5 * (1 + log_var - mu**2 - log_var.exp()).mean(-1)
    return reconstruction, kl, reconstruction + beta * kl


def vae_loss_beta_on_reconstruction(x, logits, mu, log_var, beta=1.0):
    """The bug: β weighs the reconstruction instead of the KL."""
    reconstruction, kl = bernoulli_nll(x, logits), gaussian_kl(mu, log_var)
    return reconstruction, kl, beta * reconstruction + kl


def vae_loss_kl_subtracted(x, logits, mu, log_var, beta=1.0):
    """The bug: the ELBO's minus sign carried into the loss."""
    reconstruction, kl = bernoulli_nll(x, logits), gaussian_kl(mu, log_var)
    return reconstruction, kl, reconstruction - beta * kl


def vae_loss_ones_only(x, logits, mu, log_var, beta=1.0):
    """The bug: only the pixels equal to 1 enter the reconstruction."""
    reconstruction = (x * F.softplus(-logits)).sum(-1)
    kl = gaussian_kl(mu, log_var)
    return reconstruction, kl, reconstruction + beta * kl


# --- check against the oracle ----------------------------------------------------------------

def check_vae_loss(device: str) -> RefResult:
    gen = torch.Generator().manual_seed(0)
    errors = [max_abs_error(list(vae_loss(*case.args, **case.kwargs)), list(vae_loss_oracle(*case.args, **case.kwargs)))
              for case in vae_loss_cases(gen, device, torch.float64)]
    big = _inputs(torch.Generator().manual_seed(1), 256, 784, 32, torch.float64, device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: vae_loss(*big), device),
                     builtin_ms=time_ms(lambda: vae_loss_oracle(*big), device))
