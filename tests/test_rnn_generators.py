"""rnn generators: soundness over many seeds, hand-checked values, and rejected params."""

import math
import os

import pytest

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_rnn import bptt, clipping, counts, forward, lstm, regime

#: seeds per generator (the kit's contract: at least 500); MPCHECK_KIT_SEEDS lowers it while iterating
SEEDS = int(os.environ.get("MPCHECK_KIT_SEEDS", "500"))

GENERATORS = [g for m in (forward, bptt, regime, clipping, lstm, counts) for g in m.GENERATORS]
BY_ID = {g.id: g for g in GENERATORS}


def answer(generator_id, params):
    return Problem.from_params(BY_ID[generator_id], params).answer


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_is_sound(generator):
    assert_generator_sound(generator, seeds=range(SEEDS))


def test_every_syllabus_generator_exists():
    assert set(BY_ID) == {"rnn.rnn-forward", "rnn.bptt-scalar", "rnn.gradient-regime",
                          "rnn.gradient-clipping", "rnn.lstm-step", "rnn.param-count"}


def test_clipping_textbook_values():
    # ‖(3, 4)‖ = 5 > 2.5: scaled by ½
    assert answer("rnn.gradient-clipping", {"grad": [3, 4], "threshold": 2.5}) == [1.5, 2.0]
    # ‖(1, 2, 2)‖ = 3 < 4: unchanged
    assert answer("rnn.gradient-clipping", {"grad": [1, -2, 2], "threshold": 4}) == [1.0, -2.0, 2.0]


def test_param_count_textbook_values():
    # RNN, X = 10, H = 20: 20·10 + 20·20 + 20 = 620; LSTM: 4·620 = 2480; output 5×20 = 100
    assert answer("rnn.param-count", {"cell": "rnn", "input_size": 10, "hidden_size": 20, "output_size": 0}) == 620
    assert answer("rnn.param-count", {"cell": "lstm", "input_size": 10, "hidden_size": 20, "output_size": 0}) == 2480
    assert answer("rnn.param-count", {"cell": "lstm", "input_size": 10, "hidden_size": 20, "output_size": 5}) == 2580


@pytest.mark.parametrize("W, activation, lambda1, regime_letter", [
    ([[2, 0], [0, 0.5]], "tanh", 2.0, regime.MAY_EXPLODE),
    ([[2, 0], [0, 0.5]], "sigmoid", 2.0, regime.VANISH),
    ([[0.6, 0], [0, -0.8]], "tanh", 0.8, regime.VANISH),
    ([[4, 0], [0, 1]], "sigmoid", 4.0, regime.BOUNDARY),
    # a nilpotent matrix: eigenvalues 0, largest singular value 3
    ([[0, 3], [0, 0]], "tanh", 3.0, regime.MAY_EXPLODE),
])
def test_regime_textbook_values(W, activation, lambda1, regime_letter):
    got = answer("rnn.gradient-regime", {"W": W, "activation": activation})
    assert math.isclose(got["lambda1"], lambda1, rel_tol=1e-12)
    assert got["gamma"] == regime.GAMMA[activation]
    assert got["regime"] == regime_letter


def test_regime_options_state_sufficient_and_necessary():
    vanish, may, must, _ = regime.OPTIONS
    assert "guaranteed to vanish" in vanish
    assert "necessary, not sufficient" in may
    assert "guaranteed to explode" in must


def test_bptt_scalar_by_hand():
    # T = 1, h_0 = 1, w = 0.5, u = 0, x = [1]: h_1 = tanh(0.5), ∂L/∂w = (h_1 − y)(1 − h_1²)·h_0
    h1 = math.tanh(0.5)
    got = answer("rnn.bptt-scalar", {"w": 0.5, "u": 0, "h0": 1, "x": [1], "y": 0})
    assert math.isclose(got["total"], h1 * (1 - h1**2), rel_tol=1e-12)
    assert got["terms"] == [got["total"]]


def test_lstm_step_by_hand():
    # all pre-activations 0: i = f = o = ½, g = 0, so c = ½ c_prev and h = ½ tanh(c)
    params = {"x": [1.0], "h_prev": [0.0], "c_prev": [0.8], "W": [[0, 0]] * 4, "b": [0, 0, 0, 0]}
    got = answer("rnn.lstm-step", params)
    assert math.isclose(got["c"][0], 0.4, rel_tol=1e-12)
    assert math.isclose(got["h"][0], 0.5 * math.tanh(0.4), rel_tol=1e-12)


def test_lstm_gate_order_matters():
    # only the third block (o in the course's order) is large: o ≈ 1, g = tanh(0) = 0
    params = {"x": [1.0], "h_prev": [0.0], "c_prev": [1.0], "W": [[0, 0], [0, 0], [20, 0], [0, 0]],
              "b": [0, 0, 0, 0]}
    got = answer("rnn.lstm-step", params)
    assert math.isclose(got["h"][0], math.tanh(0.5), rel_tol=1e-6)
    swapped = lstm.MISTAKES[0].answer(params)
    assert not math.isclose(swapped["h"][0], got["h"][0], rel_tol=1e-3)


