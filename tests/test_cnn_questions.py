"""The cnn concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

from mpcheck.questions import builtin_bank
from mpcheck_cnn.grids import out_size
from mpcheck_cnn.layers import conv_param_count, receptive_field
from mpcheck_cnn.transposed import transposed_out

BANK = builtin_bank("cnn")


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("convolution", "correlation", "equivariance", "shapes", "parameters", "backprop",
                  "toeplitz", "pooling", "upsampling", "transposed-conv", "receptive-field"):
        assert topic in tags, f"no question tagged {topic!r}"


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
