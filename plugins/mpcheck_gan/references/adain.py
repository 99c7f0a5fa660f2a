"""Adaptive instance normalisation: each channel of each instance normalised over its positions,
then scaled and shifted by the style's γ(s) and β(s) (Huang & Belongie 2017; StyleGAN).

    AdaIN(c, s) = γ(s) (c − μ(c)) / σ(c) + β(s),   σ(c) = √(Var(c) + ε)

μ and Var are taken per (instance, channel) over H × W, the variance divided by H·W.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def instance_statistics(x: torch.Tensor, eps: float):
    """Mean and σ = √(Var + ε) of each (instance, channel) of an (N, C, H, W) tensor."""
    mean = x.mean(dim=(2, 3), keepdim=True)
    # population variance: divide by H·W, as instance normalisation does
    variance = ((x - mean) ** 2).mean(dim=(2, 3), keepdim=True)
    return mean, torch.sqrt(variance + eps)


def adain(content: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """content (N, C, H, W); gamma and beta (N, C): one scale and shift per instance and channel."""
    mean, std = instance_statistics(content, eps)
    # AdaIN(c, s) = γ(s) (c − μ(c))/σ(c) + β(s)
    return gamma[:, :, None, None] * (content - mean) / std + beta[:, :, None, None]


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def adain_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    shapes = [(2, 3, 4, 4, 1e-5), (1, 2, 3, 5, 0.5), (3, 1, 2, 2, 1e-5)]
    for _ in range(3):
        n, c, h, w = (int(torch.randint(2, 5, (), generator=generator)) for _ in range(4))
        shapes.append((n, c, h, w, 0.5))
    cases = []
    for n, c, h, w, eps in shapes:
        content = torch.randn(n, c, h, w, generator=generator, dtype=torch.float64) * 2 + 1
        gamma = torch.rand(n, c, generator=generator, dtype=torch.float64) * 2 + 0.5
        beta = torch.randn(n, c, generator=generator, dtype=torch.float64)
        cases.append(Case(f"content {n}×{c}×{h}×{w}, eps {eps:g}",
                          tuple(t.to(device, dtype) for t in (content, gamma, beta)), {"eps": eps}))
    return cases


def adain_oracle(content, gamma, beta, eps=1e-5):
    return F.instance_norm(content, eps=eps) * gamma[:, :, None, None] + beta[:, :, None, None]


def _adain_with(content, gamma, beta, eps, dims=(2, 3), unbiased=False, eps_inside=True, swap=False):
    mean = content.mean(dim=dims, keepdim=True)
    variance = content.var(dim=dims, keepdim=True, unbiased=unbiased)
    std = torch.sqrt(variance + eps) if eps_inside else torch.sqrt(variance) + eps
    scale, shift = (beta, gamma) if swap else (gamma, beta)
    return scale[:, :, None, None] * (content - mean) / std + shift[:, :, None, None]


def adain_unbiased_variance(content, gamma, beta, eps=1e-5):
    """The bug: torch.var's default, the unbiased variance (divide by H·W − 1)."""
    return _adain_with(content, gamma, beta, eps, unbiased=True)


def adain_eps_outside_sqrt(content, gamma, beta, eps=1e-5):
    """The bug: σ = √Var + ε instead of √(Var + ε)."""
    return _adain_with(content, gamma, beta, eps, eps_inside=False)


def adain_batch_statistics(content, gamma, beta, eps=1e-5):
    """The bug: statistics over the batch too (batch normalisation's), not per instance."""
    return _adain_with(content, gamma, beta, eps, dims=(0, 2, 3))


def adain_layer_statistics(content, gamma, beta, eps=1e-5):
    """The bug: statistics over all channels of an instance (layer normalisation's)."""
    return _adain_with(content, gamma, beta, eps, dims=(1, 2, 3))


def adain_gamma_beta_swapped(content, gamma, beta, eps=1e-5):
    """The bug: β scales and γ shifts."""
    return _adain_with(content, gamma, beta, eps, swap=True)


# --- check against the oracle ----------------------------------------------------------------

def check_adain(device: str) -> RefResult:
    gen = torch.Generator().manual_seed(0)
    errors = [max_abs_error(adain(*case.args, **case.kwargs), adain_oracle(*case.args, **case.kwargs))
              for case in adain_cases(gen, device, torch.float64)]
    content = torch.randn(8, 64, 32, 32, generator=gen, dtype=torch.float64).to(device)
    gamma = torch.rand(8, 64, generator=gen, dtype=torch.float64).to(device) + 0.5
    beta = torch.randn(8, 64, generator=gen, dtype=torch.float64).to(device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: adain(content, gamma, beta), device),
                     builtin_ms=time_ms(lambda: adain_oracle(content, gamma, beta), device))
