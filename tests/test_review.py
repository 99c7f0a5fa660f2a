"""Spaced review with FSRS: ratings, due dates, the review queue and the review command."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.study.deck import derive_seed
from mpcheck.problem import Problem
from mpcheck.study.schedule import is_due, rating_for, retrievability, review, review_queue, until
from mpcheck.study.store import CardRow, Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
ITEM = "cnn.conv-output-size"


def history(answers: list[tuple[bool, int]], gap: timedelta = timedelta(days=1)) -> tuple[CardRow | None, datetime]:
    """Replay answers (right?, hints) a gap apart; the card and the time of the last answer."""
    row, now = None, T0
    for i, (correct, hints) in enumerate(answers):
        now = T0 + i * gap
        row = review(row, ITEM, correct, hints, now)
    return row, now


def test_answers_map_to_the_documented_ratings():
    assert rating_for(False, 0) == Rating.Again and rating_for(False, 2) == Rating.Again
    assert rating_for(True, 1) == Rating.Hard
    assert rating_for(True, 0) == Rating.Good


def test_right_moves_the_due_date_later_wrong_brings_it_back_soon():
    row, now = history([(True, 0), (True, 0), (True, 0)])
    later = now + timedelta(days=3)
    right = review(row, ITEM, True, 0, later)
    wrong = review(row, ITEM, False, 0, later)
    assert right.due - later.timestamp() > 2 * 86400  # days away
    assert wrong.due - later.timestamp() <= 15 * 60  # within the relearning step
    assert right.due > row.due


def test_a_new_item_is_scheduled_like_fsrs_does_it():
    # the oracle: fsrs itself, driven directly with the ratings the documentation promises
    oracle = Scheduler(enable_fuzzing=False)
    for correct, hints, rating in ((True, 0, Rating.Good), (True, 1, Rating.Hard), (False, 0, Rating.Again)):
        expected, _ = oracle.review_card(Card(card_id=1, due=T0), rating, T0)
        assert review(None, ITEM, correct, hints, T0).due == expected.due.timestamp()


@settings(max_examples=80, deadline=None)
@given(answers=st.lists(st.tuples(st.booleans(), st.integers(0, 2)), min_size=1, max_size=8),
       gap_hours=st.integers(1, 24 * 20))
def test_after_any_history_right_is_never_due_sooner_than_hard_or_wrong(answers, gap_hours):
    row, now = history(answers, timedelta(hours=gap_hours))
    later = now + timedelta(hours=gap_hours)
    good, hard, again = (review(row, ITEM, c, h, later).due for c, h in ((True, 0), (True, 1), (False, 0)))
    assert again <= hard <= good
    assert again < good
    assert 0.0 <= retrievability(review(row, ITEM, True, 0, later), later + timedelta(days=2)) <= 1.0


def fake_generators(*ids: str) -> list:
    reg = registry()
    template = reg.generators[ITEM]
    from dataclasses import replace

    return [replace(template, id=i) for i in ids]


def test_queue_puts_due_items_first_interleaved_then_new_ones():
    gens = fake_generators("cnn.a", "cnn.b", "cnn.c", "rnn.a", "rnn.b", "ml.a", "ml.new", "cnn.new")
    now = T0
    cards = {
        "cnn.a": CardRow("cnn.a", "{}", (now - timedelta(days=3)).timestamp(), None),
        "cnn.b": CardRow("cnn.b", "{}", (now - timedelta(days=1)).timestamp(), None),
        "rnn.a": CardRow("rnn.a", "{}", (now - timedelta(days=2)).timestamp(), None),
        "rnn.b": CardRow("rnn.b", "{}", (now + timedelta(days=2)).timestamp(), None),  # not due
        "cnn.c": CardRow("cnn.c", "{}", (now + timedelta(hours=1)).timestamp(), None),  # not due
        "ml.a": CardRow("ml.a", "{}", (now - timedelta(minutes=1)).timestamp(), None),
    }
    queue = [g.id for g in review_queue(gens, cards, 20, seed=1, now=now)]
    assert queue[:4] == ["cnn.a", "rnn.a", "ml.a", "cnn.b"]  # most overdue topic first, then round robin
    assert sorted(queue[4:]) == ["cnn.new", "ml.new"]
    assert "rnn.b" not in queue and "cnn.c" not in queue
    assert [g.id for g in review_queue(gens, cards, 2, seed=1, now=now)] == ["cnn.a", "rnn.a"]


def test_review_command_asks_new_items_records_and_says_when_next():
    from test_quiz import answer_lines

    topic_gens = [g for g in registry().generators.values() if g.topic == "cnn"]
    queue = review_queue(topic_gens, {}, 2, seed=4)
    problems = [Problem.from_seed(g, derive_seed(4, "review", i)) for i, g in enumerate(queue)]
    result = CliRunner().invoke(app, ["review", "-n", "2", "--topic", "cnn", "--seed", "4", "--json"],
                                input="\n".join(answer_lines(problems[0]) + ["skip"]) + "\n")
    summary = json.loads(result.stdout)
    assert [(q["id"], q["status"], q["correct"]) for q in summary["questions"]] == [
        (queue[0].id, "answered", True), (queue[1].id, "skipped", False)]
    assert "next due in 10 min" in summary["next"]
    with Store.open() as store:
        (attempt,) = store.attempts()
        assert (attempt.mode, attempt.problem_id, attempt.seed) == ("review", queue[0].id, problems[0].seed)
        assert not is_due(store.card(queue[0].id)) and store.card(queue[1].id) is None


def test_nothing_due_says_when_the_next_item_is_due():
    soon = datetime.now(timezone.utc) + timedelta(hours=5)
    with Store.open() as store:
        for g in registry().generators.values():
            if g.topic == "cnn":
                card = review(None, g.id, True, 0)
                store.import_attempts([], [CardRow(g.id, card.card, soon.timestamp(), card.last_review)])
    result = CliRunner().invoke(app, ["review", "--topic", "cnn"], input="")
    assert result.exit_code == 0
    assert "Nothing to review" in result.output and "next due in 5 h" in result.output


def test_until_reads_like_a_person():
    now = T0
    assert until(now.timestamp() - 5, now) == "now"
    assert until((now + timedelta(minutes=10)).timestamp(), now) == "in 10 min"
    assert until((now + timedelta(hours=3)).timestamp(), now) == "in 3 h"
    assert until((now + timedelta(days=4)).timestamp(), now) == "in 4 days"
