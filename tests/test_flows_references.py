"""flows reference implementations: their own oracle checks, their exercises, and direct comparisons."""

import os

import pytest
import torch
import torch.nn.functional as F

from mpcheck.host.entrypoints import load_object
from mpcheck.testing import assert_exercise_sound
from mpcheck_flows.references import REFERENCES, actnorm, conv1x1, coupling

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


def randn(*shape, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(DEVICE)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}"
    assert result.device == DEVICE and result.ms > 0


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.exercise is not None and reference.topic == "flows"
    assert_exercise_sound(reference.exercise, seeds=range(3), device=DEVICE)


def test_coupling_log_det_is_slogdet_of_the_jacobian():
    x, weight_s, weight_t = randn(3, 6, seed=1), 0.5 * randn(3, 3, seed=2), randn(3, 3, seed=3)
    for reverse in (False, True):
        _, log_det = coupling.affine_coupling(x, weight_s, weight_t, reverse)
        for n in range(3):
            def layer(v):
                return coupling.affine_coupling(v[None], weight_s, weight_t, reverse)[0][0]
            full = torch.autograd.functional.jacobian(layer, x[n])
            assert log_det[n].item() == pytest.approx(torch.linalg.slogdet(full).logabsdet.item(), abs=1e-12)


def test_coupling_round_trip():
    x, weight_s, weight_t = randn(8, 10, seed=4), randn(5, 5, seed=5), randn(5, 5, seed=6)
    y, log_det = coupling.affine_coupling(x, weight_s, weight_t)
    back, back_log_det = coupling.affine_coupling(y, weight_s, weight_t, reverse=True)
    assert torch.allclose(back, x, atol=1e-10) and torch.allclose(log_det, -back_log_det)


def test_actnorm_init_normalises_each_channel():
    x = 5 * randn(4, 3, 6, 6, seed=7) - 2
    scale, bias = actnorm.actnorm_init(x)
    y, _ = actnorm.actnorm(x, scale, bias)
    assert torch.allclose(y.mean((0, 2, 3)), torch.zeros(3, dtype=y.dtype, device=DEVICE), atol=1e-12)
    assert torch.allclose(y.var((0, 2, 3), unbiased=False), torch.ones(3, dtype=y.dtype, device=DEVICE))


def test_actnorm_matches_the_oracle_with_negative_scales():
    x, bias = randn(2, 3, 2, 2, seed=8), randn(3, seed=9)
    scale = torch.tensor([-2.0, 0.5, 3.0], dtype=torch.float64, device=DEVICE)
    for reverse in (False, True):
        for mine, oracle in zip(actnorm.actnorm(x, scale, bias, reverse), actnorm.actnorm_oracle(x, scale, bias, reverse)):
            assert torch.allclose(mine, oracle, atol=1e-12)


def test_lu_weight_is_the_product_of_its_factors():
    c = 5
    permutation = torch.eye(c, dtype=torch.float64, device=DEVICE)[torch.tensor([2, 0, 4, 1, 3])]
    lower, upper, s = randn(c, c, seed=10), randn(c, c, seed=11), randn(c, seed=12)
    unit_lower, upper_s = conv1x1.lu_factors(lower, upper, s)
    assert torch.equal(torch.diagonal(unit_lower), torch.ones(c, dtype=torch.float64, device=DEVICE))
    assert torch.equal(torch.diagonal(upper_s), s)
    weight = permutation @ unit_lower @ upper_s
    assert torch.linalg.slogdet(weight).logabsdet.item() == pytest.approx(torch.log(s.abs()).sum().item(), abs=1e-12)
    x = randn(2, c, 3, 4, seed=13)
    y, _ = conv1x1.invertible_conv1x1(x, permutation, lower, upper, s)
    assert torch.allclose(y, F.conv2d(x, weight[:, :, None, None]), atol=1e-12)
