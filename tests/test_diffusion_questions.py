"""The diffusion concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

from collections import Counter

import pytest

from mpcheck.problem import Problem
from mpcheck.questions import builtin_bank
from mpcheck_diffusion import schedule

BANK = builtin_bank("diffusion")


def test_bank_covers_the_summary():
    tags = Counter(tag for q in BANK for tag in q.tags)
    for topic in ("forward-process", "schedule", "posterior", "training", "sampling", "elbo", "guidance",
                  "controlnet", "latent-diffusion", "vae"):
        assert tags[topic] >= 1, f"no question tagged {topic!r}"
    for section in ("guidance", "controlnet", "latent-diffusion", "training", "sampling"):
        assert tags[section] >= 2, f"fewer than 2 questions on {section!r}"


def test_numeric_answer_agrees_with_the_generator():
    (question,) = [q for q in BANK if q.id == "diffusion.q-alpha-bar-constant"]
    p = {"schedule": "linear", "beta_start": 0.1, "beta_end": 0.1, "T": 3, "t": 3}
    assert question.solve({}) == pytest.approx(Problem.from_params(schedule.ALPHA_BAR, p).answer)
