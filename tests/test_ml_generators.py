"""ml generators: soundness over many seeds, textbook values worked by hand, and how mistakes are named."""

import math
import os

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_ml import activations, adam, adaptive, backprop, losses, momentum, perceptron, softmax

#: seeds per generator (the kit's contract: at least 500); MPCHECK_KIT_SEEDS lowers it while iterating
SEEDS = int(os.environ.get("MPCHECK_KIT_SEEDS", "500"))

GENERATORS = [g for m in (activations, losses, softmax, backprop, perceptron, momentum, adaptive, adam)
              for g in m.GENERATORS]
BY_ID = {g.id: g for g in GENERATORS}


def problem(generator_id, params):
    return Problem.from_params(BY_ID[generator_id], params)


def answer(generator_id, params):
    return problem(generator_id, params).answer


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_is_sound(generator):
    assert_generator_sound(generator, seeds=range(SEEDS))


def test_every_syllabus_generator_exists():
    names = ("activation", "bce", "cross-entropy", "softmax-ce-grad", "mlp-backprop", "perceptron-step",
             "sgd-momentum-step", "nesterov-step", "adagrad-step", "rmsprop-step", "adam-step",
             "entropy-kl-relation")
    assert set(BY_ID) == {f"ml.{n}" for n in names}


def test_registered_through_the_plugin():
    from mpcheck.host import plugins

    registered = plugins.registry().generators
    assert all(gid in registered for gid in BY_ID)


@pytest.mark.parametrize("function, quantity, x, expected", [
    ("sigmoid", "value", math.log(3), 0.75),          # σ(ln 3) = 3/(3 + 1)
    ("sigmoid", "derivative", 0.0, 0.25),             # σ'(0) = ½ · ½
    ("sigmoid", "derivative", math.log(3), 0.1875),   # ¾ · ¼
    ("tanh", "value", math.log(2), 0.6),              # (4 − 1)/(4 + 1)
    ("tanh", "derivative", math.log(2), 0.64),        # 1 − 0.36
    ("relu", "value", -2.5, 0.0),
    ("relu", "derivative", 3.0, 1.0),
    ("relu", "derivative", 0.0, 0.0),                 # PyTorch's convention at the kink
])
def test_activation_textbook_values(function, quantity, x, expected):
    got = answer("ml.activation", {"function": function, "quantity": quantity, "x": x})
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)


def test_leaky_relu_uses_its_slope_left_of_and_at_zero():
    params = {"function": "leaky-relu", "quantity": "derivative", "negative_slope": 0.1}
    assert answer("ml.activation", {**params, "x": -2.0}) == 0.1
    assert answer("ml.activation", {**params, "x": 0.0}) == 0.1
    assert answer("ml.activation", {**params, "quantity": "value", "x": -2.0}) == pytest.approx(-0.2)


def test_relu_derivative_of_one_at_zero_is_named():
    verdict = problem("ml.activation", {"function": "relu", "quantity": "derivative", "x": 0.0}).check("1")
    assert not verdict.correct and verdict.mistake == "relu-derivative-one-at-zero"


def test_bce_textbook_values():
    assert answer("ml.bce", {"y": [1], "y_hat": [0.5]}) == pytest.approx(math.log(2))
    # mean of −ln 0.8 and −ln(1 − 0.25) = −ln 0.75
    assert answer("ml.bce", {"y": [1, 0], "y_hat": [0.8, 0.25]}) == pytest.approx(
        (-math.log(0.8) - math.log(0.75)) / 2)


def test_bce_in_bits_is_named():
    verdict = problem("ml.bce", {"y": [1], "y_hat": [0.25]}).check("2")  # −log₂ ¼ = 2 bits
    assert verdict.mistake == "log-base-2"


def test_cross_entropy_textbook_values():
    # one-hot p: H = −log q_true; 1/4 in bits is 2
    assert answer("ml.cross-entropy", {"p": [0, 1, 0], "q": [0.5, 0.25, 0.25], "unit": "bits"}) == 2.0
    assert answer("ml.cross-entropy", {"p": [0.5, 0.5], "q": [0.5, 0.5], "unit": "nats"}) == pytest.approx(math.log(2))


def test_entropy_kl_relation_textbook_values():
    got = answer("ml.entropy-kl-relation", {"p": [0.5, 0.25, 0.25], "q": [0.25, 0.5, 0.25], "unit": "bits"})
    # H(p) = 1.5; H(p, q) = ½·2 + ¼·1 + ¼·2 = 1.75; KL = 0.25
    assert got == {"entropy": 1.5, "kl": 0.25, "cross_entropy": 1.75}


