"""Explicit params (``--params``) that make no sense are rejected with a ParamsError naming why."""

import pytest

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_cnn import backward, forward, layers, pooling, sizes, transposed

CONV = {"in_channels": 3, "height": 8, "width": 8, "out_channels": 4, "kernel": 3, "padding": 1, "stride": 1,
        "dilation": 1}
FORWARD = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, -1]], "padding": 0, "stride": 1,
           "mode": "correlation"}
POOL = {"input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], "size": 2, "stride": 2,
        "upstream": [[1, 2], [3, 4]]}
DK = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel_size": 2, "padding": 0, "stride": 1,
      "upstream": [[1, 0], [0, 1]]}
DX = {"input_size": [3, 3], "kernel": [[1, 2], [3, 4]], "padding": 0, "stride": 1, "upstream": [[1, 0], [0, 1]]}


def changed(base, **changes):
    return {**base, **changes}


def without(base, key):
    return {k: v for k, v in base.items() if k != key}


def test_valid_examples_are_accepted():
    for generator, params in [(sizes.CONV_OUTPUT_SIZE, CONV), (forward.CONV2D_FORWARD, FORWARD),
                              (pooling.MAXPOOL_BACKWARD, POOL), (backward.CONV_BACKWARD_KERNEL, DK),
                              (backward.CONV_BACKWARD_INPUT, DX)]:
        assert Problem.from_params(generator, params).answer


def test_conv_output_size_rejects():
    assert_params_rejected(sizes.CONV_OUTPUT_SIZE, [
        without(CONV, "dilation"), changed(CONV, extra=1), changed(CONV, kernel=0), changed(CONV, stride=-1),
        changed(CONV, padding=-1), changed(CONV, kernel=2.5), changed(CONV, height="8"),
        changed(CONV, kernel=True), changed(CONV, kernel=11, padding=0), changed(CONV, dilation=5, kernel=3),
    ])


def test_param_count_rejects():
    base = {"in_channels": 3, "out_channels": 8, "kernel": 3, "bias": True}
    assert_params_rejected(layers.PARAM_COUNT, [
        changed(base, bias=1), changed(base, bias="yes"), changed(base, in_channels=0),
        changed(base, kernel=-3), without(base, "bias"), changed(base, out_channels=10**9),
    ])


def test_conv2d_forward_rejects():
    assert_params_rejected(forward.CONV2D_FORWARD, [
        changed(FORWARD, mode="conv"), changed(FORWARD, input=[[1, 2], [3]]), changed(FORWARD, input=[]),
        changed(FORWARD, kernel=[[1, "a"]]), changed(FORWARD, kernel=[[1] * 4] * 4),
        changed(FORWARD, stride=0), changed(FORWARD, padding=-1), changed(FORWARD, input=[[1.0, float("nan")]]),
        changed(FORWARD, input=[[1] * 100] * 100), changed(FORWARD, input=[[1e300]]), without(FORWARD, "mode"),
    ])


def test_maxpool_backward_rejects():
    assert_params_rejected(pooling.MAXPOOL_BACKWARD, [
        changed(POOL, upstream=[[1, 2, 3], [4, 5, 6]]), changed(POOL, size=5), changed(POOL, size=0),
        changed(POOL, stride=0), changed(POOL, upstream=[[1, 2]]), changed(POOL, input=[[1, 2], [3, None]]),
        without(POOL, "upstream"), changed(POOL, stride=1.5),
    ])


def test_backward_generators_reject_mismatched_upstream():
    assert_params_rejected(backward.CONV_BACKWARD_KERNEL, [
        changed(DK, upstream=[[1, 2, 3]]), changed(DK, kernel_size=4), changed(DK, kernel_size=0),
        changed(DK, stride=2),  # the output would be 1×1, not the 2×2 upstream given
    ])
    assert_params_rejected(backward.CONV_BACKWARD_INPUT, [
        changed(DX, input_size=[3]), changed(DX, input_size=[3, 0]), changed(DX, input_size=[2.5, 3]),
        changed(DX, input_size=[4, 4]), changed(DX, kernel=[[1, 2, 3, 4]]), changed(DX, padding=9),
    ])


def test_shape_generators_reject():
    assert_params_rejected(sizes.POOL_OUTPUT_SIZE, [
        {"channels": 3, "height": 8, "width": 8, "kernel": 2, "stride": 2, "padding": 2},  # > kernel/2
        {"channels": 3, "height": 1, "width": 8, "kernel": 3, "stride": 1, "padding": 0},
    ])
    assert_params_rejected(layers.CHAIN_OUTPUT_SIZE, [
        {"channels": 3, "height": 8, "width": 8, "layers": []},
        {"channels": 3, "height": 8, "width": 8, "layers": [{"type": "fc"}]},
        {"channels": 3, "height": 8, "width": 8, "layers": ["conv"]},
        {"channels": 3, "height": 4, "width": 4,
         "layers": [{"type": "conv", "out_channels": 8, "kernel": 3, "stride": 1, "padding": 0}] * 3},
        {"channels": 3, "height": 8, "width": 8,
         "layers": [{"type": "pool", "kernel": 2, "stride": 2, "padding": 0, "dilation": 2}]},
    ])
    assert_params_rejected(layers.RECEPTIVE_FIELD, [
        {"layers": []}, {"layers": [{"kernel": 0, "stride": 1}]}, {"layers": [{"kernel": 3}]},
        {"layers": [{"kernel": 3, "stride": 1, "type": "dense"}]}, {"layers": "3x3"},
    ])
    base = {"in_channels": 8, "height": 4, "width": 4, "out_channels": 3, "kernel": 3, "stride": 2,
            "padding": 1, "dilation": 1, "output_padding": 0}
    assert_params_rejected(transposed.TRANSPOSED_CONV_SIZE, [
        changed(base, output_padding=2),  # PyTorch needs output_padding < max(stride, dilation)
        changed(base, height=1, kernel=1, padding=1), without(base, "output_padding"),
    ])


def test_value_generators_reject():
    assert_params_rejected(forward.CONV_AS_MATRIX, [
        {"kernel": [1, 2, 3, 4, 5], "length": 2, "padding": 0, "stride": 1, "mode": "convolution"},
        {"kernel": [], "length": 4, "padding": 0, "stride": 1, "mode": "convolution"},
        {"kernel": [1, 2], "length": 0, "padding": 0, "stride": 1, "mode": "convolution"},
    ])
    assert_params_rejected(transposed.TRANSPOSED_CONV, [
        {"input": [[1]], "kernel": [[1]], "stride": 1, "padding": 1},  # the crop removes everything
        {"input": [[1]], "kernel": [[1]], "stride": 0, "padding": 0},
    ])
    assert_params_rejected(pooling.UNPOOLING, [
        {"kind": "max-unpool", "input": [[1, 2]], "factor": 2},
        {"kind": "max-unpool", "input": [[1, 2]], "factor": 2, "pooled_from": [[1, 2], [3, 4]]},
        {"kind": "nails", "input": [[1, 2]], "factor": 2},
        {"kind": "nearest", "input": [[1, 2]], "factor": 0},
    ])


def test_from_params_raises_params_error():
    with pytest.raises(ParamsError, match="upstream"):
        Problem.from_params(pooling.MAXPOOL_BACKWARD, changed(POOL, upstream=[[1]]))
