"""A corpus of expression pairs, equal and different, that a checker you can trust must get
right: identities SymPy proves or that floats garble (an expanded degree-13 polynomial), and
near misses that a numeric screen at 1e-7 would accept (two constants 1e-16 apart, a term of
e^(−100)). Oracle: each pair's truth is known by construction (stated beside it)."""

from __future__ import annotations

import pytest

from mpcheck.answers.expression import Expression

KIND = Expression(variables=("x", "y"))
POLY = "512*(2*x+5)^7*(5*x-1)^5*(70*x+67)"


def _expanded(text: str) -> str:
    import sympy as sp

    from mpcheck.answers.formula import parse_expression

    return sp.sstr(sp.expand(parse_expression(text, ("x", "y"))))


EQUAL = [
    ("(x+1)^2", "x^2 + 2*x + 1"),
    ("x^3 - y^3", "(x - y)*(x^2 + x*y + y^2)"),
    ("1/(x-1) - 1/(x+1)", "2/(x^2 - 1)"),
    ("(x^2 - 1)/(x - 1)", "x + 1"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("sin(2*x)", "2*sin(x)*cos(x)"),
    ("cosh(x)^2 - sinh(x)^2", "1"),
    ("exp(x + y)", "exp(x)*exp(y)"),
    ("tanh(x)", "(exp(2*x) - 1)/(exp(2*x) + 1)"),
    ("sigmoid(x)", "1/(1 + exp(-x))"),
    ("sigmoid(x)*(1 - sigmoid(x))", "exp(-x)/(1 + exp(-x))^2"),
    ("abs(x)", "sqrt(x^2)"),
    ("0.5*x", "x/2"),
    ("0.1", "1/10"),
    ("2.5e-3", "1/400"),
    ("sqrt(8)", "2*sqrt(2)"),
    ("log(8)", "3*log(2)"),
    ("(sqrt(2) + 1)^2", "3 + 2*sqrt(2)"),
    ("exp(log(x)*2)", "x^2"),
    ("-x/y", "x/(-y)"),
    # floats cancel catastrophically near the roots of the factored form; SymPy expands it
    ("EXPANDED", POLY),
]

DIFFERENT = [
    # two constants 1e-16 apart: a 1e-7 screen says "equal", exact arithmetic does not
    ("99999999/10^8", "99999998/99999999"),
    ("1/3 + 10^-9", "1/3"),
    ("x^2", "x^2 + 10^-12"),
    ("pi", "355/113"),
    ("log(2)", "0.6931471805599453"),
    ("sqrt(2)", "1.4142135623730951"),
    ("exp(x)", "exp(x) + exp(-100)"),
    ("tanh(x)", "(exp(x) - exp(-x))/(exp(x) + exp(-x)) + 10^-25"),
    ("EXPANDED + x^2/10^20", POLY),
    ("sqrt(x^2)", "x"),
    ("sin(x)", "x - x^3/6 + x^5/120"),
    ("(1 + x/100)^100", "exp(x)"),
    ("sigmoid(x)", "1/(1 + exp(x))"),
    ("atan(x) + atan(1/x)", "pi/2"),
    ("x*y", "x*y + 10^-30*y"),
]


def _read(text: str):
    return KIND.parse(text.replace("EXPANDED", f"({_expanded(POLY)})"))


@pytest.mark.parametrize("first, second", EQUAL)
def test_equal_pairs_are_accepted(first, second):
    match = KIND.compare(_read(first), _read(second))
    assert match.correct, f"{first} = {second} rejected: {match.message}"
    assert match.method in ("symbolic", "numeric")


@pytest.mark.parametrize("first, second", DIFFERENT)
def test_different_pairs_are_rejected(first, second):
    match = KIND.compare(_read(first), _read(second))
    assert not match.correct, f"{first} ≠ {second} accepted: {match.message}"
    assert match.method in ("exact", "symbolic", "numeric")


def test_two_rational_constants_are_compared_exactly():
    match = KIND.compare(_read("99999999/10^8"), _read("99999998/99999999"))
    assert match.method == "exact"


def test_the_verdict_names_what_decided_and_blames_no_time_limit_it_did_not_hit():
    assert KIND.compare(_read("1/3 + 10^-9"), _read("1/3")).message == "Not equivalent to the expected expression."
    numeric = KIND.compare(_read("pi"), _read("355/113"))
    assert numeric.method == "numeric" and "ran out of time" not in numeric.message
    assert "could not simplify" in numeric.message
    assert KIND.compare(_read("EXPANDED"), _read(POLY)).method == "symbolic"


def test_on_a_curve_forms_equal_there_are_right():
    on_curve = Expression(variables=("x", "y"), curve="F").bind({"F": "x*y - 1"})
    right = on_curve.parse("-y/x")
    for form in ("-y^2", "-1/x^2", "-x*y^3", "-y/x + (x*y - 1)"):
        assert on_curve.compare(on_curve.parse(form), right).correct, form
    for wrong in ("y^2", "y/x", "-x/y", "-y^2 + 10^-20"):
        assert not on_curve.compare(on_curve.parse(wrong), right).correct, wrong
    # off the curve the two differ: without the curve the same pair is wrong
    assert not KIND.compare(KIND.parse("-y^2"), KIND.parse("-y/x")).correct
