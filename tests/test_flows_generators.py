"""Every flows generator end to end over 500 seeds (params, texts, accepted forms, rejected
perturbations, mistakes recognised by name), and examples worked by hand."""

import json
import math

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound, assert_params_rejected
from mpcheck_flows import coupling, density, logdet, squeeze

GENERATORS = [g for module in (density, logdet, coupling, squeeze) for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    assert {g.id for g in GENERATORS} >= {"flows.change-of-variables", "flows.logdet", "flows.coupling-forward",
                                          "flows.coupling-inverse", "flows.squeeze-shape", "flows.lu-logdet"}


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 11), Problem.from_seed(generator, 11)
    assert first.params == again.params and first.prompt() == again.prompt()


def check(generator, params, text):
    return Problem.from_params(generator, json.loads(json.dumps(params))).check(text)


# --- worked by hand -------------------------------------------------------------------------

def test_scaling_a_standard_normal_by_two():
    # x = 2z: p_x(x) = N(x/2) / 2, at x = 0 that is 1/(2√(2π))
    p = {"A": [[2.0]], "b": [0.0], "x": [0.0]}
    assert Problem.from_params(density.CHANGE_OF_VARIABLES, p).answer == pytest.approx(1 / (2 * math.sqrt(2 * math.pi)))
    assert check(density.CHANGE_OF_VARIABLES, p, "2/sqrt(2*pi)").mistake == "multiplied-by-jacobian"
    assert check(density.CHANGE_OF_VARIABLES, p, "1/sqrt(2*pi)").mistake == "forgot-jacobian"


def test_a_reflection_keeps_the_density_positive():
    p = {"A": [[0.0, 1.0], [1.0, 0.0]], "b": [1.0, 0.0], "x": [1.0, 0.0]}
    assert Problem.from_params(density.CHANGE_OF_VARIABLES, p).answer == pytest.approx(1 / (2 * math.pi))
    assert check(density.CHANGE_OF_VARIABLES, p, "-1/(2*pi)").mistake == "forgot-absolute-value"


def test_actnorm_logdet_by_hand():
    p = {"kind": "actnorm", "height": 8, "width": 8, "scale": [2.0, 0.5, 4.0]}
    assert Problem.from_params(logdet.LOGDET, p).answer == pytest.approx(64 * math.log(4))
    assert check(logdet.LOGDET, p, "log(4)").mistake == "forgot-hw"
    assert check(logdet.LOGDET, p, "-64*log(4)").mistake == "inverse-jacobian-sign"


def test_conv1x1_logdet_by_hand():
    p = {"kind": "conv1x1", "height": 4, "width": 4, "weight": [[1.0, 2.0], [3.0, 4.0]]}
    assert Problem.from_params(logdet.LOGDET, p).answer == pytest.approx(16 * math.log(2))
    assert check(logdet.LOGDET, p, "-32").mistake == "used-det-not-logdet"
    assert check(logdet.LOGDET, p, "16*log(4)").mistake == "log-of-diagonal"


def test_lu_logdet_ignores_l_and_u():
    p = {"P": [[0.0, 1.0], [1.0, 0.0]], "L": [[1.0, 0.0], [5.0, 1.0]], "U": [[0.0, -3.0], [0.0, 0.0]],
         "s": [2.0, -3.0], "height": 2, "width": 3}
    problem = Problem.from_params(logdet.LU_LOGDET, p)
    assert problem.answer == pytest.approx(6 * math.log(6))
    assert abs(logdet.det(logdet.lu_weight(p))) == pytest.approx(6)
    assert check(logdet.LU_LOGDET, p, "-6").mistake == "summed-s-without-log"


