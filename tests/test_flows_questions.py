"""The flows concept-question bank: it loads, is large enough, covers chapter 6, and is sound."""

import math

import pytest

from mpcheck.problem import Problem
from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound
from mpcheck_flows import logdet, squeeze

BANK = builtin_bank("flows")


def test_bank_has_at_least_ten_questions_of_every_kind():
    assert len(BANK) >= 10 and len({q.id for q in BANK}) == len(BANK)
    kinds = {q.answer_kind.name for q in BANK}
    assert {"choice", "boolean"} <= kinds and kinds & {"real", "integer"}  # a numeric answer
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("change-of-variables", "coupling", "squeeze", "actnorm", "conv1x1", "lu", "logdet", "conditional"):
        assert topic in tags, f"no question tagged {topic!r}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_sound(question):
    assert question.origin == "question" and question.id.startswith("flows.q-")
    assert_generator_sound(question, seeds=range(200))


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
