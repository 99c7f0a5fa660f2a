"""DDPM's linear noise schedule and its cumulative products (Ho et al., 2020), timesteps from 1:

    β_t = β_start + (t − 1)(β_end − β_start)/(T − 1),   α_t = 1 − β_t,   ᾱ_t = Π_{s ≤ t} α_s

Tensors hold timestep t at index t − 1.
"""

from __future__ import annotations

import math

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms
from mpcheck_diffusion.references import independent

TOLERANCE = 1e-12


def linear_schedule(beta_start: float, beta_end: float, T: int, dtype=torch.float64, device="cpu"):
    """(betas, alphas, alpha_bars), each of shape (T,)."""
    # β_t = β_start + (t − 1)(β_end − β_start)/(T − 1): evenly spaced, both ends included
    betas = torch.linspace(beta_start, beta_end, T, dtype=dtype, device=device)
    # α_t = 1 − β_t: the share of the signal's variance each step keeps
    alphas = 1 - betas
    # ᾱ_t = Π_{s ≤ t} α_s: what is left of x_0 after t steps
    alpha_bars = torch.cumprod(alphas, dim=0)
    return betas, alphas, alpha_bars


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def linear_schedule_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    settings = [(1e-4, 0.02, 1000), (0.1, 0.3, 5), (0.05, 0.05, 3)]
    for _ in range(3):
        start = float(torch.rand((), generator=generator)) * 0.1 + 0.01
        end = start + float(torch.rand((), generator=generator)) * 0.3
        settings.append((round(start, 4), round(end, 4), int(torch.randint(2, 60, (), generator=generator))))
    return [Case(f"β from {start:g} to {end:g} over T = {T}", (start, end, T), {"dtype": dtype, "device": device})
            for start, end, T in settings]


def linear_schedule_oracle(beta_start, beta_end, T, dtype=torch.float64, device="cpu"):
    """The closed forms, one timestep at a time in Python floats."""
    betas = [beta_start + (t - 1) * (beta_end - beta_start) / (T - 1) if T > 1 else beta_start
             for t in range(1, T + 1)]
    bars = [math.prod(1 - b for b in betas[:t]) for t in range(1, T + 1)]

    def tensor(values):
        return torch.tensor(values, dtype=dtype, device=device)

    return tensor(betas), tensor([1 - b for b in betas]), tensor(bars)


def linear_schedule_step_over_T(beta_start, beta_end, T, dtype=torch.float64, device="cpu"):
    """The bug: the range divided into T steps instead of T − 1 (β_T never reaches β_end)."""
    betas = beta_start + torch.arange(T, dtype=dtype, device=device) * (beta_end - beta_start) / T
    return betas, 1 - betas, torch.cumprod(1 - betas, dim=0)


def linear_schedule_beta_product(beta_start, beta_end, T, dtype=torch.float64, device="cpu"):
    """The bug: ᾱ as the cumulative product of the β's (β and α confused)."""
    betas, alphas, _ = linear_schedule(beta_start, beta_end, T, dtype, device)
    return betas, alphas, torch.cumprod(betas, dim=0)


def linear_schedule_not_cumulative(beta_start, beta_end, T, dtype=torch.float64, device="cpu"):
    """The bug: ᾱ_t = α_t, the product forgotten."""
    betas, alphas, _ = linear_schedule(beta_start, beta_end, T, dtype, device)
    return betas, alphas, alphas.clone()


def linear_schedule_shifted(beta_start, beta_end, T, dtype=torch.float64, device="cpu"):
    """The bug: index t − 1 holds ᾱ_{t−1} (a product that starts from ᾱ_0 = 1)."""
    betas, alphas, bars = linear_schedule(beta_start, beta_end, T, dtype, device)
    return betas, alphas, torch.cat([torch.ones(1, dtype=dtype, device=device), bars[:-1]])


# --- checks against the oracles --------------------------------------------------------------

def check_linear_schedule(device: str) -> RefResult:
    cases = linear_schedule_cases(torch.Generator().manual_seed(0), device, torch.float64)
    error = max(max_abs_error(list(linear_schedule(*c.args, **c.kwargs)),
                              list(linear_schedule_oracle(*c.args, **c.kwargs))) for c in cases)
    detail = "closed form in Python floats"
    if independent.available():
        sched = independent.scheduler(1000, 1e-4, 0.02)
        ours = linear_schedule(1e-4, 0.02, 1000, device="cpu")
        gap = max_abs_error([ours[0], ours[2]], [sched.betas.double(), sched.alphas_cumprod.double()])
        error, detail = independent.fold(error, gap, detail)
    return RefResult(max_abs_error=error, tolerance=TOLERANCE, device=device, detail=detail,
                     ms=time_ms(lambda: linear_schedule(1e-4, 0.02, 1000, device=device), device))
