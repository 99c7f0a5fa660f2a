"""autoregressive reference implementations: their oracle checks, their exercises, and direct
comparisons that show each oracle bites."""

import os

import pytest
import torch
import torch.nn.functional as F

from mpcheck.host.entrypoints import load_object
from mpcheck.exercises.checker import check_implementation
from mpcheck.testing import assert_exercise_sound
from mpcheck_autoregressive import masks
from mpcheck_autoregressive.references import REFERENCES, attention, made, pixelcnn, wavenet

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


def randn(*shape, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(DEVICE)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}: {result.detail}"
    assert result.device == DEVICE and result.ms > 0
    assert result.builtin_ms is None or result.builtin_ms > 0


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.exercise is not None, f"{reference.name} is not an exercise"
    assert_exercise_sound(reference.exercise, seeds=range(3), device=DEVICE)


def test_references_name_importable_sources():
    assert {r.name for r in REFERENCES} == {"made", "masked-conv2d", "wavenet", "causal-attention",
                                            "multi-head-attention"}
    for reference in REFERENCES:
        assert reference.topic == "autoregressive"
        assert load_object(reference.source).__name__ == reference.source


def test_forbidden_builtins_are_refused():
    def cheat(q, k, v, causal=False):
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)

    (exercise,) = [r.exercise for r in REFERENCES if r.name == "causal-attention"]
    report = check_implementation(exercise, cheat, DEVICE, seed=0)
    assert not report.passed and "not allowed" in report.first_failure.error


# --- the oracles bite -----------------------------------------------------------------------------

def test_made_jacobian_check_catches_the_diagonal():
    order = torch.tensor([2, 3, 1], device=DEVICE)
    hidden = [torch.tensor([1, 2, 2, 1], device=DEVICE)]
    weights = [randn(4, 3, seed=1), randn(3, 4, seed=2)]
    biases = [randn(4, seed=3), randn(3, seed=4)]
    x = randn(3, seed=5)
    leaked, missing = made.triangularity_error(made.jacobian(x, weights, biases, order, hidden), order)
    assert leaked == 0 and missing == 0
    # the same network with ≥ in the output mask: x̂_d now depends on x_d
    j = torch.autograd.functional.jacobian(
        lambda v: made.made_mask_includes_diagonal(v[None], weights, biases, order, hidden)[0], x)
    assert made.triangularity_error(j, order)[0] > 0


def test_made_masks_equal_the_generator_masks():
    order, hidden = [3, 1, 4, 2], [1, 3, 2, 2, 1]
    torch_masks = made.made_masks(torch.tensor(order), [torch.tensor(hidden)])
    assert torch_masks[0].int().tolist() == masks.made_mask(order, hidden, "input")
    assert torch_masks[1].int().tolist() == masks.made_mask(order, hidden, "output")


def test_pixelcnn_stack_has_the_blind_spot():
    # three 3×3 layers (A, B, B): the pixel up and to the right of the output is never read
    offsets = pixelcnn.stack_offsets(3, 3)
    assert (-1, 1) in offsets and (-1, 3) not in offsets and (0, 0) not in offsets
    assert all(di < 0 or (di == 0 and dj < 0) for di, dj in offsets)


def test_masked_conv_never_reads_the_future():
    # RGB, mask B: 3 input channels (R, G, B), 6 output channels (R, R, G, G, B, B)
    x, weight = randn(1, 3, 7, 7, seed=6), randn(6, 3, 3, 3, seed=7)
    for o in range(6):
        for i, j in [(0, 0), (3, 3), (6, 6)]:
            for c, r, q in pixelcnn.dependencies(lambda v: pixelcnn.masked_conv2d(v, weight, None, "B", 3), x, o, i, j):
                assert (r, q) < (i, j) or ((r, q) == (i, j) and c <= o // 2)


def test_causal_conv_matches_conv1d_cropped():
    x, w, b = randn(2, 3, 15, seed=8), randn(4, 3, 3, seed=9), randn(4, seed=10)
    expected = F.conv1d(x, w, b, padding=2 * 3, dilation=3)[..., :15]
    assert torch.allclose(wavenet.causal_conv1d(x, w, b, 3), expected)


def test_attention_matches_the_oracle_with_heads_and_cross_lengths():
    q, k, v = randn(2, 3, 4, 5, seed=11), randn(2, 3, 6, 5, seed=12), randn(2, 3, 6, 2, seed=13)
    for causal in (False, True):
        expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        assert torch.allclose(attention.attention(q, k, v, causal), expected)


def test_multi_head_matches_torch_layer():
    x = randn(2, 5, 12, seed=14)
    weights = (randn(36, 12, seed=15), randn(36, seed=16), randn(12, 12, seed=17), randn(12, seed=18))
    for heads in (1, 2, 3, 4):
        for causal in (False, True):
            expected = attention.multi_head_oracle(x, *weights, heads, causal)
            assert torch.allclose(attention.multi_head_attention(x, *weights, heads, causal), expected)
