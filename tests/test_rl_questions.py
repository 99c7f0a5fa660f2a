"""The rl concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

import math


from mpcheck.questions import builtin_bank

BANK = builtin_bank("rl")
SECTIONS = [f"9.{i}" for i in range(1, 10)]


def test_every_section_has_two_questions():
    import tomllib
    from mpcheck_problems import bank

    data = tomllib.loads(bank("rl").read_text(encoding="utf-8"))
    counts = {section: sum(q["section"] == section for q in data["question"]) for section in SECTIONS}
    assert all(n >= 2 for n in counts.values()), counts


def test_bank_covers_the_issue_topics():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("on-policy", "off-policy", "monte-carlo", "bias-variance", "replay-buffer", "target-network",
                  "baseline", "deepmimic", "sfv", "contraction", "actor-critic"):
        assert topic in tags, f"no question tagged {topic!r}"


def answer_of(question_id: str):
    (question,) = [q for q in BANK if q.id == question_id]
    return question.solve({})


def test_numeric_answers_are_computed_not_guessed():
    assert answer_of("rl.q-sweeps-for-accuracy") == math.ceil(math.log(1000) / math.log(1 / 0.9))
    from mpcheck_rl.exploration import probabilities

    assert answer_of("rl.q-epsilon-greedy-probability") == max(probabilities([1, 2, 0, -1], 0.2))
