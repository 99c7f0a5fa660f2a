"""cnn reference implementations: their own oracle checks, then direct comparisons on more shapes."""

import os

import pytest
import torch
import torch.nn.functional as F

from mpcheck.host.entrypoints import load_object
from mpcheck.reference import check_reference
from mpcheck_cnn.references import REFERENCES, conv, pooling, transposed

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


def randn(*shape, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(DEVICE)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = check_reference(reference, DEVICE, seed=0)
    assert result.passed, f"{reference.name}: {result.report.first_failure}"
    assert result.device == DEVICE
    assert result.ms > 0 and result.builtin_ms > 0


def test_references_name_importable_sources():
    for reference in REFERENCES:
        assert reference.topic == "cnn" and reference.exercise is not None
        assert load_object(reference.source).__name__ == reference.source


CONV_SHAPES = [  # N, C_in, H, W, C_out, k, stride, padding, dilation
    (1, 1, 5, 5, 1, 3, 1, 0, 1), (2, 3, 8, 6, 4, 2, 2, 1, 1), (1, 2, 12, 9, 3, 3, 1, 2, 3),
    (3, 1, 7, 10, 2, 4, 3, 0, 2), (1, 5, 6, 6, 1, 1, 2, 0, 1), (2, 2, 9, 9, 2, 5, 1, 2, 1),
]


@pytest.mark.parametrize("case", CONV_SHAPES)
def test_conv2d_unfold_matches_f_conv2d(case):
    n, c_in, h, w, c_out, k, s, p, d = case
    x, weight, bias = randn(n, c_in, h, w, seed=1), randn(c_out, c_in, k, k, seed=2), randn(c_out, seed=3)
    assert torch.allclose(conv.conv2d(x, weight, bias, s, p, d), F.conv2d(x, weight, bias, s, p, d))
    assert torch.allclose(conv.conv2d(x, weight, None, s, p, d), F.conv2d(x, weight, None, s, p, d))


@pytest.mark.parametrize("case", CONV_SHAPES)
def test_conv2d_backward_matches_autograd(case):
    n, c_in, h, w, c_out, k, s, p, d = case
    x, weight, bias = randn(n, c_in, h, w, seed=4), randn(c_out, c_in, k, k, seed=5), randn(c_out, seed=6)
    grad_out = randn(*F.conv2d(x, weight, bias, s, p, d).shape, seed=7)
    mine = conv.conv2d_backward(x, weight, grad_out, s, p, d)
    oracle = conv.autograd_grads(x, weight, bias, grad_out, s, p, d)
    for got, expected in zip(mine, oracle, strict=True):
        assert torch.allclose(got, expected)


@pytest.mark.parametrize("padding", [0, 1, 2])
def test_input_gradient_is_full_convolution_with_rotated_kernel(padding):
    x, weight = randn(2, 3, 7, 8, seed=8), randn(4, 3, 3, 3, seed=9)
    grad_out = randn(*F.conv2d(x, weight, padding=padding).shape, seed=10)
    expected, _, _ = conv.autograd_grads(x, weight, torch.zeros(4, dtype=x.dtype, device=DEVICE), grad_out,
                                         1, padding, 1)
    assert torch.allclose(conv.input_grad_full_conv(weight, grad_out, padding), expected)


POOL_SHAPES = [(1, 1, 4, 4, 2, 2), (2, 3, 7, 9, 3, 2), (1, 2, 6, 5, 2, 1), (2, 1, 8, 8, 3, 3), (1, 1, 5, 7, 1, 1)]


@pytest.mark.parametrize("case", POOL_SHAPES)
def test_max_pool_forward_backward_match_torch(case):
    n, c, h, w, size, stride = case
    x = randn(n, c, h, w, seed=11).requires_grad_()
    pooled, indices = pooling.max_pool2d(x.detach(), size, stride)
    ref, ref_indices = F.max_pool2d(x, size, stride, return_indices=True)
    assert torch.equal(pooled, ref.detach()) and torch.equal(indices, ref_indices)
    grad_out = randn(*ref.shape, seed=12)
    ref.backward(grad_out)
    assert torch.allclose(pooling.route_to_argmax(grad_out, indices, x.shape), x.grad)


def test_max_pool_backward_adds_at_a_shared_argmax():
    # the centre 9 is the max of all four overlapping 2×2 windows: it collects all four gradients
    x = torch.tensor([[[[1.0, 2, 3], [4, 9, 5], [6, 7, 8]]]], dtype=torch.float64, device=DEVICE)
    grad = pooling.max_pool2d_backward(x, torch.ones(1, 1, 2, 2, dtype=x.dtype, device=DEVICE), 2, 1)
    assert grad[0, 0, 1, 1].item() == 4 and grad.sum().item() == 4


@pytest.mark.parametrize("case", [c for c in POOL_SHAPES if c[4] == c[5]])
def test_max_unpool_matches_torch(case):
    n, c, h, w, size, _ = case
    _, indices = F.max_pool2d(randn(n, c, h, w, seed=13), size, size, return_indices=True)
    y = randn(*indices.shape, seed=14)
    expected = F.max_unpool2d(y, indices, size, size, output_size=(h, w))
    assert torch.equal(pooling.max_unpool2d(y, indices, (h, w)), expected)


TRANSPOSED_SHAPES = [  # N, C_in, H, W, C_out, k, stride, padding, output_padding, dilation
    (1, 1, 2, 2, 1, 2, 1, 0, 0, 1), (2, 3, 4, 3, 2, 3, 2, 1, 1, 1), (1, 2, 3, 5, 4, 4, 3, 0, 2, 1),
    (2, 1, 5, 5, 3, 3, 1, 2, 1, 2), (1, 2, 4, 4, 2, 1, 2, 0, 0, 1),
]


@pytest.mark.parametrize("case", TRANSPOSED_SHAPES)
def test_conv_transpose2d_matches_torch(case):
    n, c_in, h, w, c_out, k, s, p, op, d = case
    x, weight, bias = randn(n, c_in, h, w, seed=15), randn(c_in, c_out, k, k, seed=16), randn(c_out, seed=17)
    expected = F.conv_transpose2d(x, weight, bias, s, p, op, 1, d)
    assert torch.allclose(transposed.conv_transpose2d(x, weight, bias, s, p, op, d), expected)


def test_conv_transpose_is_the_input_gradient_of_conv():
    # the adjoint view: ConvTranspose2d(δ) with the conv's weights is ∂L/∂X of that conv
    x, weight = randn(1, 2, 7, 7, seed=18), randn(3, 2, 3, 3, seed=19)
    grad_out = randn(*F.conv2d(x, weight, stride=2, padding=1).shape, seed=20)
    grad_x, _, _ = conv.conv2d_backward(x, weight, grad_out, stride=2, padding=1)
    assert torch.allclose(transposed.conv_transpose2d(grad_out, weight, stride=2, padding=1), grad_x)
