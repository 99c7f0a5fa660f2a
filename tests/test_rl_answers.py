"""The plugin's answers: a policy typed on a grid (its own kind), and a value after one update judged by its step."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.errors import AnswerError
from mpcheck.testing import assert_kind_sound
from mpcheck.problem import Problem
from mpcheck_rl import td
from mpcheck_rl.answers import MAX_POLICY_CHARS, PolicyGrid

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


# --- a value after one update, graded by its step ---------------------------------------------

def td_problem(old: float, new_target: float) -> Problem:
    """TD(0) from V(s) = ``old`` towards a target ``new_target`` with α = 1/2, non-terminal."""
    params = {"V": [old, 2 * new_target], "s": 0, "r": 0.0, "s_next": 1, "alpha": 0.5, "gamma": 0.5,
              "terminal": False}
    return Problem.from_params(td.TD0_UPDATE, params)


def test_a_td_value_is_graded_relative_to_its_step():
    problem = td_problem(2.0, 2.02)  # V ← 2 + ½ (2.02 − 2) = 2.01: a step of 0.01
    assert problem.answer == pytest.approx(2.01)
    assert problem.check("2.01").correct
    assert problem.check("2.010009").correct          # 0.09 % of the step
    assert not problem.check("2.0102").correct        # 2 % of the step, 0.01 % of the value
    assert not problem.check("2").correct             # no step at all


def test_a_td_value_rounded_before_its_step_is_resolved_asks_for_digits():
    problem = td_problem(1.2, 1.26912)  # new value 1.23456, a step of 0.03456
    verdict = problem.check("1.23")
    assert not verdict.correct and verdict.near and "significant digits" in verdict.feedback
