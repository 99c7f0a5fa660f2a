"""DDPM ancestral sampling in the ε-parameterisation (Ho et al., 2020, Algorithm 2):

    for t = T, …, 1:
        z ∼ N(0, I) if t > 1, else z = 0
        x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε_θ(x_t, t))/√α_t + σ_t z,   σ_t² = β_t

The noise is passed in (noise[t − 1] is the z of step t) so that a run can be replayed exactly.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms
from mpcheck_diffusion.references import independent
from mpcheck_diffusion.references.toy import toy_denoiser

TOLERANCE = 1e-10


def p_sample_step(xt, eps, t: int, betas, alpha_bars, z):
    """x_{t−1} from x_t, the predicted noise ε_θ(x_t, t) and the draw z (ignored at t = 1)."""
    beta, bar = betas[t - 1], alpha_bars[t - 1]
    # μ_θ = (x_t − β_t/√(1 − ᾱ_t) ε_θ)/√α_t
    mean = (xt - beta / (1 - bar).sqrt() * eps) / (1 - beta).sqrt()
    # the last step returns the mean: noise there would only blur the final sample
    return mean + beta.sqrt() * z if t > 1 else mean


def p_sample_loop(x_T: torch.Tensor, eps_model, betas: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """x_T (N, d) → x_0; betas (T,); noise (T, N, d); eps_model(x, t) with t of shape (N,)."""
    # ᾱ_t = Π_{s ≤ t} (1 − β_s)
    alpha_bars = torch.cumprod(1 - betas, dim=0)
    x = x_T
    for t in range(len(betas), 0, -1):
        steps = torch.full((x.shape[0],), t, dtype=torch.long, device=x.device)
        x = p_sample_step(x, eps_model(x, steps), t, betas, alpha_bars, noise[t - 1])
    return x


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def p_sample_loop_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    sizes = [(2, 2, 3), (3, 4, 6)] + [tuple(int(torch.randint(2, 7, (), generator=generator)) for _ in range(3))
                                     for _ in range(3)]
    cases = []
    for n, d, T in sizes:
        start = float(torch.rand((), generator=generator)) * 0.1 + 0.05
        betas = torch.linspace(start, start + 0.25, T, dtype=torch.float64).to(device, dtype)
        x_T = torch.randn(n, d, generator=generator, dtype=torch.float64).to(device, dtype)
        noise = torch.randn(T, n, d, generator=generator, dtype=torch.float64).to(device, dtype)
        model = toy_denoiser(d, T, generator, device, dtype)
        cases.append(Case(f"{n} samples in {d}-D, T = {T}", (x_T, model, betas, noise)))
    return cases


def p_sample_loop_oracle(x_T, eps_model, betas, noise):
    """The posterior route: predict x̂_0 from ε, then the mean of q(x_{t−1} | x_t, x̂_0)."""
    x = x_T
    bars = [1.0]
    for b in betas.tolist():
        bars.append(bars[-1] * (1 - b))
    for t in range(len(betas), 0, -1):
        beta, bar, prev = float(betas[t - 1]), bars[t], bars[t - 1]
        eps = eps_model(x, torch.full((x.shape[0],), t, dtype=torch.long, device=x.device))
        # x̂_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t
        x0_hat = (x - (1 - bar) ** 0.5 * eps) / bar**0.5
        # μ̃ = √ᾱ_{t−1} β_t/(1 − ᾱ_t) x̂_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) x_t
        mean = prev**0.5 * beta / (1 - bar) * x0_hat + (1 - beta) ** 0.5 * (1 - prev) / (1 - bar) * x
        x = mean + beta**0.5 * noise[t - 1] if t > 1 else mean
    return x


def _loop_with(x_T, eps_model, betas, noise, *, last_noise=False, sigma_power=0.5, bar_for_alpha=False,
               eps_root=True, divide=True):
    bars = torch.cumprod(1 - betas, dim=0)
    x = x_T
    for t in range(len(betas), 0, -1):
        beta, bar = betas[t - 1], bars[t - 1]
        eps = eps_model(x, torch.full((x.shape[0],), t, dtype=torch.long, device=x.device))
        coef = beta / ((1 - bar).sqrt() if eps_root else (1 - bar))
        mean = x - coef * eps
        if divide:
            mean = mean / (bar if bar_for_alpha else 1 - beta).sqrt()
        x = mean + beta**sigma_power * noise[t - 1] if t > 1 or last_noise else mean
    return x


def p_sample_loop_noise_at_last_step(x_T, eps_model, betas, noise):
    """The bug: σ_1 z added at t = 1 too."""
    return _loop_with(x_T, eps_model, betas, noise, last_noise=True)


def p_sample_loop_std_as_variance(x_T, eps_model, betas, noise):
    """The bug: β_t z instead of √β_t z."""
    return _loop_with(x_T, eps_model, betas, noise, sigma_power=1.0)


def p_sample_loop_alpha_bar_for_alpha(x_T, eps_model, betas, noise):
    """The bug: divided by √ᾱ_t instead of √α_t."""
    return _loop_with(x_T, eps_model, betas, noise, bar_for_alpha=True)


def p_sample_loop_forgot_sqrt(x_T, eps_model, betas, noise):
    """The bug: β_t/(1 − ᾱ_t) instead of β_t/√(1 − ᾱ_t)."""
    return _loop_with(x_T, eps_model, betas, noise, eps_root=False)


def p_sample_loop_no_division(x_T, eps_model, betas, noise):
    """The bug: the bracket never divided by √α_t."""
    return _loop_with(x_T, eps_model, betas, noise, divide=False)


# --- checks against the oracles --------------------------------------------------------------

def check_p_sample_loop(device: str) -> RefResult:
    cases = p_sample_loop_cases(torch.Generator().manual_seed(0), device, torch.float64)
    error = max(max_abs_error(p_sample_loop(*c.args), p_sample_loop_oracle(*c.args)) for c in cases)
    detail = "the posterior-mean route through x̂_0"
    if independent.available():
        gap = 0.0
        for seed, c in enumerate(cases):
            x_T, model, betas, _ = c.args
            noise = independent.scheduler_noise(tuple(x_T.shape), len(betas), seed, torch.float64).to(device)
            gap = max(gap, max_abs_error(p_sample_loop(x_T, model, betas, noise),
                                         independent.sample_loop(x_T, model, betas, seed)))
        error, detail = independent.fold(error, gap, detail)
    gen = torch.Generator().manual_seed(1)
    n, d, T = 64, 3 * 8 * 8, 50
    x_T = torch.randn(n, d, generator=gen, dtype=torch.float64).to(device)
    noise = torch.randn(T, n, d, generator=gen, dtype=torch.float64).to(device)
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64).to(device)
    model = toy_denoiser(d, T, gen, device, torch.float64)
    return RefResult(max_abs_error=error, tolerance=TOLERANCE, device=device, detail=detail,
                     ms=time_ms(lambda: p_sample_loop(x_T, model, betas, noise), device, repeat=3),
                     builtin_ms=time_ms(lambda: p_sample_loop_oracle(x_T, model, betas, noise), device, repeat=3))
