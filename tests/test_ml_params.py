"""ml generators reject bad explicit params (``--params``) with a ParamsError naming the problem."""

import math

import pytest

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_ml import activations, adam, adaptive, backprop, losses, momentum, perceptron, softmax

SOFTMAX = {"logits": [1.0, 2.0, 0.5], "target": 1}
ADAM = {"theta": [1.0, 2.0], "grad": [0.5, -1.0], "m": [0.0, 0.0], "v": [0.0, 0.0], "t": 1, "lr": 0.1,
        "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
MLP = {"x": [1, 2], "W1": [[1, -1], [2, 0]], "b1": [0, 1], "W2": [[1, 2]], "b2": [0], "activation": "relu",
       "upstream": [3]}
MOMENTUM = {"theta": [1.0, 2.0], "v": [0.0, 0.0], "curvature": [1.0, 2.0], "lr": 0.1, "momentum": 0.9}
ADAGRAD = {"theta": [1.0], "grad": [3.0], "r": [16.0], "lr": 0.5, "eps": 1e-8}
PERCEPTRON = {"w": [1, -1], "b": 0, "x": [2, 1], "y": -1, "lr": 1}
PQ = {"p": [0.5, 0.5], "q": [0.25, 0.75], "unit": "nats"}


def without(params, key):
    return {k: v for k, v in params.items() if k != key}


def test_valid_examples_are_accepted():
    for generator, params in [(softmax.SOFTMAX_CE_GRAD, SOFTMAX), (adam.ADAM_STEP, ADAM), (backprop.MLP_BACKPROP, MLP),
                              (momentum.NESTEROV_STEP, MOMENTUM), (adaptive.ADAGRAD_STEP, ADAGRAD),
                              (perceptron.PERCEPTRON_STEP, PERCEPTRON), (losses.CROSS_ENTROPY, PQ)]:
        generator.validate_params(params)


def test_softmax_ce_grad_rejects():
    assert_params_rejected(softmax.SOFTMAX_CE_GRAD, [
        without(SOFTMAX, "target"), {**SOFTMAX, "extra": 1}, {**SOFTMAX, "logits": [1.0]},
        {**SOFTMAX, "logits": "1, 2"}, {**SOFTMAX, "logits": [1.0, "a"]}, {**SOFTMAX, "logits": [1.0, math.inf]},
        {**SOFTMAX, "target": 3}, {**SOFTMAX, "target": -1}, {**SOFTMAX, "target": 1.0}, {**SOFTMAX, "target": True},
        {**SOFTMAX, "logits": [0.0] * 65}, {**SOFTMAX, "logits": [1e5, 0.0, 0.0]},
    ])


def test_adam_rejects():
    assert_params_rejected(adam.ADAM_STEP, [
        without(ADAM, "eps"), {**ADAM, "m": [0.0]}, {**ADAM, "v": [0.0, -1.0]}, {**ADAM, "t": 0},
        {**ADAM, "t": 1.5}, {**ADAM, "lr": 0}, {**ADAM, "lr": -0.1}, {**ADAM, "beta1": 1.0},
        {**ADAM, "beta2": -0.1}, {**ADAM, "eps": -1e-8}, {**ADAM, "theta": []}, {**ADAM, "theta": [1e7, 0.0]},
        # a zero gradient on a zero second moment with eps = 0 divides 0 by 0
        {**ADAM, "grad": [0.0, 1.0], "eps": 0.0},
    ])


def test_adam_accepts_zero_eps_when_no_division_by_zero():
    adam.ADAM_STEP.validate_params({**ADAM, "eps": 0.0})


def test_mlp_rejects_mismatched_shapes():
    assert_params_rejected(backprop.MLP_BACKPROP, [
        {**MLP, "W1": [[1, -1, 0], [2, 0, 1]]}, {**MLP, "b1": [0]}, {**MLP, "W2": [[1, 2, 3]]},
        {**MLP, "b2": [0, 0]}, {**MLP, "upstream": [1, 2]}, {**MLP, "activation": "softplus"},
        {**MLP, "W1": [[1, -1], [2]]}, without(MLP, "upstream"),
    ])


def test_optimisers_reject():
    assert_params_rejected(momentum.SGD_MOMENTUM_STEP, [
        {**MOMENTUM, "v": [0.0]}, {**MOMENTUM, "curvature": [1.0, 0.0]}, {**MOMENTUM, "lr": 0},
        {**MOMENTUM, "momentum": 1.5}, without(MOMENTUM, "momentum"),
    ])
    assert_params_rejected(adaptive.ADAGRAD_STEP, [
        {**ADAGRAD, "r": [-1.0]}, {**ADAGRAD, "grad": [1.0, 2.0]}, {**ADAGRAD, "rho": 0.9},
        {**ADAGRAD, "grad": [0.0], "r": [0.0], "eps": 0.0},
    ])
    assert_params_rejected(adaptive.RMSPROP_STEP, [ADAGRAD, {**ADAGRAD, "rho": 1.5}])


def test_losses_reject():
    assert_params_rejected(losses.CROSS_ENTROPY, [
        {**PQ, "p": [0.5, 0.6]}, {**PQ, "q": [1.0, 0.0]}, {**PQ, "q": [0.5, 0.25, 0.25]},
        {**PQ, "unit": "dits"}, {**PQ, "p": [-0.5, 1.5]},
    ])
    assert_params_rejected(losses.BCE, [
        {"y": [1], "y_hat": [1.0]}, {"y": [1], "y_hat": [0.0]}, {"y": [2], "y_hat": [0.5]},
        {"y": [1, 0], "y_hat": [0.5]},
    ])


def test_activation_and_perceptron_reject():
    assert_params_rejected(activations.ACTIVATION, [
        {"function": "softplus", "quantity": "value", "x": 1.0},
        {"function": "relu", "quantity": "second-derivative", "x": 1.0},
        {"function": "leaky-relu", "quantity": "value", "x": 1.0},          # its slope is required
        {"function": "relu", "quantity": "value", "x": 1.0, "negative_slope": 0.1},
        {"function": "relu", "quantity": "value", "x": "one"},
    ])
    assert_params_rejected(perceptron.PERCEPTRON_STEP, [
        {**PERCEPTRON, "y": 0}, {**PERCEPTRON, "y": True}, {**PERCEPTRON, "x": [1.0]}, {**PERCEPTRON, "lr": 0},
    ])


def test_problem_from_params_raises_params_error():
    with pytest.raises(ParamsError, match="target"):
        Problem.from_params(softmax.SOFTMAX_CE_GRAD, {**SOFTMAX, "target": 7})
