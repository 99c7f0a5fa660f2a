"""The plugin's two answer kinds: a policy typed on a grid, and a value after one update judged by its step."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.errors import AnswerError
from mpcheck.testing import assert_kind_sound
from mpcheck_rl.answers import MAX_POLICY_CHARS, PolicyGrid, StepReal

KIND = PolicyGrid()


@pytest.mark.parametrize("expected", [
    [["R", "R", "."], ["U", "#", "."], ["U", "L", "L"]],
    [[".", "UL"], ["D", "URDL"]],
    [["D"]],
    [["L", "R", "U", "D", "#", "."]],
])
def test_policy_kind_is_sound(expected):
    assert_kind_sound(KIND, expected)


def test_arrows_letters_compass_and_layouts_read_the_same():
    expected = KIND.from_json([["R", "D"], ["U", "."]])
    for text in ("R D ; U .", "→ ↓\n↑ #", "rd;u.", "E S ; N -", "> v ; ^ .", "[[R, D], [U, .]]", "R, D; U, ·"):
        assert KIND.compare(KIND.parse(text), expected).correct, text


@pytest.mark.parametrize("text, words", [
    ("R X ; U .", "unknown symbol 'X'"),
    ("R ☃ ; U .", r"U\+2603 SNOWMAN"),
    ("R D ; U . \x00", "NULL"),
    ("R // D", "between two actions"),
    ("/R", "between two actions"),
    ("R/ ; U", "between two actions"),
    ("   ;  ; ", "empty"),
    ("R" * 20, "more than 16 cells"),
    (";".join(["R"] * 20), "too many rows"),
    ("R " * MAX_POLICY_CHARS, "too long"),
])
def test_hostile_or_malformed_policies_are_refused_with_a_reason(text, words):
    with pytest.raises(AnswerError, match=words):
        KIND.parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_cleanly(text):
    try:
        value = KIND.parse(text)
    except AnswerError as exc:
        assert str(exc)
        return
    KIND.compare(value, KIND.from_json([["R", "."], ["#", "U"]]))


def test_policy_feedback_names_cells_and_shapes():
    expected = KIND.from_json([["R", "."], ["#", "U"]])
    assert "2 rows of 2 cells" in KIND.compare(KIND.parse("R ."), expected).message
    wrong = KIND.compare(KIND.parse("R R ; # U"), expected)
    assert not wrong.correct and "row 1, column 2 is a terminal cell" in wrong.message
    missing = KIND.compare(KIND.parse("R . ; # ."), expected)
    assert not missing.correct and "needs an action" in missing.message


def test_ties_accept_any_subset_but_nothing_outside():
    expected = KIND.from_json([["UR"]])
    for text in ("U", "R", "U/R", "R/U", "↑/→"):
        assert KIND.compare(KIND.parse(text), expected).correct, text
    for text in ("L", "U/L", "."):
        assert not KIND.compare(KIND.parse(text), expected).correct, text


def test_from_json_refuses_bad_cells():
    for bad in ([], [[]], [["X"]], [["UU"]], "R", [["R", 1]]):
        with pytest.raises((TypeError, ValueError)):
            KIND.from_json(bad)


# --- StepReal ------------------------------------------------------------------------------------

def test_step_real_grades_relative_to_the_step():
    kind = StepReal()
    new = kind.record(2.01, 2.0)  # a step of 0.01
    assert kind.compare(kind.parse("2.01"), new).correct
    assert kind.compare(kind.parse("2.010009"), new).correct          # 0.09 % of the step
    assert not kind.compare(kind.parse("2.0102"), new).correct        # 2 % of the step, 0.01 % of the value
    assert not kind.compare(kind.parse("2"), new).correct             # no step at all
    assert_kind_sound(kind, new)


def test_step_real_is_stricter_never_looser_when_values_collide():
    kind = StepReal()
    kind.record(1.5, 1.0)     # step 0.5
    kind.record(1.5, 1.499)   # the same value after a step of 0.001 elsewhere
    assert kind.tolerance(1.5) == pytest.approx(1e-6)
    assert not kind.compare(kind.parse("1.5004"), 1.5).correct


def test_step_real_without_a_record_behaves_like_real():
    kind = StepReal()
    assert kind.compare(kind.parse("3.0004"), 3.0).correct
    assert not kind.compare(kind.parse("3.01"), 3.0).correct


def test_step_real_near_miss_asks_for_digits():
    kind = StepReal()
    new = kind.record(1.23456, 1.2)   # step 0.03456
    match = kind.compare(kind.parse("1.23"), new)
    assert not match.correct and match.near and "significant digits" in match.message


def test_step_real_memory_is_bounded():
    kind = StepReal()
    for i in range(10_000):
        kind.record(float(i) + 0.5, float(i))
    assert len(kind._before) <= 4_096


def test_step_real_near_miss_needs_the_step_resolved():
    kind = StepReal()
    new = kind.record(0.65, 0.5)     # step 0.15
    assert not kind.compare(kind.parse("1"), new).near      # 1 does not resolve a step of 0.15
    near = kind.compare(kind.parse("0.6"), new)
    assert not near.correct and near.near
