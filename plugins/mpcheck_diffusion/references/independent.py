"""diffusers' DDPMScheduler as a second, independent oracle, where it is installed.

It is a test-only dependency (the ``test`` extra): ``mpcheck ref diffusion`` uses it when present
and otherwise checks against the closed forms alone. It counts timesteps from 0 (our t − 1) and
keeps its schedule in float32, so it is compared with a float32 tolerance.
"""

from __future__ import annotations

import importlib.util

import torch

TOLERANCE = 1e-5  # float32 schedule inside the scheduler


def available() -> bool:
    return importlib.util.find_spec("diffusers") is not None


def scheduler(T: int, beta_start: float = 1e-4, beta_end: float = 0.02, betas: torch.Tensor | None = None):
    """A DDPMScheduler with the linear schedule (or the given betas), σ_t² = β_t, no clipping."""
    from diffusers import DDPMScheduler

    kwargs = {"trained_betas": betas.double().cpu().tolist()} if betas is not None else {}
    return DDPMScheduler(num_train_timesteps=T, beta_start=beta_start, beta_end=beta_end, beta_schedule="linear",
                         variance_type="fixed_large", clip_sample=False, prediction_type="epsilon", **kwargs)


def sample_loop(x_T: torch.Tensor, eps_model, betas: torch.Tensor, seed: int) -> torch.Tensor:
    """DDPM sampling by the scheduler's own step (x̂₀, then the posterior mean, then noise drawn
    from a generator seeded with ``seed``)."""
    sched = scheduler(len(betas), betas=betas)
    generator = torch.Generator().manual_seed(seed)
    x = x_T
    for step in sched.timesteps:  # T − 1, …, 0
        t = torch.full((x.shape[0],), int(step) + 1, dtype=torch.long, device=x.device)
        x = sched.step(eps_model(x, t), int(step), x, generator=generator).prev_sample
    return x


def scheduler_noise(shape: tuple[int, ...], T: int, seed: int, dtype: torch.dtype) -> torch.Tensor:
    """The z's the scheduler draws from ``seed`` at steps t = T, …, 2, stacked as noise[t − 1]
    (noise[0], the last step's, stays 0: no noise is drawn there)."""
    generator = torch.Generator().manual_seed(seed)
    noise = torch.zeros(T, *shape, dtype=dtype)
    for t in range(T, 1, -1):
        noise[t - 1] = torch.randn(shape, generator=generator, dtype=dtype)
    return noise


def fold(error: float, gap: float, detail: str) -> tuple[float, str]:
    """The closed-form error stays the reported one while diffusers agrees within its float32
    tolerance; a larger gap is reported instead, so that the check fails."""
    detail = f"{detail}; diffusers' DDPMScheduler agrees within {gap:.1e} (float32)"
    return (error if gap <= TOLERANCE else max(error, gap)), detail
