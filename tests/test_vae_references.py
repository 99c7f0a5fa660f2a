"""vae reference implementations: their own oracle checks, their exercises, and direct comparisons."""

import os

import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.exercises.checker import check_implementation
from mpcheck.testing import assert_exercise_sound
from mpcheck_vae.references import REFERENCES, loss, reparam

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}"
    assert result.device == DEVICE and result.ms > 0


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.exercise is not None and reference.topic == "vae"
    assert_exercise_sound(reference.exercise, seeds=range(3), device=DEVICE)


def test_loss_matches_torch_distributions_on_a_batch():
    gen = torch.Generator().manual_seed(3)
    args = loss._inputs(gen, 16, 30, 5, torch.float64, DEVICE)
    for mine, oracle in zip(loss.vae_loss(*args, beta=3.0), loss.vae_loss_oracle(*args, beta=3.0)):
        assert torch.allclose(mine, oracle, rtol=1e-12, atol=1e-12)


def test_loss_is_finite_for_saturated_logits():
    x = torch.tensor([[1.0, 0.0]], dtype=torch.float64, device=DEVICE)
    logits = torch.tensor([[-800.0, 800.0]], dtype=torch.float64, device=DEVICE)  # both pixels badly wrong
    zero = torch.zeros(1, 1, dtype=torch.float64, device=DEVICE)
    reconstruction, kl, total = loss.vae_loss(x, logits, zero, zero)
    assert reconstruction.item() == pytest.approx(1600.0) and kl.item() == 0 and torch.isfinite(total).all()


def test_the_kl_of_the_reference_is_zero_at_the_prior():
    zero = torch.zeros(2, 3, dtype=torch.float64, device=DEVICE)
    assert torch.equal(loss.gaussian_kl(zero, zero), torch.zeros(2, dtype=torch.float64, device=DEVICE))


def test_reparameterized_estimate_converges_to_the_closed_form():
    gen = torch.Generator().manual_seed(5)
    mu = torch.tensor([0.5, -1.0], dtype=torch.float64)
    sigma = torch.tensor([0.3, 1.2], dtype=torch.float64)
    eps = torch.randn(400_000, 2, generator=gen, dtype=torch.float64)
    for estimate, exact in zip(reparam.reparameterized_gradient(mu, sigma, eps), reparam.closed_form_gradient(mu, sigma)):
        assert torch.allclose(estimate, exact, atol=5e-3)


def test_score_function_is_unbiased_but_noisier():
    gen = torch.Generator().manual_seed(6)
    mu = torch.tensor([0.3, -1.2], dtype=torch.float64)
    sigma = torch.tensor([0.5, 0.8], dtype=torch.float64)
    eps = torch.randn(200_000, 2, generator=gen, dtype=torch.float64)
    for reparam_samples, score_samples, exact in zip(reparam.reparameterized_samples(mu, sigma, eps),
                                                     reparam.score_function_samples(mu, sigma, eps),
                                                     reparam.closed_form_gradient(mu, sigma)):
        mean, error = reparam.mean_and_error(score_samples)
        assert ((mean - exact).abs() <= 4 * error).all()
        assert (error > reparam.mean_and_error(reparam_samples)[1]).all()


def test_a_bug_is_named_by_the_checker():
    exercise = REFERENCES[1].exercise
    report = check_implementation(exercise, reparam.gradient_without_noise_factor, DEVICE, seed=1, forbid=False)
    assert not report.passed and report.mistake.name == "forgot-noise-factor"
