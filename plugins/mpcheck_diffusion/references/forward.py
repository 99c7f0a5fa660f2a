"""The forward process in one jump, and the training loss of an ε-prediction DDPM:

    x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε                              (q_sample)
    L_simple = E_{x_0, t, ε} ‖ε − ε_θ(x_t, t)‖²                 (averaged over batch and coordinates)

t holds one timestep per sample, counted from 1; alpha_bars holds ᾱ_t at index t − 1.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms
from mpcheck_diffusion.references import independent
from mpcheck_diffusion.references.schedule import linear_schedule
from mpcheck_diffusion.references.toy import toy_denoiser

TOLERANCE = 1e-12


def per_sample(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """(N,) → (N, 1, …, 1), to broadcast one number per sample over its coordinates."""
    return values.reshape(-1, *([1] * (like.dim() - 1)))


def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a = per_sample(alpha_bars[t - 1], x0)
    # x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def diffusion_loss(x0, t, noise, alpha_bars, eps_model) -> torch.Tensor:
    """L_simple on a batch: the network sees x_t and must name the noise that made it."""
    xt = q_sample(x0, t, noise, alpha_bars)
    # ‖ε − ε_θ(x_t, t)‖², averaged over the batch and the coordinates (as F.mse_loss)
    return ((noise - eps_model(xt, t)) ** 2).mean()


# --- the exercises: cases, oracles and known bugs ---------------------------------------------

def _batch(generator, device, dtype, n, d, T):
    _, _, bars = linear_schedule(0.05, 0.3, T, dtype=torch.float64)
    x0 = torch.randn(n, d, generator=generator, dtype=torch.float64)
    noise = torch.randn(n, d, generator=generator, dtype=torch.float64)
    t = torch.randint(1, T + 1, (n,), generator=generator)
    t[0] = T  # the last timestep always appears: an index one too far cannot hide
    return x0.to(device, dtype), t.to(device), noise.to(device, dtype), bars.to(device, dtype)


def _sizes(generator):
    return [(3, 2, 5), (4, 3, 8)] + [tuple(int(torch.randint(2, 7, (), generator=generator)) for _ in range(3))
                                    for _ in range(3)]


def q_sample_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    return [Case(f"{n} samples in {d}-D, T = {T}", _batch(generator, device, dtype, n, d, T))
            for n, d, T in _sizes(generator)]


def q_sample_oracle(x0, t, noise, alpha_bars):
    """One sample at a time, the coefficients in Python floats."""
    rows = []
    for i in range(x0.shape[0]):
        a = float(alpha_bars[int(t[i]) - 1])
        rows.append(math.sqrt(a) * x0[i] + math.sqrt(1 - a) * noise[i])
    return torch.stack(rows)


def q_sample_forgot_sqrt(x0, t, noise, alpha_bars):
    """The bug: ᾱ_t x_0 + (1 − ᾱ_t) ε, variances used as scales."""
    a = per_sample(alpha_bars[t - 1], x0)
    return a * x0 + (1 - a) * noise


def q_sample_swapped(x0, t, noise, alpha_bars):
    """The bug: √(1 − ᾱ_t) x_0 + √ᾱ_t ε."""
    a = per_sample(alpha_bars[t - 1], x0)
    return (1 - a).sqrt() * x0 + a.sqrt() * noise


def previous_alpha_bars(alpha_bars):
    """[ᾱ_0, …, ᾱ_{T−1}]: the array a product shifted by one step gives."""
    return torch.cat([torch.ones(1, dtype=alpha_bars.dtype, device=alpha_bars.device), alpha_bars[:-1]])


def q_sample_previous_alpha_bar(x0, t, noise, alpha_bars):
    """The bug: ᾱ_{t−1} where ᾱ_t belongs (t off by one)."""
    return q_sample(x0, t, noise, previous_alpha_bars(alpha_bars))


def diffusion_loss_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for n, d, T in _sizes(generator):
        batch = _batch(generator, device, dtype, n, d, T)
        cases.append(Case(f"{n} samples in {d}-D, T = {T}", (*batch, toy_denoiser(d, T, generator, device, dtype))))
    return cases


def diffusion_loss_oracle(x0, t, noise, alpha_bars, eps_model):
    return F.mse_loss(eps_model(q_sample_oracle(x0, t, noise, alpha_bars), t), noise)


def diffusion_loss_target_x0(x0, t, noise, alpha_bars, eps_model):
    """The bug: the network's output compared with x_0 instead of the noise."""
    return ((x0 - eps_model(q_sample(x0, t, noise, alpha_bars), t)) ** 2).mean()


