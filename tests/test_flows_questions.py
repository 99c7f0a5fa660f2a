"""The flows concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import math

import pytest

from mpcheck.problem import Problem
from mpcheck.questions import builtin_bank
from mpcheck_flows import logdet, squeeze

BANK = builtin_bank("flows")


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("change-of-variables", "coupling", "squeeze", "actnorm", "conv1x1", "lu", "logdet", "conditional"):
        assert topic in tags, f"no question tagged {topic!r}"


def numeric_answer(question_id: str) -> float:
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_agree_with_the_generators():
    actnorm = {"kind": "actnorm", "height": 8, "width": 8, "scale": [2.0, 0.5, 4.0]}
    assert numeric_answer("flows.q-actnorm-logdet") == pytest.approx(Problem.from_params(logdet.LOGDET, actnorm).answer,
                                                                     rel=1e-6)
    twice = {"channels": 3, "height": 64, "width": 64, "levels": 2, "split": False}
    assert numeric_answer("flows.q-squeeze-channels") == Problem.from_params(squeeze.SQUEEZE_SHAPE, twice).answer[0]
    # the explanation's "forgetting H·W gives 1.386"
    assert math.log(4) == pytest.approx(1.386, abs=1e-3)