def test_rnn_forward_by_hand():
    # 1 unit, identity-like weights: h_1 = tanh(0.5·0 + 1·1 + 0), h_2 = tanh(0.5·h_1 + 0)
    params = {"x": [[1.0], [0.0]], "h0": [0.0], "W_xh": [[1.0]], "W_hh": [[0.5]], "W_hy": [[2.0]], "b": [0.0]}
    got = answer("rnn.rnn-forward", params)
    h1 = math.tanh(1.0)
    assert math.isclose(got["h1"][0], h1)
    assert math.isclose(got["h2"][0], math.tanh(0.5 * h1))
    assert math.isclose(got["y2"][0], 2 * math.tanh(0.5 * h1))


GOOD = {
    "rnn.rnn-forward": {"x": [[1.0], [0.5]], "h0": [0.1, 0.2], "W_xh": [[1.0], [0.5]],
                        "W_hh": [[0.5, 0.1], [0.2, 0.3]], "W_hy": [[1.0, -1.0]], "b": [0.0, 0.1]},
    "rnn.bptt-scalar": {"w": 0.5, "u": 1.0, "h0": 0.3, "x": [0.5, -0.2], "y": 0.4},
    "rnn.gradient-regime": {"W": [[1, 0.5], [0, 1]], "activation": "tanh"},
    "rnn.gradient-clipping": {"grad": [3, 4], "threshold": 1},
    "rnn.lstm-step": {"x": [0.5], "h_prev": [0.1], "c_prev": [0.2], "W": [[0.1, 0.2]] * 4, "b": [0.0] * 4},
    "rnn.param-count": {"cell": "lstm", "input_size": 3, "hidden_size": 4, "output_size": 0},
}

BAD = [
    ("rnn.rnn-forward", {"x": [[1.0], [0.5], [0.2]]}, "'x'"),          # three steps, not two
    ("rnn.rnn-forward", {"W_hh": [[0.5, 0.1]]}, "'W_hh'"),              # not H×H
    ("rnn.rnn-forward", {"W_xh": [[1.0, 2.0], [0.5, 1.0]]}, "'W_xh'"),  # columns ≠ input size
    ("rnn.rnn-forward", {"b": [0.0]}, "'b'"),
    ("rnn.rnn-forward", {"W_hy": [[1.0e6, 0.0]]}, "'W_hy'"),
    ("rnn.bptt-scalar", {"w": "0.5"}, "'w'"),
    ("rnn.bptt-scalar", {"x": []}, "'x'"),
    ("rnn.bptt-scalar", {"x": [0.1] * 11}, "'x'"),
    ("rnn.bptt-scalar", {"h0": float("nan")}, "'h0'"),
    ("rnn.gradient-regime", {"W": [[1, 2, 3], [4, 5, 6]]}, "square"),
    ("rnn.gradient-regime", {"activation": "relu"}, "'activation'"),
    ("rnn.gradient-regime", {"W": [[1, 2], [3]]}, "'W'"),
    ("rnn.gradient-clipping", {"threshold": 0}, "'threshold'"),
    ("rnn.gradient-clipping", {"threshold": -1.0}, "'threshold'"),
    ("rnn.gradient-clipping", {"grad": []}, "'grad'"),
    ("rnn.gradient-clipping", {"grad": [1, True]}, "grad"),
    ("rnn.lstm-step", {"W": [[0.1, 0.2]] * 3}, "'W'"),                  # 3 rows, not 4H
    ("rnn.lstm-step", {"W": [[0.1, 0.2, 0.3]] * 4}, "'W'"),             # X + H = 2 columns
    ("rnn.lstm-step", {"c_prev": [0.2, 0.3]}, "'c_prev'"),
    ("rnn.lstm-step", {"b": [0.0] * 3}, "'b'"),
    ("rnn.lstm-step", {"x": [0.5] * 17, "W": [[0.1] * 18] * 4}, "'x'"),  # too large
    ("rnn.param-count", {"cell": "gru"}, "'cell'"),
    ("rnn.param-count", {"hidden_size": 0}, "'hidden_size'"),
    ("rnn.param-count", {"input_size": 2.5}, "'input_size'"),
    ("rnn.param-count", {"output_size": -1}, "'output_size'"),
]


@pytest.mark.parametrize("generator_id", sorted(GOOD))
def test_good_params_accepted(generator_id):
    assert Problem.from_params(BY_ID[generator_id], dict(GOOD[generator_id])).answer is not None


@pytest.mark.parametrize("generator_id, change, key", BAD)
def test_bad_params_rejected_naming_the_key(generator_id, change, key):
    params = {**GOOD[generator_id], **change}
    with pytest.raises(ParamsError, match=key):
        Problem.from_params(BY_ID[generator_id], params)


@pytest.mark.parametrize("generator_id", sorted(GOOD))
def test_missing_and_unknown_keys_rejected(generator_id):
    good = GOOD[generator_id]
    missing = dict(list(good.items())[1:])
    with pytest.raises(ParamsError, match="missing"):
        Problem.from_params(BY_ID[generator_id], missing)
    with pytest.raises(ParamsError, match="unknown"):
        Problem.from_params(BY_ID[generator_id], {**good, "extra": 1})


def numbers_in(value):
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_sampled_problems_are_not_degenerate(generator):
    """No zero anywhere in a sampled answer: each entry is something to compute."""
    for seed in range(200):
        value = Problem.from_seed(generator, seed).answer
        assert all(v != 0 for v in numbers_in(value)), (generator.id, seed, value)