def test_coupling_forward_and_inverse_by_hand():
    # D = 2: y_1 = x_1 e^{w_s x_2} + w_t x_2; with x = [1, 1], W_s = [[ln 2]], W_t = [[3]]: y = [5, 1]
    forward = {"x": [1.0, 1.0], "W_s": [[math.log(2)]], "W_t": [[3.0]], "half": "first"}
    answer = Problem.from_params(coupling.COUPLING_FORWARD, forward).answer
    assert answer["y"] == pytest.approx([5.0, 1.0]) and answer["log_det"] == pytest.approx(math.log(2))
    assert check(coupling.COUPLING_FORWARD, forward, "y: [8, 1]\nlog_det: log(2)").mistake == "shift-before-scale"
    back = {"y": [5.0, 1.0], "W_s": [[math.log(2)]], "W_t": [[3.0]], "half": "first"}
    answer = Problem.from_params(coupling.COUPLING_INVERSE, back).answer
    assert answer["x"] == pytest.approx([1.0, 1.0]) and answer["log_det"] == pytest.approx(-math.log(2))
    assert check(coupling.COUPLING_INVERSE, back, "x: [1, 1]\nlog_det: log(2)").mistake == "log-det-sign"


def test_the_inverse_undoes_the_forward_pass():
    for seed in range(100):
        p = Problem.from_seed(coupling.COUPLING_FORWARD, seed).params
        y = coupling.forward(p)
        x = coupling.inverse({"y": y["y"], "W_s": p["W_s"], "W_t": p["W_t"], "half": p["half"]})
        assert x["x"] == pytest.approx(p["x"], abs=1e-12) and x["log_det"] == pytest.approx(-y["log_det"])


def test_glow_multiscale_shapes():
    p = {"channels": 3, "height": 64, "width": 64, "levels": 3, "split": True}
    assert Problem.from_params(squeeze.SQUEEZE_SHAPE, p).answer == [48, 8, 8]
    assert check(squeeze.SQUEEZE_SHAPE, p, "192x8x8").mistake == "forgot-split"
    assert Problem.from_params(squeeze.SQUEEZE_SHAPE, {**p, "split": False}).answer == [192, 8, 8]


def test_bad_params_are_refused():
    assert_params_rejected(density.CHANGE_OF_VARIABLES, [
        {"A": [[0.0]], "b": [0.0], "x": [0.0]}, {"A": [[1.0, 2.0], [2.0, 4.0]], "b": [0.0, 0.0], "x": [0.0, 0.0]},
        {"A": [[1.0]], "b": [0.0, 1.0], "x": [0.0]}, {"A": [[1.0] * 3] * 3, "b": [0.0] * 3, "x": [0.0] * 3},
    ])
    assert_params_rejected(logdet.LOGDET, [
        {"kind": "actnorm", "height": 2, "width": 2, "scale": [0.0, 1.0]},
        {"kind": "actnorm", "height": 2, "width": 2, "weight": [[1.0]]},
        {"kind": "conv1x1", "height": 2, "width": 2, "weight": [[1.0, 1.0], [1.0, 1.0]]},
        {"kind": "conv1x1", "height": 0, "width": 2, "weight": [[1.0]]},
        {"kind": "glow", "height": 2, "width": 2, "scale": [1.0]},
    ])
    lu = {"P": [[1.0, 0.0], [0.0, 1.0]], "L": [[1.0, 0.0], [1.0, 1.0]], "U": [[0.0, 1.0], [0.0, 0.0]],
          "s": [1.0, 2.0], "height": 2, "width": 2}
    assert_params_rejected(logdet.LU_LOGDET, [
        {**lu, "P": [[1.0, 1.0], [0.0, 0.0]]}, {**lu, "L": [[2.0, 0.0], [1.0, 1.0]]},
        {**lu, "U": [[1.0, 1.0], [0.0, 0.0]]}, {**lu, "s": [0.0, 1.0]},
    ])
    base = {"x": [1.0, 2.0], "W_s": [[1.0]], "W_t": [[1.0]], "half": "first"}
    assert_params_rejected(coupling.COUPLING_FORWARD, [
        {**base, "x": [1.0, 2.0, 3.0]}, {**base, "W_s": [[100.0]]}, {**base, "half": "left"},
        {**base, "W_t": [[1.0, 2.0]]},
    ])
    assert_params_rejected(squeeze.SQUEEZE_SHAPE, [
        {"channels": 3, "height": 30, "width": 32, "levels": 2, "split": False},
        {"channels": 0, "height": 32, "width": 32, "levels": 1, "split": False},
        {"channels": 3, "height": 32, "width": 32, "levels": 0, "split": False},
    ])
