"""The rl concept-question bank: it loads, covers every section of chapter 9, and is sound."""

import math

import pytest

from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound

BANK = builtin_bank("rl")
SECTIONS = [f"9.{i}" for i in range(1, 10)]


def test_bank_has_enough_questions_of_every_kind():
    assert len(BANK) >= 10
    kinds = {q.answer_kind.name for q in BANK}
    assert {"choice", "boolean"} <= kinds and kinds & {"real", "integer"}  # a numeric answer
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)
    assert len({q.id for q in BANK}) == len(BANK)


def test_every_section_has_two_questions():
    import tomllib
    from mpcheck_problems import bank

    data = tomllib.loads(bank("rl").read_text(encoding="utf-8"))
    counts = {section: sum(q["section"] == section for q in data["question"]) for section in SECTIONS}
    assert all(n >= 2 for n in counts.values()), counts


def test_bank_covers_the_issue_topics():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("on-policy", "off-policy", "monte-carlo", "bias-variance", "replay-buffer", "target-network",
                  "baseline", "deepmimic", "sfv", "contraction", "actor-critic"):
        assert topic in tags, f"no question tagged {topic!r}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_sound(question):
    assert question.origin == "question" and question.id.startswith("rl.q-")
    assert_generator_sound(question, seeds=range(100))


def answer_of(question_id: str):
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_are_computed_not_guessed():
    assert answer_of("rl.q-sweeps-for-accuracy") == math.ceil(math.log(1000) / math.log(1 / 0.9))
    from mpcheck_rl.exploration import probabilities

    assert answer_of("rl.q-epsilon-greedy-probability") == max(probabilities([1, 2, 0, -1], 0.2))
