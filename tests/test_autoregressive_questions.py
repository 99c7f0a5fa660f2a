"""The autoregressive concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import pytest

from mpcheck.questions import builtin_bank
from mpcheck_autoregressive.counts import tabular_total
from mpcheck_autoregressive.wavenet import receptive_field

BANK = builtin_bank("autoregressive")
#: The sections of chapter 5 and the tags that mark a question as covering them.
SECTIONS = {"chain rule, FVSBN, NADE": {"chain-rule", "fvsbn", "nade"}, "MADE": {"made"},
            "PixelRNN and PixelCNN": {"pixelcnn", "pixelrnn"}, "WaveNet": {"wavenet"}, "VQ-VAE": {"vq-vae"},
            "attention and transformers": {"attention", "transformer"}}


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_has_two_questions(section):
    covering = [q.id for q in BANK if SECTIONS[section] & set(q.tags)]
    assert len(covering) >= 2, f"{section}: {covering}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_texts_keep_math_in_markup(question):
    for text in (question.prompt({}), question.solution({})):
        assert text.count("$") % 2 == 0 and not set(text) & set("αβσ√≤≥⊙∑∏")


def answer(question_id: str) -> float:
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_agree_with_the_generators():
    assert answer("autoregressive.q-tabular-count") == tabular_total(4)
    assert answer("autoregressive.q-wavenet-receptive-field") == receptive_field(2, [2**i for i in range(10)])
    assert answer("autoregressive.q-dot-product-spread") ** 2 == 64
