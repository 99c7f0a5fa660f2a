"""The cnn concept-question bank: it loads, is large enough, covers the chapter, and is sound."""

import pytest

from mpcheck.questions import builtin_bank
from mpcheck.testing import assert_generator_sound
from mpcheck_cnn.grids import out_size
from mpcheck_cnn.layers import conv_param_count, receptive_field
from mpcheck_cnn.transposed import transposed_out

BANK = builtin_bank("cnn")


def test_bank_has_at_least_ten_questions_of_every_kind():
    assert len(BANK) >= 10
    kinds = {q.answer_kind.name for q in BANK}
    # numeric questions here have whole-number answers (sizes, counts): graded exactly
    assert {"choice", "boolean", "integer"} <= kinds
    assert any(getattr(q.answer_kind, "multiple", False) for q in BANK)
    assert len({q.id for q in BANK}) == len(BANK)


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("convolution", "correlation", "equivariance", "shapes", "parameters", "backprop",
                  "toeplitz", "pooling", "upsampling", "transposed-conv", "receptive-field"):
        assert topic in tags, f"no question tagged {topic!r}"


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_sound(question):
    assert question.origin == "question" and question.id.startswith("cnn.q-")
    assert_generator_sound(question, seeds=range(200))


def numeric_answer(question_id: str) -> float:
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_agree_with_the_generators():
    assert numeric_answer("cnn.q-output-size") == out_size(64, 5, padding=2, stride=2)
    assert numeric_answer("cnn.q-param-count") == conv_param_count(3, 8, 5, bias=True)
    assert numeric_answer("cnn.q-transposed-size") == transposed_out(16, 4, padding=1, stride=2)
    three_convs = [{"kernel": 3, "stride": 1}] * 3
    assert numeric_answer("cnn.q-receptive-field") == receptive_field(three_convs)
    # the explanation of cnn.q-channels-out quotes 32·(16·9 + 1)
    assert conv_param_count(16, 32, 3, bias=True) == 4640