def test_softmax_ce_grad_textbook_values():
    # softmax(ln 1, ln 1, ln 2) = (¼, ¼, ½)
    got = answer("ml.softmax-ce-grad", {"logits": [0.0, 0.0, math.log(2)], "target": 2})
    assert got == pytest.approx([0.25, 0.25, -0.5])


def test_softmax_diagonal_only_is_named():
    p = problem("ml.softmax-ce-grad", {"logits": [0.0, 0.0, math.log(2)], "target": 2})
    assert p.check("[0, 0, -0.5]").mistake == "softmax-diagonal-only"
    assert p.check("[-0.25, -0.25, 0.5]").mistake == "sign-flipped"


def test_mlp_backprop_worked_example():
    params = {"x": [1, 2], "W1": [[1, -1], [2, 0]], "b1": [0, 1], "W2": [[1, 2]], "b2": [0],
              "activation": "relu", "upstream": [3]}
    # a = [1 − 2, 2 + 1] = [−1, 3], h = [0, 3]; dW2 = 3·[0, 3]; W2ᵀg = [3, 6], gate [0, 1] → δ = [0, 6]
    assert answer("ml.mlp-backprop", params) == {"dW2": [[0.0, 9.0]], "dW1": [[0.0, 0.0], [6.0, 12.0]],
                                                  "db1": [0.0, 6.0]}
    verdict = problem("ml.mlp-backprop", params).check("dW2: [0 9]\ndW1: [3 6; 6 12]\ndb1: [3, 6]")
    assert verdict.mistake == "forgot-activation-derivative"


def test_perceptron_textbook_values():
    # y(wᵀx + b) = −1·(2 − 1 + 0) = −1 ≤ 0: update w ← w − x, b ← b − 1
    params = {"w": [1, -1], "b": 0, "x": [2, 1], "y": -1, "lr": 1}
    assert answer("ml.perceptron-step", params) == {"w": [-1.0, -2.0], "b": -1.0}
    # on the boundary the rule (≤ 0) updates
    assert answer("ml.perceptron-step", {**params, "w": [0, 0]}) == {"w": [-2.0, -1.0], "b": -1.0}
    # correctly classified: unchanged
    assert answer("ml.perceptron-step", {**params, "y": 1}) == {"w": [1.0, -1.0], "b": 0.0}


def test_momentum_worked_example():
    params = {"theta": [2.0], "v": [0.0], "curvature": [1.0], "lr": 0.5, "momentum": 0.5}
    # g0 = 2, v1 = −1, θ1 = 1; g1 = 1, v2 = −0.5 − 0.5 = −1, θ2 = 0
    assert answer("ml.sgd-momentum-step", params) == {"v1": [-1.0], "theta1": [1.0], "v2": [-1.0], "theta2": [0.0]}
    # Nesterov: look-ahead 2 + 0 → v1 = −1, θ1 = 1; look-ahead 1 − 0.5 = 0.5 → v2 = −0.5 − 0.25, θ2 = 0.25
    assert answer("ml.nesterov-step", params) == {"v1": [-1.0], "theta1": [1.0], "v2": [-0.75], "theta2": [0.25]}


def test_adagrad_and_rmsprop_worked_examples():
    params = {"theta": [1.0], "grad": [3.0], "r": [16.0], "lr": 0.5, "eps": 1e-8}
    got = answer("ml.adagrad-step", params)
    # r = 16 + 9 = 25, θ = 1 − 0.5·3/5 = 0.7
    assert got["r"] == [25.0] and got["theta"] == pytest.approx([0.7])
    got = answer("ml.rmsprop-step", {**params, "r": [0.0], "rho": 0.75})
    # r = 0.25·9 = 2.25, θ = 1 − 0.5·3/1.5 = 0
    assert got["r"] == [2.25] and got["theta"] == pytest.approx([0.0], abs=1e-7)


def test_adam_first_step_moves_by_the_learning_rate():
    params = {"theta": [1.0, -2.0], "grad": [4.0, -0.5], "m": [0.0, 0.0], "v": [0.0, 0.0], "t": 1,
              "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert answer("ml.adam-step", params) == pytest.approx([0.9, -1.9])
    p = problem("ml.adam-step", params)
    # without bias correction: m/√v = 0.1/√0.001 ≈ 3.162 times the corrected step
    assert p.check("[0.68377, -1.68377]").mistake == "missing-bias-correction"
    assert p.check("[1.1, -2.1]").mistake == "forgot-the-minus"
