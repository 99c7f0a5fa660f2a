"""diffusion reference implementations: their checks on MPCHECK_DEVICE, every exercise sound, and
direct comparisons with diffusers' DDPMScheduler (the test-only independent implementation)."""

import os

import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.testing import assert_exercise_sound
from mpcheck_diffusion.references import REFERENCES, forward, independent, sampling, schedule
from mpcheck_diffusion.references.toy import toy_denoiser

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}"
    assert result.device == DEVICE and result.ms > 0
    assert "diffusers" in result.detail   # the independent implementation took part


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.topic == "diffusion" and reference.exercise is not None
    assert load_object(reference.source).__name__ == reference.source
    assert_exercise_sound(reference.exercise, seeds=range(3), device=DEVICE)


def test_diffusers_is_installed_for_the_tests():
    assert independent.available()


@pytest.mark.parametrize("T, start, end", [(1000, 1e-4, 0.02), (10, 0.1, 0.3), (2, 0.05, 0.5)])
def test_schedule_matches_ddpm_scheduler(T, start, end):
    betas, alphas, bars = schedule.linear_schedule(start, end, T)
    sched = independent.scheduler(T, start, end)
    assert torch.allclose(betas, sched.betas.double(), rtol=1e-6, atol=1e-9)
    assert torch.allclose(alphas, sched.alphas.double(), rtol=1e-6, atol=1e-9)
    assert torch.allclose(bars, sched.alphas_cumprod.double(), rtol=1e-4, atol=1e-7)


def test_q_sample_matches_add_noise_at_every_timestep():
    T = 50
    _, _, bars = schedule.linear_schedule(1e-4, 0.02, T, device=DEVICE)
    gen = torch.Generator().manual_seed(3)
    x0 = torch.randn(T, 6, generator=gen, dtype=torch.float64).to(DEVICE)
    noise = torch.randn(T, 6, generator=gen, dtype=torch.float64).to(DEVICE)
    t = torch.arange(1, T + 1, device=DEVICE)
    expected = independent.scheduler(T).add_noise(x0, noise, (t - 1).cpu())
    assert torch.allclose(forward.q_sample(x0, t, noise, bars), expected.to(DEVICE), atol=1e-6)


def test_sampling_loop_matches_the_scheduler_loop():
    gen = torch.Generator().manual_seed(4)
    T, n, d, seed = 20, 3, 5, 9
    betas = torch.linspace(0.01, 0.2, T, dtype=torch.float64).to(DEVICE)
    x_T = torch.randn(n, d, generator=gen, dtype=torch.float64).to(DEVICE)
    model = toy_denoiser(d, T, gen, DEVICE, torch.float64)
    noise = independent.scheduler_noise((n, d), T, seed, torch.float64).to(DEVICE)
    ours = sampling.p_sample_loop(x_T, model, betas, noise)
    assert torch.allclose(ours, independent.sample_loop(x_T, model, betas, seed), atol=1e-5)
    assert torch.allclose(ours, sampling.p_sample_loop_oracle(x_T, model, betas, noise), atol=1e-10)


def test_last_step_uses_no_noise():
    gen = torch.Generator().manual_seed(5)
    betas = torch.tensor([0.1, 0.2], dtype=torch.float64, device=DEVICE)
    x_T = torch.randn(2, 3, generator=gen, dtype=torch.float64).to(DEVICE)
    model = toy_denoiser(3, 2, gen, DEVICE, torch.float64)
    noise = torch.randn(2, 2, 3, generator=gen, dtype=torch.float64).to(DEVICE)
    changed = noise.clone()
    changed[0] += 100.0   # z_1 must never be read
    assert torch.equal(sampling.p_sample_loop(x_T, model, betas, noise), sampling.p_sample_loop(x_T, model, betas, changed))


def test_loss_is_zero_for_a_perfect_denoiser():
    gen = torch.Generator().manual_seed(6)
    _, _, bars = schedule.linear_schedule(0.05, 0.3, 8, device=DEVICE)
    x0 = torch.randn(4, 3, generator=gen, dtype=torch.float64).to(DEVICE)
    noise = torch.randn(4, 3, generator=gen, dtype=torch.float64).to(DEVICE)
    t = torch.tensor([1, 3, 5, 8], device=DEVICE)

    def oracle_model(xt, steps):   # knows x_0, so it can solve x_t for the noise exactly
        a = bars[steps - 1][:, None]
        return (xt - a.sqrt() * x0) / (1 - a).sqrt()

    assert float(forward.diffusion_loss(x0, t, noise, bars, oracle_model)) < 1e-25
