"""Integer, Real and Fraction: exactness, tolerance at its boundary, and the near-miss rule."""

from __future__ import annotations

from fractions import Fraction as Rational

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mpcheck.answers.kinds import Fraction, Integer, Real
from mpcheck.answers.reals import format_real, safe_digits
from mpcheck.api import Generator, Mistake
from mpcheck.problem import Problem
from mpcheck.testing import assert_kind_sound

reals = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-300, max_value=1e300).flatmap(lambda x: st.sampled_from([x, -x])),
    st.integers(-10**6, 10**6).map(float),
    st.fractions(max_denominator=64).map(float).filter(lambda x: abs(x) < 1e6),
)


# --- Integer -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["12", "12.0", "24/2", "1.2e1", " +12 ", "(12)", "sqrt(144)", "3*4"])
def test_integer_forms_of_twelve(text):
    kind = Integer()
    assert kind.compare(kind.parse(text), 12).correct


def test_integer_that_is_not_whole_is_wrong_and_says_so():
    kind = Integer()
    match = kind.compare(kind.parse("12.5"), 12)
    assert not match.correct and "whole number" in match.message
    assert not kind.compare(kind.parse("11"), 12).correct


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**15, 10**15))
def test_integer_kind_is_sound(n):
    assert_kind_sound(Integer(), n)


def test_integer_from_json_rejects_non_integers():
    with pytest.raises(TypeError):
        Integer().from_json(True)
    with pytest.raises(ValueError):
        Integer().from_json(2.5)
    assert Integer().from_json(3.0) == 3


# --- Real --------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(reals, st.sampled_from([1e-3, 1e-2, 1e-4, 1e-6]))
def test_real_kind_is_sound(x, rtol):
    assert_kind_sound(Real(rtol=rtol), x)


@settings(max_examples=300, deadline=None)
@given(reals, st.sampled_from([1e-3, 1e-2, 1e-5]), st.sampled_from([1e-6, 1e-3]))
def test_real_tolerance_boundary(x, rtol, atol):
    kind = Real(rtol=rtol, atol=atol)
    tol = max(rtol * abs(x), atol)
    assume(tol > 1e-12 * abs(x))  # the step must survive float rounding
    for sign in (1, -1):
        assert kind.compare(x + sign * 0.9 * tol, x).correct
        assert not kind.compare(x + sign * 1.1 * tol, x).correct


@pytest.mark.parametrize("expected, given, right", [
    (0.0, 0.0, True), (0.0, 1e-12, False), (1e-5, 1e-5 + 9e-9, True), (1e-5, 1e-5 + 1.1e-8, False),
    (1000.0, 1000.9, True), (1000.0, 1001.1, False), (-2.0, -2.0019, True), (-2.0, -2.0021, False),
    # no absolute floor: a small answer is judged relatively too, so a sign flip or a factor of 3
    # never passes (sigmoid'(−15) = 3.06e-7)
    (3.059e-7, -5e-7, False), (3.059e-7, -3.059e-7, False), (3.059e-7, 9.2e-7, False),
    (3.059e-7, 3.0592e-7, True),
])
def test_real_tolerance_examples(expected, given, right):
    assert Real().compare(given, expected).correct is right


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-300, max_value=1e300), st.sampled_from([1, -1]),
       st.sampled_from([-1.0, 3.0, 1 / 3, 0.0]))
def test_no_sign_flip_or_factor_of_three_passes_at_any_scale(x, sign, factor):
    assert not Real().compare(factor * sign * x, sign * x).correct


@pytest.mark.parametrize("expected, text, written, needed", [
    (1 / 3, "0.33", 2, 3), (1 / 3, "0.3", 1, 3), (1 / 3, "3.3e-1", 2, 3), (2 / 3, "0.67", 2, 3),
    (2.4, "2", 1, 2), (123.456, "123", 3, 4), (-0.123456, "-0.123", 3, 4),
])
def test_near_miss_is_told_apart_from_wrong(expected, text, written, needed):
    kind = Real()
    match = kind.compare(kind.parse(text), expected)
    assert not match.correct and match.near
    assert f"right to {written} significant digit" in match.message.lower()
    assert f"at least {needed} significant digits" in match.message


@pytest.mark.parametrize("expected, text", [(1 / 3, "0.34"), (1 / 3, "0.32"), (2 / 3, "0.66"),
                                            (1 / 3, "(0.33)"), (0.5, "0"), (1 / 3, "1/3.1")])
