"""gan reference implementations: their oracle checks on MPCHECK_DEVICE, and every exercise sound
(the reference passes, each known code mistake fails and is named)."""

import os

import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.testing import assert_exercise_sound
from mpcheck_gan.references import REFERENCES, adain, fid, losses, penalty

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}"
    assert result.device == DEVICE and result.ms > 0 and result.builtin_ms > 0


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.topic == "gan" and reference.exercise is not None
    assert load_object(reference.source).__name__ == reference.source
    assert_exercise_sound(reference.exercise, seeds=range(3), device=DEVICE)


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(DEVICE)


def test_losses_stay_exact_where_probabilities_saturate():
    # BCE on σ(a) clamps log 0 at −100; the log-sigmoid form keeps the exact value
    d_loss, g_sat, g_ns = losses.gan_losses(torch.tensor([50.0], device=DEVICE, dtype=torch.float64),
                                            torch.tensor([-50.0], device=DEVICE, dtype=torch.float64))
    assert float(g_ns) == pytest.approx(50.0) and float(d_loss) < 1e-20 and float(g_sat) > -1e-20


def test_fid_of_a_set_with_itself_is_zero_and_shift_adds_its_square():
    x = randn(300, 8, seed=1)
    assert abs(float(fid.fid(x, x))) < 1e-9
    assert float(fid.fid(x, x + 2.0)) == pytest.approx(8 * 4.0, abs=1e-9)


def test_adain_output_has_the_style_statistics():
    content, gamma, beta = randn(2, 3, 5, 5, seed=2), randn(2, 3, seed=3).abs() + 0.5, randn(2, 3, seed=4)
    out = adain.adain(content, gamma, beta, eps=0.0)
    assert torch.allclose(out.mean(dim=(2, 3)), beta)
    assert torch.allclose(out.var(dim=(2, 3), unbiased=False).sqrt(), gamma)


def test_penalty_is_zero_for_a_unit_slope_linear_critic():
    # D(x) = wᵀx with ‖w‖ = 1 written as one tanh unit in its linear range is not exact; use the
    # closed form instead: a critic with W1 = 0 has zero gradient, so the penalty is λ·(0 − 1)² = λ
    real, fake = randn(4, 3, seed=5), randn(4, 3, seed=6)
    eps = torch.full((4,), 0.5, dtype=torch.float64, device=DEVICE)
    zeros = torch.zeros(2, 3, dtype=torch.float64, device=DEVICE)
    value = penalty.gradient_penalty(real, fake, eps, zeros, torch.zeros(2, dtype=torch.float64, device=DEVICE),
                                     torch.ones(2, dtype=torch.float64, device=DEVICE),
                                     torch.zeros((), dtype=torch.float64, device=DEVICE), weight=10.0)
    assert float(value) == pytest.approx(10.0)
