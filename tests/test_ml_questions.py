"""The ml concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import tomllib

import pytest

from mpcheck.questions import builtin_bank
from mpcheck_ml import activations, adam, softmax
from mpcheck_ml.losses import bce
from mpcheck_problems import bank

BANK = builtin_bank("ml")
RAW = tomllib.loads(bank("ml").read_text(encoding="utf-8"))["question"]


def numeric_answer(question_id: str) -> float:
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_every_section_of_the_chapter_has_two_questions():
    # chapter 12 (perceptron, MLE/MAP, losses, approximation, backprop), 12.1 activations,
    # 12.2 gradient-descent algorithms, and the softmax proof of chapter 13
    for section in ("12", "12.1", "12.2", "13"):
        assert sum(q.get("section") == section for q in RAW) >= 2, section


def test_bank_covers_the_topics_of_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("perceptron", "mle", "map", "bce", "cross-entropy", "kl", "universal-approximation", "backprop",
                  "sigmoid", "tanh", "relu", "saturation", "sgd", "mini-batch", "momentum", "nesterov", "adagrad",
                  "rmsprop", "adam", "softmax"):
        assert topic in tags, f"no question tagged {topic!r}"


def test_explanations_say_why():
    for q in RAW:
        assert len(q["explanation"].split()) >= 25, q["id"]


def test_numeric_answers_agree_with_the_generators():
    assert numeric_answer("ml.q-bce-half") == pytest.approx(bce([1], [0.5]))
    assert numeric_answer("ml.q-sigmoid-derivative-max") == activations.derivative("sigmoid", 0.0)
    params = {"theta": [0.0], "grad": [5.0], "m": [0.0], "v": [0.0], "t": 1, "lr": 0.01, "beta1": 0.9,
              "beta2": 0.999, "eps": 1e-8}
    assert numeric_answer("ml.q-adam-first-step") == pytest.approx(-adam.adam_step(params)[0], rel=1e-6)
    assert numeric_answer("ml.q-softmax-ce-gradient") == softmax.softmax_ce_grad([0.0, 0.0], 0)[0]


def test_true_false_answers_agree_with_the_generators():
    # dropping the bias correction makes the first step larger (≈ 3.16 lr), not smaller
    params = {"theta": [0.0], "grad": [5.0], "m": [0.0], "v": [0.0], "t": 1, "lr": 0.01, "beta1": 0.9,
              "beta2": 0.999, "eps": 1e-8}
    uncorrected = -adam.adam_step(params, correct_m=False, correct_v=False)[0]
    assert uncorrected == pytest.approx(0.01 * 0.1 / 0.001 ** 0.5, rel=1e-6)
    (question,) = [q for q in RAW if q["id"] == "ml.q-adam-no-bias-correction"]
    assert question["answer"] is (uncorrected < -adam.adam_step(params)[0])
