"""The diffusion concept-question bank: it loads, covers every section of the chapter, and is sound."""

from collections import Counter

import pytest

from mpcheck.problem import Problem
from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound
from mpcheck_diffusion import schedule

BANK = builtin_bank("diffusion")


def test_bank_size_kinds_and_sections():
    assert len(BANK) >= 10 and len({q.id for q in BANK}) == len(BANK)
    kinds = {q.answer_kind.name for q in BANK}
    assert {"choice", "boolean"} <= kinds and kinds & {"real", "integer"}  # a numeric answer
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)


def test_bank_covers_the_summary():
    tags = Counter(tag for q in BANK for tag in q.tags)
    for topic in ("forward-process", "schedule", "posterior", "training", "sampling", "elbo", "guidance",
                  "controlnet", "latent-diffusion", "vae"):
        assert tags[topic] >= 1, f"no question tagged {topic!r}"
    for section in ("guidance", "controlnet", "latent-diffusion", "training", "sampling"):
        assert tags[section] >= 2, f"fewer than 2 questions on {section!r}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_sound(question):
    assert question.origin == "question" and question.id.startswith("diffusion.q-")
    assert_generator_sound(question, seeds=range(200))


def test_numeric_answer_agrees_with_the_generator():
    (question,) = [q for q in BANK if q.id == "diffusion.q-alpha-bar-constant"]
    p = {"schedule": "linear", "beta_start": 0.1, "beta_end": 0.1, "T": 3, "t": 3}
    assert question.solve({}) == pytest.approx(Problem.from_params(schedule.ALPHA_BAR, p).answer)
