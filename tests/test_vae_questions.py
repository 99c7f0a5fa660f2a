"""The vae concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import math
import tomllib

import pytest

from mpcheck.questions import builtin_bank
from mpcheck_problems import bank
from mpcheck_vae.gaussians import kl_to_standard
from mpcheck_vae.kl import kl_discrete

BANK = builtin_bank("vae")


def test_every_section_has_two_questions():
    sections = [q["section"] for q in tomllib.loads(bank("vae").read_text())["question"]]
    for section in ("3", "4", "4.1"):
        assert sections.count(section) >= 2, section


def numeric_answer(question_id: str) -> float:
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_agree_with_the_generators():
    assert numeric_answer("vae.q-kl-two-coins") == pytest.approx(kl_discrete([0.5, 0.5], [0.25, 0.75]), rel=1e-6)
    assert numeric_answer("vae.q-kl-standard-normal") == pytest.approx(kl_to_standard([0.0], [2.0]), rel=1e-6)
    # the numbers quoted in explanations
    assert kl_discrete([0.25, 0.75], [0.5, 0.5]) == pytest.approx(0.130812, abs=1e-6)
    assert kl_discrete([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.510826, abs=1e-6)
    assert kl_discrete([0.9, 0.1], [0.5, 0.5]) == pytest.approx(0.368064, abs=1e-6)
    assert -0.5 * (1 + math.log(2) - 2) == pytest.approx(0.153426, abs=1e-6)
