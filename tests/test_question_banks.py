"""Every built-in topic's concept-question bank, by one contract: it loads, its ids are the topic's
and unique, it mixes the kinds of question, it is large enough, and every question is sound (its
options shuffle with the seed, its answer is accepted, its traps rejected). What a bank must cover
is each topic's own test (``tests/test_<topic>_questions.py``)."""

import pytest

from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound
from mpcheck_problems import FOLDER

TOPICS = sorted(path.stem for path in FOLDER.glob("*.toml"))
#: the fewest questions a bank holds: ten, except the appendix's few tools
MINIMUM = {"math": 5}
#: banks without a short numeric question (their chapters are about models, not numbers)
WITHOUT_NUMBERS = {"body", "implicit"}
QUESTIONS = [question for topic in TOPICS for question in builtin_bank(topic)]


def test_every_built_in_topic_has_a_bank():
    assert set(TOPICS) == {"autoregressive", "body", "cnn", "diffusion", "flows", "gan", "implicit", "math",
                           "ml", "rl", "rnn", "vae"}


@pytest.mark.parametrize("topic", TOPICS)
def test_bank_is_large_varied_and_well_named(topic):
    bank = builtin_bank(topic)
    assert len(bank) >= MINIMUM.get(topic, 10)
    assert len({q.id for q in bank}) == len(bank)
    assert all(q.id.startswith(f"{topic}.q-") and q.origin == "question" for q in bank)
    kinds = {q.answer_kind.name for q in bank}
    assert {"choice", "boolean"} <= kinds
    assert topic in WITHOUT_NUMBERS or kinds & {"real", "integer"}
    assert any(getattr(q.answer_kind, "multiple", False) for q in bank)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_question_is_sound(question):
    assert question.solution({}).strip(), f"{question.id}: no explanation"
    assert_generator_sound(question, seeds=range(100))
