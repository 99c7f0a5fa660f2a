"""Choice, Boolean and multi-part answers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.answers.kinds import Boolean, Choice, Fraction, Integer, Matrix, Parts, Real, Shape, Vector
from mpcheck.api import Generator, Mistake
from mpcheck.errors import AnswerError
from mpcheck.problem import Problem
from mpcheck.testing import assert_kind_sound

OPTIONS = ("convolution", "cross-correlation", "pooling", "dropout")


# --- Choice ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["b", "B", "b)", "(b)", " b ", "[b]", "b."])
def test_single_choice_forms(text):
    assert Choice(OPTIONS).parse(text) == "b"


@pytest.mark.parametrize("text", ["a, c", "a c", "ac", "[a, c]", "C, A", "c and a", "a) c)", "a;c", "CA"])
def test_multiple_choice_forms_ignore_order(text):
    kind = Choice(OPTIONS, multiple=True)
    assert kind.compare(kind.parse(text), kind.from_json(["c", "a"])).correct


def test_unknown_letter_lists_the_valid_ones():
    with pytest.raises(AnswerError, match="a, b, c or d"):
        Choice(OPTIONS).parse("e")
    with pytest.raises(AnswerError, match="not an option"):
        Choice(OPTIONS, multiple=True).parse("a, x")
    with pytest.raises(AnswerError, match="not an option"):
        Choice(OPTIONS).parse("ab")
    with pytest.raises(AnswerError, match="CYRILLIC"):
        Choice(OPTIONS).parse("\u0430")  # Cyrillic а


def test_option_text_is_read_only_when_enabled():
    with pytest.raises(AnswerError):
        Choice(OPTIONS).parse("Pooling")
    assert Choice(OPTIONS, match_text=True).parse(" Pooling ") == "c"


def test_multiple_choice_feedback():
    kind = Choice(OPTIONS, multiple=True)
    expected = kind.from_json(["a", "c"])
    assert "more option" in kind.compare(kind.parse("a"), expected).message
    assert "not apply" in kind.compare(kind.parse("a c d"), expected).message
    assert not kind.compare(kind.parse("none"), expected).correct


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 8), st.data())
def test_choice_kinds_are_sound(count, data):
    options = tuple(f"option {i}" for i in range(count))
    letters = "abcdefgh"[:count]
    assert_kind_sound(Choice(options), data.draw(st.sampled_from(letters)))
    chosen = data.draw(st.sets(st.sampled_from(letters), min_size=1))
    assert_kind_sound(Choice(options, multiple=True), sorted(chosen))


# --- Boolean -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("true", True), ("T", True), ("Yes", True), ("y", True), ("1", True),
                                         ("false", False), ("F", False), ("no", False), ("N", False),
                                         ("0", False), ("  TRUE. ", True)])
def test_boolean_words(text, value):
    assert Boolean().parse(text) is value


@pytest.mark.parametrize("text", ["maybe", "", "2", "tru"])
def test_boolean_refusals(text):
    with pytest.raises(AnswerError):
        Boolean().parse(text)


@pytest.mark.parametrize("value", [True, False])
def test_boolean_kind_is_sound(value):
    assert_kind_sound(Boolean(), value)


# --- Parts -------------------------------------------------------------------------------------

LSTM = Parts({"h": Vector(), "c": Vector()})
EXPECTED = {"h": [0.1, 0.2], "c": [0.3, 0.4]}


@pytest.mark.parametrize("text", [
    '{"h": "[0.1, 0.2]", "c": [0.3, 0.4]}', '{"c": "0.3 0.4", "h": [0.1, 0.2]}',
    "h: [0.1, 0.2]\nc: [0.3, 0.4]", "h = 0.1, 0.2\nc = 0.3 0.4", "c: [0.3, 0.4]\nh: [0.1, 0.2]",
    "h: [0.1, 0.2]; c: [0.3, 0.4]", "h: 0.1, 0.2, c: 0.3, 0.4", "  h : (1/10, 1/5)\n\n  c : [0.3, 0.4]  ",
])
def test_parts_formats(text):
    match = LSTM.compare(LSTM.parse(text), LSTM.from_json(EXPECTED))
    assert match.correct and set(match.parts) == {"h", "c"}


@pytest.mark.parametrize("text, message", [
    ("h: [0.1, 0.2]", "missing part c"), ('{"h": [0.1, 0.2]}', "missing part c"),
    ("h: [0.1, 0.2]\nc: [0.3, 0.4]\nx: 1", "unknown part 'x'"), ('{"h": 1, "c": 2, "z": 3}', "unknown part 'z'"),
    ("[0.1, 0.2]", "name: value"), ("h: [0.1, 0.2]\nh: [0.1]\nc: 1", "given twice"),
    ('{"h": "[0.1, x]", "c": [1]}', "part h: entry 2"), ('{"h": [0.1, "x"], "c": [1]}', "part h"),
    ('{"h": [NaN], "c": [1]}', "part h"), ('{"h": 1 "c": 2}', "not a valid JSON"), ('{"h": ', "never closed"), ('{"h": [1e999], "c": [1]}', "part h"),
    ("junk\nh: 1\nc: 2", "which part"), ("", "empty"),
])
def test_parts_refusals_name_the_part(text, message):
    with pytest.raises(AnswerError, match=message):
        LSTM.parse(text)


def test_parts_compare_gives_partial_credit_and_per_part_feedback():
    match = LSTM.compare(LSTM.parse("h: [0.1, 0.2]\nc: [0.3, 0.5]"), LSTM.from_json(EXPECTED))
    assert not match.correct and match.score == 0.5
    assert match.parts["h"].correct and not match.parts["c"].correct
    assert "wrong: c" in match.message


def test_parts_compare_only_the_parts_both_have():
    partial = LSTM.from_json({"c": [0.3, 0.4]})
    assert LSTM.compare(LSTM.parse("h: [9, 9]\nc: [0.3, 0.4]"), partial).correct


def test_parts_mistake_naming_one_part_is_recognised():
    gen = Generator(
        id="t.lstm", title="t", answer_kind=LSTM, sample_params=lambda rng: {}, validate_params=lambda p: None,
        solve=lambda p: EXPECTED, prompt=lambda p: "?", solution=lambda p: "!",
        mistakes=(Mistake("forgot-forget-gate", "f", lambda p: {"c": [0.6, 0.8]}),))
    problem = Problem.from_params(gen, {})
    verdict = problem.check("h: [0.1, 0.2]\nc: [0.6, 0.8]")
    assert not verdict.correct and verdict.mistake == "forgot-forget-gate" and verdict.score == 0.5
    assert verdict.parts["h"]["correct"] and not verdict.parts["c"]["correct"]


MIXED = Parts({"m": Matrix(), "k": Choice(("x", "y", "z"), multiple=True), "n": Integer(), "b": Boolean(),
               "shape": Shape(), "f": Fraction(), "r": Real()})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=4, max_size=4), st.sets(st.sampled_from("xyz"), min_size=1),
       st.integers(-1000, 1000), st.booleans(), st.fractions(max_denominator=50), st.floats(-1e6, 1e6))
def test_mixed_parts_are_sound(cells, letters, n, flag, fraction, real):
    letters = sorted({"xyz".index(c) for c in letters})
    value = {"m": [cells[:2], cells[2:]], "k": ["abc"[i] for i in letters], "n": n, "b": flag,
             "shape": [3, abs(n) + 1], "f": Fraction().to_json(fraction), "r": real}
    assert_kind_sound(MIXED, value)
    assert MIXED.compare(MIXED.parse(json.dumps(value)), MIXED.from_json(value)).correct
