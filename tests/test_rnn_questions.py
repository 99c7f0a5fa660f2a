"""The rnn concept-question bank: it loads, is large enough, and every question is sound."""

import pytest

from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound

BANK = builtin_bank("rnn")


def test_bank_has_at_least_ten_questions_of_every_kind():
    assert len(BANK) >= 10
    kinds = {type(q.answer_kind).__name__ for q in BANK}
    assert {"Choice", "Boolean", "Real"} <= kinds
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)
    assert all(q.id.startswith("rnn.q-") and q.origin == "question" for q in BANK)


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_is_sound(question):
    assert_generator_sound(question, seeds=range(20))


def test_bank_covers_the_chapter():
    """Each paragraph of chapter 2 has a question: BPTT, vanishing/exploding, clipping, LSTM."""
    tags = {tag for q in BANK for tag in q.tags}
    assert {"bptt", "vanishing-gradients", "exploding-gradients", "clipping", "lstm", "gates",
            "weight-sharing", "eigenvalues", "proof"} <= tags
