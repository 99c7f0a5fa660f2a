"""The body concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

from mpcheck.questions import builtin_bank

BANK = builtin_bank("body")


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("pictorial structures", "heatmaps", "3d pose", "smpl", "skinning", "fitting", "capture",
                  "implicit"):
        assert topic in tags, f"no question tagged {topic!r}"