def test_plainly_wrong_is_not_near(expected, text):
    kind = Real()
    match = kind.compare(kind.parse(text), expected)
    assert not match.correct and not match.near


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e6), st.integers(1, 3))
def test_rounded_too_coarsely_is_near_and_off_by_a_digit_is_not(x, digits):
    kind = Real()
    rounded = f"{x:.{digits - 1}e}"
    assume(not kind.compare(float(rounded), x).correct)
    assert kind.compare(kind.parse(rounded), x).near
    mantissa, exponent = rounded.split("e")
    unit = 10.0 ** (int(exponent) - (digits - 1))
    off = f"{float(mantissa) + 2 * 10.0 ** -(digits - 1):.{digits - 1}f}e{exponent}"
    assume(abs(float(off) - x) > 1.6 * unit)
    assert not kind.compare(kind.parse(off), x).near


def _real_problem(value: float) -> Problem:
    gen = Generator(id="t.real", title="t", answer_kind=Real(), sample_params=lambda rng: {},
                    validate_params=lambda p: None, solve=lambda p: value, prompt=lambda p: "?",
                    solution=lambda p: "!",
                    mistakes=(Mistake("doubled", "You doubled it.", lambda p: 2 * value),))
    return Problem.from_params(gen, {})


def test_near_miss_reaches_the_verdict():
    problem = _real_problem(1 / 3)
    near, wrong = problem.check("0.33"), problem.check("0.5")
    assert near.near and not near.correct and "significant digits" in near.feedback
    assert not wrong.near and not wrong.correct and wrong.feedback != near.feedback
    assert problem.check("0.6667").mistake == "doubled"
    assert problem.check("1/3").correct and problem.check("0.3333").correct


@pytest.mark.parametrize("x, text", [(0.25, "0.25"), (1e-7, "1e-7"), (3.0, "3"), (-2.5e20, "-2.5e20"),
                                     (1 / 3, "0.333333"), (123456.789, "123457")])
def test_real_canonical_text(x, text):
    assert format_real(x) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-200, max_value=1e200), st.sampled_from([1e-2, 5e-3, 1e-3, 1e-4, 1e-6]))
def test_the_digits_promised_in_the_instructions_are_enough(x, rtol):
    digits = safe_digits(rtol)
    assert f"at least {digits} significant digits" in Real(rtol=rtol).instructions
    assert Real(rtol=rtol, atol=0.0).compare(float(f"{x:.{digits - 1}e}"), x).correct


def test_canonical_text_keeps_enough_digits_for_a_tight_tolerance():
    kind = Real(rtol=1e-9)
    assert kind.compare(kind.parse(kind.format(1 / 3)), 1 / 3).correct


def test_real_from_json_rejects_bad_values():
    for bad in (True, "1", None, float("nan"), float("inf")):
        with pytest.raises((TypeError, ValueError)):
            Real().from_json(bad)


# --- Fraction ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1/3", "2/6", " 2 / 6 ", "(1)/(3)", "1/(2+1)", "3^-1"])
def test_fraction_forms_of_one_third(text):
    kind = Fraction()
    assert kind.compare(kind.parse(text), kind.from_json("1/3")).correct


def test_fraction_decimal_that_is_exact_is_right_and_an_approximation_is_near():
    kind = Fraction()
    assert kind.compare(kind.parse("0.25"), kind.from_json("1/4")).correct
    near = kind.compare(kind.parse("0.333"), kind.from_json("1/3"))
    assert not near.correct and near.near and "exact fraction" in near.message
    wrong = kind.compare(kind.parse("0.4"), kind.from_json("1/3"))
    assert not wrong.correct and not wrong.near


@settings(max_examples=300, deadline=None)
@given(st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**9))
def test_fraction_kind_is_sound(value):
    kind = Fraction()
    assert_kind_sound(kind, kind.to_json(value))
    assert kind.from_json(kind.to_json(value)) == value


def test_fraction_json_forms():
    kind = Fraction()
    assert kind.from_json("-6/8") == Rational(-3, 4) and kind.from_json(5) == 5
    assert kind.to_json(Rational(3, 4)) == "3/4" and kind.to_json(Rational(4, 2)) == 2
    for bad in ("1/0", "a/b", 0.5, True, "1/3/4"):
        with pytest.raises((TypeError, ValueError)):
            kind.from_json(bad)
