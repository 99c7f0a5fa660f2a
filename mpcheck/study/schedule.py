"""Spaced review with FSRS (the ``fsrs`` package, the scheduler Anki uses), one card per item.

An item is a generator or a concept question, named by its stable id; each review draws a fresh
problem from it, so the student practises the skill, not one memorised instance.

How an answer becomes an FSRS rating:
    wrong (or solution revealed)  → Again   (due again within minutes)
    right after using a hint      → Hard
    right without help            → Good
Easy is never inferred: being right does not tell us it was effortless.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

from mpcheck.study.store import CardRow

# fuzzing spreads due dates randomly; off, so the same answers give the same schedule
SCHEDULER = Scheduler(enable_fuzzing=False)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def rating_for(correct: bool, hints: int) -> Rating:
    if not correct:
        return Rating.Again
    return Rating.Hard if hints > 0 else Rating.Good


def new_card(item_id: str, now: datetime) -> Card:
    # a stable card id from the item id (fsrs would otherwise use the clock and sleep 1 ms)
    card_id = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:6], "big")
    return Card(card_id=card_id, due=now)


def load_card(row: CardRow | None, item_id: str, now: datetime) -> Card:
    return Card.from_json(row.card) if row is not None else new_card(item_id, now)


def review(row: CardRow | None, item_id: str, correct: bool, hints: int,
           now: datetime | None = None) -> CardRow:
    """The item's schedule after one answer: FSRS review with the rating the answer earned."""
    now = now or utcnow()
    card, _log = SCHEDULER.review_card(load_card(row, item_id, now), rating_for(correct, hints), now)
    return CardRow(item_id=item_id, card=card.to_json(), due=card.due.timestamp(),
                   last_review=card.last_review.timestamp() if card.last_review else None)


def retrievability(row: CardRow, now: datetime | None = None) -> float:
    """FSRS's predicted probability of recalling the item now (0 for an item never reviewed)."""
    return float(SCHEDULER.get_card_retrievability(Card.from_json(row.card), now or utcnow()))


def is_due(row: CardRow, now: datetime | None = None) -> bool:
    return row.due <= (now or utcnow()).timestamp()


def until(moment: float, now: datetime | None = None) -> str:
    """A due time as a student reads it: "now", "in 10 min", "in 3 h", "in 4 days"."""
    seconds = moment - (now or utcnow()).timestamp()
    if seconds <= 0:
        return "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"in {max(1, round(minutes))} min"
    if minutes < 48 * 60:
        return f"in {round(minutes / 60)} h"
    return f"in {round(minutes / 1440)} days"


def review_queue(generators: list, cards: dict[str, CardRow], n: int, seed: int,
                 now: datetime | None = None) -> list:
    """What to review, ``n`` at most: due items first (most overdue first, topics interleaved),
    then items never reviewed (shuffled by ``seed``, topics interleaved; within a topic two
    generated problems for each concept question, as in a quiz). Each item at most once."""
    from mpcheck.study.deck import by_topic, favour_problems, interleave, is_question, shuffled

    now = now or utcnow()
    seen = [g for g in generators if g.id in cards]
    due = sorted((g for g in seen if is_due(cards[g.id], now)), key=lambda g: (cards[g.id].due, g.id))
    due_groups = by_topic(due)  # dicts keep insertion order: the topic with the oldest item first
    fresh = by_topic(sorted((g for g in generators if g.id not in cards), key=lambda g: g.id))

    def new_items(topic: str) -> list:
        items = shuffled(fresh[topic], seed, topic)
        return list(favour_problems([g for g in items if not is_question(g)],
                                    [g for g in items if is_question(g)]))

    fresh_groups = [new_items(t) for t in shuffled(sorted(fresh), seed, "topics")]
    return (interleave(due_groups.values()) + interleave(fresh_groups))[:n]
