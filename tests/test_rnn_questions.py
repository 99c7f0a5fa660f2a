"""The rnn concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

from mpcheck.questions import builtin_bank

BANK = builtin_bank("rnn")


def test_bank_covers_the_chapter():
    """Each paragraph of chapter 2 has a question: BPTT, vanishing/exploding, clipping, LSTM."""
    tags = {tag for q in BANK for tag in q.tags}
    assert {"bptt", "vanishing-gradients", "exploding-gradients", "clipping", "lstm", "gates",
            "weight-sharing", "eigenvalues", "proof"} <= tags
