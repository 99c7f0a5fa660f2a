"""Choosing what to practise: the mix favours generated problems, nothing repeats before its pool is
used up, --kind, and topics named the same way (several, any case) by quiz, review, exam, export."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.cli.quiz import quiz_problems
from mpcheck.study.deck import is_question, mixed_deck
from mpcheck.errors import UserError
from mpcheck.study.schedule import review_queue


def fake_pool(topic: str, problems: int, questions: int) -> list:
    template = registry().generators["cnn.param-count"]
    return ([replace(template, id=f"{topic}.gen-{i}") for i in range(problems)]
            + [replace(template, id=f"{topic}.q-{i}", origin="question") for i in range(questions)])


def assert_mixed_well(items: list, problems: int, questions: int) -> None:
    """One topic's part of a deck: two thirds generated in every prefix (where there are
    generators); each generator once per round; no concept question twice while generators can
    fill in, and only after every question otherwise."""
    made = [g.id for g in items if not is_question(g)]
    asked = [g.id for g in items if is_question(g)]
    if problems:
        for length in range(1, len(items) + 1):
            assert 3 * sum(not is_question(g) for g in items[:length]) >= 2 * length
        assert len(set(asked)) == len(asked)
        for start in range(0, len(made), problems):
            chunk = made[start:start + problems]
            assert len(set(chunk)) == len(chunk)
        if len(items) >= 3 * questions:
            assert len(asked) == questions  # every question gets its turn
    else:
        for start in range(0, len(asked), questions):
            chunk = asked[start:start + questions]
            assert len(set(chunk)) == len(chunk)


@settings(max_examples=150, deadline=None)
@given(problems=st.integers(0, 7), questions=st.integers(0, 18), n=st.integers(1, 70), seed=st.integers(0, 10**6))
def test_the_mix_of_one_topic(problems, questions, n, seed):
    pool = fake_pool("t", problems, questions)
    if not pool:
        return
    deck = mixed_deck(pool, n, seed)
    assert len(deck) == n and len({s for _, s in deck}) == n  # every question its own numbers
    assert_mixed_well([g for g, _ in deck], problems, questions)
    assert deck == mixed_deck(pool, n, seed)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10)).filter(lambda s: sum(s) > 0),
                      min_size=2, max_size=4), n=st.integers(1, 60), seed=st.integers(0, 10**6))
def test_topics_take_turns_and_each_is_mixed_well(sizes, n, seed):
    pools = {f"t{i}": fake_pool(f"t{i}", *size) for i, size in enumerate(sizes)}
    deck = [g for g, _ in mixed_deck([g for pool in pools.values() for g in pool], n, seed)]
    counts = [sum(g.topic == t for g in deck) for t in pools]
    assert max(counts) - min(counts) <= 1
    for (topic, pool), (problems, questions) in zip(pools.items(), sizes):
        assert_mixed_well([g for g in deck if g.topic == topic], problems, questions)


def test_rnn_sheet_of_30_has_no_question_twice_and_two_thirds_generated():
    # the example: `export rnn -n 30` asked one concept question twice
    result = CliRunner().invoke(app, ["export", "rnn", "-n", "30", "--seed", "1"])
    ids = re.findall(r"<sub>([\w.\-]+) · seed", result.output)
    assert len(ids) == 30
    asked = [i for i in ids if ".q-" in i]
    assert len(asked) == len(set(asked)) and len(ids) - len(asked) >= 20


def test_kind_chooses_problems_or_questions():
    made = quiz_problems(["rnn"], None, 12, 3, kind="problems")
    asked = quiz_problems(["rnn"], None, 20, 3, kind="questions")
    assert not any(is_question(p.generator) for p in made)
    assert all(is_question(p.generator) for p in asked)
    bank = {g.id for g in registry().generators.values() if g.topic == "rnn" and is_question(g)}
    assert {p.id for p in asked[:len(bank)]} == bank  # all of them before any comes again
    with pytest.raises(UserError, match="unknown kind"):
        quiz_problems(["rnn"], None, 3, 3, kind="sums")


def test_kind_with_nothing_of_that_kind_is_a_clean_error():
    from cli_helpers import assert_clean_error, run_cli

    done = run_cli("quiz", "cnn.param-count", "--kind", "questions", "--no-record", input="")
    assert_clean_error(done, "no concept questions in cnn.param-count")


def test_review_favours_generated_problems_among_new_items():
    pool = fake_pool("t", 4, 8)
    queue = review_queue(pool, {}, 12, seed=5)
    assert len({g.id for g in queue}) == 12  # each item once
    assert [is_question(g) for g in queue[:6]] == [False, False, True, False, False, True]


# -- the same way of naming topics everywhere ---------------------------------------------------

def summary(args: list[str], lines: str = "") -> dict:
    result = CliRunner().invoke(app, args, input=lines)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("topics", [["CNN", "rnn"], ["-t", "cnn,RNN"], ["cnn", "--topic", "Rnn"]])
def test_quiz_takes_several_topics_in_any_case(topics):
    data = summary(["quiz", *topics, "-n", "4", "--seed", "2", "--no-record", "--json"], "skip\n" * 4)
    assert data["topics"] == ["cnn", "rnn"]
    assert {q["topic"] for q in data["questions"]} == {"cnn", "rnn"}


def test_review_exam_and_export_take_topics_the_same_way():
    data = summary(["review", "RNN", "CNN", "-n", "4", "--seed", "1", "--json"], "skip\n" * 4)
    assert {q["topic"] for q in data["questions"]} == {"cnn", "rnn"}
    data = summary(["exam", "CNN", "rnn", "-n", "4", "--seed", "1", "--no-record", "--json"], "")
    assert data["topics_asked"] == ["cnn", "rnn"] and {q["topic"] for q in data["questions"]} == {"cnn", "rnn"}
    old_style = summary(["exam", "-t", "cnn,rnn", "-n", "4", "--seed", "1", "--no-record", "--json"], "")
    assert [q["id"] for q in old_style["questions"]] == [q["id"] for q in data["questions"]]
    sheet = CliRunner().invoke(app, ["export", "CNN", "Rnn", "-n", "6", "--seed", "1"]).output
    assert {i.split(".")[0] for i in re.findall(r"<sub>([\w.\-]+) · seed", sheet)} == {"cnn", "rnn"}
    assert "Exercises: cnn, rnn" in sheet


@pytest.mark.parametrize("args, shown", [(["problems", "CNN"], "cnn.conv-output-size"),
                                         (["stats", "CNN", "--json"], '"topic": "cnn"'),
                                         (["stats", "-t", "CNN", "--json"], '"topic": "cnn"'),
                                         (["progress", "export", "-t", "CNN"], '"attempts"'),
                                         (["ref", "CNN", "conv2d", "--source"], "mpcheck_cnn.references")])
def test_cnn_is_accepted_as_a_topic_everywhere(args, shown):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert shown in result.output


def test_an_unknown_topic_still_suggests():
    result = CliRunner().invoke(app, ["exam", "CNNN"])
    assert "did you mean cnn" in str(result.exception) + result.output
