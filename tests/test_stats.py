"""stats: the JSON contract, numbers that agree with the store, the chart."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mpcheck.study import stats
from mpcheck.cli import app
from mpcheck.study.schedule import review
from mpcheck.study.store import Attempt, CardRow, Store

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=timezone.utc)


def attempt(item: str, correct: bool, at: datetime) -> Attempt:
    return Attempt(problem_id=item, answer="x", correct=correct, score=float(correct), mode="practice",
                   at=at.isoformat(), seed=1)


def test_empty_store_json_has_every_topic():
    data = json.loads(CliRunner().invoke(app, ["stats", "--json"]).stdout)
    assert data["attempts"] == 0 and data["correct"] == 0
    for row in data["topics"]:
        assert {"topic", "attempts", "correct", "due"} <= set(row) and row["attempts"] == 0


def test_numbers_agree_with_what_was_stored():
    now = datetime.now(timezone.utc)
    with Store.open() as store:
        for i, (item, correct) in enumerate([("cnn.conv-output-size", True), ("cnn.conv-output-size", False),
                                             ("cnn.param-count", True), ("rnn.lstm-step", False)]):
            at = now - timedelta(days=4 - i)
            store.record(attempt(item, correct, at), review(store.card(item), item, correct, 0, at))
    data = json.loads(CliRunner().invoke(app, ["stats", "--json"]).stdout)
    by_topic = {row["topic"]: row for row in data["topics"]}
    assert (data["attempts"], data["correct"]) == (4, 2)
    assert (by_topic["cnn"]["attempts"], by_topic["cnn"]["correct"], by_topic["cnn"]["seen"]) == (3, 2, 2)
    assert by_topic["rnn"]["due"] == 1  # wrong a day ago: due again after minutes
    assert 0 <= by_topic["cnn"]["mastery"] <= 1
    assert len(data["days"]) == 4
    only = json.loads(CliRunner().invoke(app, ["stats", "--topic", "rnn", "--json"]).stdout)
    assert [row["topic"] for row in only["topics"]] == ["rnn"] and only["attempts"] == 1


def test_table_and_chart_render():
    with Store.open() as store:
        for day in range(3):
            store.record(attempt("cnn.param-count", day % 2 == 0, T0 + timedelta(days=day)))
        store.record(attempt("[/odd].topic", True, T0))  # imported from a file: shown, never parsed
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 0 and "[/odd]" in result.output
    assert "Progress" in result.output and "Accuracy per day" in result.output and "┤" in result.output
    assert "67%" in result.output  # cnn: 2 of 3 right


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["cnn.a", "cnn.b", "rnn.a", "old.gone"]), st.booleans(),
                          st.integers(0, 40 * 24)), max_size=40))
def test_totals_are_the_sum_of_the_topics(rows):
    attempts = [attempt(item, ok, T0 + timedelta(hours=h)) for item, ok, h in rows]
    cards = [CardRow("cnn.a", review(None, "cnn.a", True, 0, T0).card, T0.timestamp(), T0.timestamp())]
    data = stats.compute(attempts, cards, {"cnn": "CNN", "rnn": "RNN"}, {"cnn": 2, "rnn": 1}, now=T0)
    assert data["attempts"] == sum(r["attempts"] for r in data["topics"]) == len(attempts)
    assert data["correct"] == sum(r["correct"] for r in data["topics"]) == sum(ok for _, ok, _ in rows)
    assert sum(d["attempts"] for d in data["days"]) == len(attempts)
    assert ("old" in [r["topic"] for r in data["topics"]]) == any(i == "old.gone" for i, _, _ in rows)
    rolling = stats.rolling_accuracy(attempts)
    assert len(rolling) == len(attempts) and all(0 <= v <= 1 for v in rolling)


def test_mastery_of_a_topic_answered_mostly_wrong_is_low_not_full():
    # the case: 12 attempts, 58 % right, 6 due must not read as 100 % mastery
    now = datetime.now(timezone.utc)
    items = [f"cnn.{name}" for name in ("conv-output-size", "param-count", "pool-output-size",
                                         "receptive-field", "conv2d-forward", "unpooling")]
    history = [(item, [True, False], [2, 1]) for item in items[:5]] + [(items[5], [True, True], [90, 80])]
    with Store.open() as store:
        for item, answers, days_ago in history:
            for correct, days in zip(answers, days_ago):
                at = now - timedelta(days=days)
                store.record(attempt(item, correct, at), review(store.card(item), item, correct, 0, at))
    data = json.loads(CliRunner().invoke(app, ["stats", "cnn", "--json"]).stdout)
    (cnn,) = data["topics"]
    assert (cnn["attempts"], cnn["correct"], cnn["due"]) == (12, 7, 6)
    # only one item was last answered right: at most 1 of the topic's items is mastered
    assert cnn["mastery"] <= 1 / cnn["items"]
    assert cnn["recent"] == round(7 / 12, 4)
    shown = CliRunner().invoke(app, ["stats", "cnn", "--no-chart"]).output
    assert "100%" not in shown and "12 attempts, 7 right (58%)" in shown


def test_mastery_counts_predicted_recall_of_items_last_answered_right():
    cards = [CardRow(i, review(None, i, True, 0, T0).card, T0.timestamp(), T0.timestamp())
             for i in ("cnn.a", "cnn.b")]
    attempts = [attempt("cnn.a", True, T0), attempt("cnn.b", False, T0)]
    later = T0 + timedelta(days=3)
    data = stats.compute(attempts, cards, {"cnn": "CNN"}, {"cnn": 4}, now=later)
    from mpcheck.study.schedule import retrievability

    assert data["topics"][0]["mastery"] == round(retrievability(cards[0], later) / 4, 4)


def test_stats_help_says_what_mastery_means():
    text = CliRunner().invoke(app, ["stats", "--help"]).output
    assert "mastery" in text and "predicted recall" in text and "last answer" in text


def test_the_chart_counts_attempts_in_whole_numbers():
    with Store.open() as store:
        for i in range(3):
            store.record(attempt("cnn.param-count", i != 1, T0 + timedelta(minutes=i)))
    chart = CliRunner().invoke(app, ["stats"]).output.split("Accuracy over")[1]
    assert re.search(r"\d\.\d", chart) is None, chart  # no 0.33 or 1.67 on an axis of attempts
    assert "by attempt number" in chart


def test_the_chart_puts_dates_on_the_x_axis_with_the_gaps():
    with Store.open() as store:
        for day in (0, 1, 4):
            store.record(attempt("cnn.param-count", True, T0 + timedelta(days=day)))
    chart = CliRunner().invoke(app, ["stats"]).output.split("Accuracy per day")[1]
    assert "05-01" in chart and "05-03" in chart and "05-05" in chart  # 05-03: a day without attempts
    assert re.search(r"\d\.\d", chart) is None


def test_integer_ticks():
    from mpcheck.cli.study import integer_ticks

    assert integer_ticks(4) == [0, 1, 2, 3, 4]
    assert integer_ticks(30, start=1) == [1, 6, 11, 16, 21, 26]
    assert all(len(integer_ticks(n)) <= 7 for n in range(1, 5000, 37))
