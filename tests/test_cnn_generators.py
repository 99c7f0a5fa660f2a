"""Every cnn generator end to end: params, texts, accepted forms, rejected perturbations and
mistakes recognised by name, over 500 seeds each; plus a few worked examples by hand."""

import json
import os

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_cnn import backward, forward, layers, pooling, sizes, transposed

#: seeds per generator (the kit's contract: at least 500); MPCHECK_KIT_SEEDS lowers it while iterating
SEEDS = int(os.environ.get("MPCHECK_KIT_SEEDS", "500"))

GENERATORS = [g for module in (sizes, layers, forward, backward, pooling, transposed) for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(SEEDS))


def test_every_syllabus_generator_exists():
    ids = {g.id for g in GENERATORS}
    assert {"cnn.conv-output-size", "cnn.pool-output-size", "cnn.chain-output-size", "cnn.param-count",
            "cnn.conv2d-forward", "cnn.conv-backward-kernel", "cnn.conv-backward-input",
            "cnn.maxpool-backward", "cnn.conv-as-matrix", "cnn.transposed-conv",
            "cnn.transposed-conv-size", "cnn.unpooling", "cnn.receptive-field"} <= ids


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 7), Problem.from_seed(generator, 7)
    assert first.params == again.params and first.prompt() == again.prompt()


# --- textbook examples worked by hand -------------------------------------------------------

def check(generator, params, text):
    return Problem.from_params(generator, json.loads(json.dumps(params))).check(text)


def test_conv_output_size_classic_example():
    # 3×32×32 through 10 5×5 kernels, stride 1, no padding: 10×28×28
    p = {"in_channels": 3, "height": 32, "width": 32, "out_channels": 10, "kernel": 5, "padding": 0,
         "stride": 1, "dilation": 1}
    assert Problem.from_params(sizes.CONV_OUTPUT_SIZE, p).answer == [10, 28, 28]
    assert check(sizes.CONV_OUTPUT_SIZE, p, "10x27x27").mistake == "forgot-plus-one"


def test_param_count_by_hand():
    p = {"in_channels": 3, "out_channels": 64, "kernel": 3, "bias": True}
    assert Problem.from_params(layers.PARAM_COUNT, p).answer == 64 * (3 * 9 + 1) == 1792
    assert check(layers.PARAM_COUNT, p, "1728").mistake == "forgot-bias"


def test_convolution_flips_the_kernel():
    # a kernel that only reads its top-left tap: correlation copies X, convolution reads the far corner
    p = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, 0]], "padding": 0, "stride": 1,
         "mode": "convolution"}
    assert Problem.from_params(forward.CONV2D_FORWARD, p).answer == [[5, 6], [8, 9]]
    verdict = check(forward.CONV2D_FORWARD, p, "[[1, 2], [4, 5]]")
    assert not verdict.correct and verdict.mistake == "kernel-not-flipped"


def test_toeplitz_of_the_course_example():
    # convolution with k = [k1, k2, k3], padding 1: rows [k2 k1 0 …], [k3 k2 k1 0], …
    p = {"kernel": [1, 2, 3], "length": 4, "padding": 1, "stride": 1, "mode": "convolution"}
    assert Problem.from_params(forward.CONV_AS_MATRIX, p).answer == [
        [2, 1, 0, 0], [3, 2, 1, 0], [0, 3, 2, 1], [0, 0, 3, 2]]


def test_maxpool_gradient_goes_to_argmax_and_adds_on_overlap():
    p = {"input": [[1, 2, 3], [4, 9, 5], [6, 7, 8]], "size": 2, "stride": 1, "upstream": [[1, 2], [3, 4]]}
    assert Problem.from_params(pooling.MAXPOOL_BACKWARD, p).answer == [[0, 0, 0], [0, 10, 0], [0, 0, 0]]
    assert check(pooling.MAXPOOL_BACKWARD, p, "[[0,0,0],[0,4,0],[0,0,0]]").mistake == "overlaps-not-summed"
    spread = check(pooling.MAXPOOL_BACKWARD, p, "[[1,3,2],[4,10,6],[3,7,4]]")
    assert spread.mistake == "gradient-spread-over-window"


def test_receptive_field_of_two_3x3_convs_is_5():
    p = {"layers": [{"kernel": 3, "stride": 1}, {"kernel": 3, "stride": 1}]}
    assert Problem.from_params(layers.RECEPTIVE_FIELD, p).answer == 5
    assert check(layers.RECEPTIVE_FIELD, p, "4").mistake == "forgot-plus-one"


def test_transposed_conv_size_dcgan_upsampling():
    # the DCGAN block: k = 4, s = 2, p = 1 doubles the size
    p = {"in_channels": 128, "height": 16, "width": 16, "out_channels": 64, "kernel": 4, "stride": 2,
         "padding": 1, "dilation": 1, "output_padding": 0}
    assert Problem.from_params(transposed.TRANSPOSED_CONV_SIZE, p).answer == [64, 32, 32]
    assert check(transposed.TRANSPOSED_CONV_SIZE, p, "64x8x8").mistake == "conv-formula-used"


def test_bed_of_nails_and_nearest():
    y = [[1, 2], [3, 4]]
    nails = Problem.from_params(pooling.UNPOOLING, {"kind": "bed-of-nails", "input": y, "factor": 2}).answer
    assert nails == [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]
    nearest = Problem.from_params(pooling.UNPOOLING, {"kind": "nearest", "input": y, "factor": 2}).answer
    assert nearest[1] == [1, 1, 2, 2] and nearest[3] == [3, 3, 4, 4]
