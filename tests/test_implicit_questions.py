"""The implicit concept-question bank: what it covers, and its answers against the topic's own
code (the contract every bank meets is ``tests/test_question_banks.py``)."""

from mpcheck.questions import builtin_bank

BANK = builtin_bank("implicit")


def test_bank_covers_the_chapter():
    tags = {tag for q in BANK for tag in q.tags}
    for topic in ("occupancy", "sdf", "eikonal", "dvr", "nerf", "positional encoding", "instant-ngp",
                  "gaussian splatting"):
        assert topic in tags, f"no question tagged {topic!r}"


