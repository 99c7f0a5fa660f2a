"""The implicit concept-question bank: it loads, is large enough, covers the chapter, and is sound."""

import pytest

from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound

BANK = builtin_bank("implicit")


def test_bank_has_at_least_ten_questions_of_several_kinds():
    assert len(BANK) >= 10
    kinds = {q.answer_kind.name for q in BANK}
    assert {"choice", "boolean"} <= kinds
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)
    assert len({q.id for q in BANK}) == len(BANK)


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("occupancy", "sdf", "eikonal", "dvr", "nerf", "positional encoding", "instant-ngp",
                  "gaussian splatting"):
        assert topic in tags, f"no question tagged {topic!r}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_sound(question):
    assert question.origin == "question" and question.id.startswith("implicit.q-")
    assert_generator_sound(question, seeds=range(100))