def diffusion_loss_forgot_sqrt(x0, t, noise, alpha_bars, eps_model):
    """The bug: x_t built with ᾱ_t and 1 − ᾱ_t instead of their square roots."""
    return ((noise - eps_model(q_sample_forgot_sqrt(x0, t, noise, alpha_bars), t)) ** 2).mean()


def diffusion_loss_previous_alpha_bar(x0, t, noise, alpha_bars, eps_model):
    """The bug: x_t built with ᾱ_{t−1} (t off by one)."""
    return ((noise - eps_model(q_sample_previous_alpha_bar(x0, t, noise, alpha_bars), t)) ** 2).mean()


def diffusion_loss_summed(x0, t, noise, alpha_bars, eps_model):
    """The bug: summed over the coordinates and the batch instead of averaged."""
    return ((noise - eps_model(q_sample(x0, t, noise, alpha_bars), t)) ** 2).sum()


# --- checks against the oracles --------------------------------------------------------------

def _scheduler_q_sample(x0, t, noise, T):
    sched = independent.scheduler(T, 0.05, 0.3)
    return sched.add_noise(x0, noise, (t - 1).cpu()).to(x0.device)


def check_q_sample(device: str) -> RefResult:
    cases = q_sample_cases(torch.Generator().manual_seed(0), device, torch.float64)
    error = max(max_abs_error(q_sample(*c.args), q_sample_oracle(*c.args)) for c in cases)
    detail = "closed form, one sample at a time"
    if independent.available():
        gap = max(max_abs_error(q_sample(*c.args), _scheduler_q_sample(c.args[0], c.args[1], c.args[2],
                                                                       len(c.args[3]))) for c in cases)
        error, detail = independent.fold(error, gap, detail)
    x0, t, noise, bars = _batch(torch.Generator().manual_seed(1), device, torch.float64, 256, 3 * 16 * 16, 1000)
    return RefResult(max_abs_error=error, tolerance=TOLERANCE, device=device, detail=detail,
                     ms=time_ms(lambda: q_sample(x0, t, noise, bars), device))


def check_diffusion_loss(device: str) -> RefResult:
    cases = diffusion_loss_cases(torch.Generator().manual_seed(0), device, torch.float64)
    error = max(max_abs_error(diffusion_loss(*c.args), diffusion_loss_oracle(*c.args)) for c in cases)
    detail = "F.mse_loss on the closed-form x_t"
    if independent.available():
        gap = 0.0
        for c in cases:
            x0, t, noise, bars, model = c.args
            xt = _scheduler_q_sample(x0, t, noise, len(bars))
            gap = max(gap, max_abs_error(diffusion_loss(*c.args), F.mse_loss(model(xt, t), noise)))
        error, detail = independent.fold(error, gap, detail)
    gen = torch.Generator().manual_seed(2)
    x0, t, noise, bars = _batch(gen, device, torch.float64, 256, 3 * 16 * 16, 1000)
    model = toy_denoiser(3 * 16 * 16, 1000, gen, device, torch.float64)
    return RefResult(max_abs_error=error, tolerance=TOLERANCE, device=device, detail=detail,
                     ms=time_ms(lambda: diffusion_loss(x0, t, noise, bars, model), device),
                     builtin_ms=time_ms(lambda: F.mse_loss(model(q_sample(x0, t, noise, bars), t), noise), device))
