"""Progress in numbers: attempts, accuracy, due items and mastery per topic, accuracy over time.

Mastery is what a student can act on: the share of a topic's items (its problem families and
concept questions) that FSRS predicts you would recall right now. Each item counts with its
predicted recall (FSRS retrievability) when your last answer to it was right, and 0 when it was
wrong (or the solution was shown), or when the item was never reviewed; the mean is over all the
topic's items, so practising a third of a topic well gives about a third. Right after a wrong
answer FSRS still predicts a high recall (you have just seen the solution), which is why the
last answer counts: a topic with many wrong answers cannot show 100 %.

``recent`` is the share right among the topic's last ``RECENT`` attempts.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from mpcheck.study.schedule import is_due, retrievability, utcnow
from mpcheck.study.store import Attempt, CardRow, parse_time, topic_of

#: how many of a topic's latest attempts the ``recent`` accuracy looks at
RECENT = 20


def mastery(attempts: list[Attempt], cards: list[CardRow], items: int, now: datetime) -> float | None:
    """The mean over ``items`` items of: predicted recall if the last answer was right, else 0."""
    last_right: dict[str, bool] = {}
    for a in sorted(attempts, key=lambda a: parse_time(a.at)):
        last_right[a.problem_id] = a.correct
    known = [retrievability(c, now) for c in cards if last_right.get(c.item_id)]
    return round(sum(known) / items, 4) if items else None


def topic_stats(topic: str, title: str, attempts: list[Attempt], cards: list[CardRow], items: int,
                now: datetime) -> dict[str, Any]:
    mine = [a for a in attempts if a.topic == topic]
    my_cards = [c for c in cards if c.topic == topic]
    right = sum(a.correct for a in mine)
    latest = sorted(mine, key=lambda a: parse_time(a.at))[-RECENT:]
    return {"topic": topic, "title": title, "attempts": len(mine), "correct": right,
            "accuracy": round(right / len(mine), 4) if mine else None,
            "recent": round(sum(a.correct for a in latest) / len(latest), 4) if latest else None,
            "due": sum(is_due(c, now) for c in my_cards), "seen": len(my_cards), "items": items,
            # a topic only the store still knows (plugin removed): its items are the ones seen
            "mastery": mastery(mine, my_cards, max(items, len(my_cards)), now) if my_cards else None}


def daily_accuracy(attempts: list[Attempt]) -> list[dict[str, Any]]:
    """Attempts and right answers per calendar day (local time), oldest first."""
    total, right = Counter(), Counter()
    for a in attempts:
        day = parse_time(a.at).astimezone().date().isoformat()
        total[day] += 1
        right[day] += a.correct
    return [{"date": day, "attempts": total[day], "correct": right[day],
             "accuracy": round(right[day] / total[day], 4)} for day in sorted(total)]


def day_offsets(dates: list[str]) -> list[int]:
    """Days since the first of ``dates`` (ISO dates, oldest first): the x positions of a chart."""
    first = date.fromisoformat(dates[0])
    return [(date.fromisoformat(d) - first).days for d in dates]


def rolling_accuracy(attempts: list[Attempt], window: int = 10) -> list[float]:
    """Share right among the last ``window`` attempts, after each attempt (oldest first)."""
    ordered = sorted(attempts, key=lambda a: parse_time(a.at))
    out = []
    for i in range(len(ordered)):
        recent = ordered[max(0, i + 1 - window): i + 1]
        out.append(sum(a.correct for a in recent) / len(recent))
    return out


def compute(attempts: list[Attempt], cards: list[CardRow], topics: dict[str, str],
            items_per_topic: dict[str, int], only: list[str] | str | None = None,
            now: datetime | None = None, exercises_per_topic: dict[str, int] | None = None) -> dict[str, Any]:
    """The ``stats --json`` document. ``topics`` maps registered topic names to titles; topics
    that only the store knows (a plugin since removed) are listed too. ``only``: just these topics."""
    now = now or utcnow()
    names = list(topics) + sorted(({a.topic for a in attempts} | {c.topic for c in cards}) - set(topics))
    if only:
        names = [only] if isinstance(only, str) else list(only)
        attempts = [a for a in attempts if a.topic in names]
        cards = [c for c in cards if c.topic in names]
    # a passed exercise (mode "code") is not an answer: it counts apart, not in the accuracy
    passed = {a.problem_id for a in attempts if a.mode == "code" and a.correct}
    by_mode = dict(Counter(a.mode for a in attempts))
    attempts = [a for a in attempts if a.mode != "code"]
    rows = [topic_stats(t, topics.get(t, ""), attempts, cards, items_per_topic.get(t, 0), now) for t in names]
    for row in rows:
        row["exercises_passed"] = sum(topic_of(p) == row["topic"] for p in passed)
        row["exercises"] = (exercises_per_topic or {}).get(row["topic"], 0)
    right = sum(a.correct for a in attempts)
    return {"attempts": len(attempts), "correct": right,
            "accuracy": round(right / len(attempts), 4) if attempts else None,
            "due": sum(r["due"] for r in rows), "topics": rows, "days": daily_accuracy(attempts),
            "by_mode": by_mode, "exercises_passed": len(passed)}


def items_by_topic(generator_ids: list[str]) -> dict[str, int]:
    return dict(Counter(topic_of(i) for i in generator_ids))
