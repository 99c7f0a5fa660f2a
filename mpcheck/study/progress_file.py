"""Progress files: the JSON that ``mpcheck progress export`` writes and ``import`` merges.

    {"format": "mpcheck-progress", "version": 1, "exported_at": "...",
     "attempts": [{"problem_id", "seed" | "params", "answer", "correct", "score", "mode", "at", ...}],
     "cards": [{"item_id", "card": <fsrs.Card.to_dict()>}]}

Importing is idempotent: attempts are matched by what they are (``Attempt.uid``), schedules by
item, keeping the one reviewed last.
"""

from __future__ import annotations

import json
from typing import Any

from mpcheck.errors import UserError
from mpcheck.study.store import Attempt, CardRow, Store, now_iso

EXPORT_FORMAT = "mpcheck-progress"
EXPORT_VERSION = 1


def dump(store: Store, topic: str | None = None) -> dict[str, Any]:
    """Everything in the store (or one topic) as a JSON-native document."""
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": now_iso(),
            "attempts": [a.to_json() for a in store.attempts(topic)],
            "cards": [{"item_id": c.item_id, "card": json.loads(c.card)} for c in store.cards(topic)]}


def load(document: Any) -> tuple[list[Attempt], list[CardRow]]:
    """Attempts and schedules from an export document, each checked (the message names the
    first bad record)."""
    if not isinstance(document, dict) or not isinstance(document.get("attempts"), list):
        raise UserError("not an mpcheck progress file: expected a JSON object with an \"attempts\" list")
    version = document.get("version", EXPORT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > EXPORT_VERSION:
        raise UserError(f"progress file version {version!r} is not one this mpcheck reads "
                        f"(it reads up to {EXPORT_VERSION})")
    attempts = [Attempt.from_json(record, f"attempt {i + 1}") for i, record in enumerate(document["attempts"])]
    cards = [_card_from_json(record, f"card {i + 1}") for i, record in enumerate(document.get("cards") or [])]
    return attempts, cards


def _card_from_json(record: Any, where: str) -> CardRow:
    from fsrs import Card

    try:
        card = Card.from_dict(record["card"])
        item_id = record["item_id"]
        if not isinstance(item_id, str) or "." not in item_id:
            raise ValueError("item_id must be an id like 'cnn.conv-output-size'")
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{where} is not a valid schedule: {exc}") from None
    return CardRow(item_id=item_id, card=card.to_json(), due=card.due.timestamp(),
                   last_review=card.last_review.timestamp() if card.last_review else None)
