"""The math topic's expression generators: sound over many seeds, params checked like answers."""

import json
import os

import pytest

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_math.chain import CHAIN_RULE
from mpcheck_math.implicit import IMPLICIT_DERIVATIVE

#: seeds per generator (the kit's contract: at least 500); MPCHECK_KIT_SEEDS lowers it while iterating
SEEDS = int(os.environ.get("MPCHECK_KIT_SEEDS", "500"))


def test_implicit_derivative_is_sound():
    assert_generator_sound(IMPLICIT_DERIVATIVE, seeds=range(SEEDS))


def test_chain_rule_is_sound():
    assert_generator_sound(CHAIN_RULE, seeds=range(SEEDS))


def test_the_circle_gives_minus_x_over_y():
    problem = Problem.from_params(IMPLICIT_DERIVATIVE, {"F": "x^2 + y^2 - 1"})
    assert problem.check("-x/y").correct
    assert problem.check("x/(-y)").correct
    forgot = problem.check("x/y")
    assert not forgot.correct and forgot.mistake == "forgot-minus"
    inverted = problem.check("-y/x")
    assert not inverted.correct and inverted.mistake == "inverted"


def test_implicit_answer_against_an_explicit_branch():
    # oracle: y = (3 − x²)^(1/3) solves x² + y³ = 3; its derivative must equal −F_x/F_y there
    import sympy as sp

    x = sp.Symbol("x", real=True)
    branch = (3 - x**2) ** sp.Rational(1, 3)
    problem = Problem.from_params(IMPLICIT_DERIVATIVE, {"F": "x^2 + y^3 - 3"})
    answer = IMPLICIT_DERIVATIVE.answer_kind.from_json(problem.answer)
    y = next(s for s in answer.free_symbols if str(s) == "y")
    xs = next(s for s in answer.free_symbols if str(s) == "x")
    for value in (0.3, 0.9, 1.4):
        direct = sp.diff(branch, x).subs(x, value)
        implicit = answer.subs({xs: value, y: branch.subs(x, value)})
        assert abs(float(direct - implicit)) < 1e-12


def test_chain_rule_against_sympy_diff_of_the_composite():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    problem = Problem.from_params(CHAIN_RULE, {"outer": "sin", "inner": "3*x^2 + 1"})
    assert problem.check("6x cos(3x^2 + 1)").correct
    assert problem.check("cos(3*x^2+1)").mistake == "forgot-inner-derivative"
    assert problem.check("6*x*cos(x)").mistake == "outer-at-x"
    expected = sp.diff(sp.sin(3 * x**2 + 1), x)
    answer = CHAIN_RULE.answer_kind.from_json(problem.answer)
    assert sp.simplify(answer.subs(next(iter(answer.free_symbols)), x) - expected) == 0


@pytest.mark.parametrize("F, fragment", [
    ("x^2 - 1", "both x and y"),
    ("y^2 - 1", "both x and y"),
    ("__import__('os').system('ls')", "'F'"),
    ("x.real + y", "'F'"),
    ("(x+y)**1000000", "'F'"),
    ("x + z", "'F'"),
    (3, "'F'"),
])
def test_bad_curves_are_rejected_with_the_key_named(F, fragment):
    with pytest.raises(ParamsError) as error:
        Problem.from_params(IMPLICIT_DERIVATIVE, {"F": F})
    assert fragment in str(error.value)


def test_params_keys_are_exact():
    with pytest.raises(ParamsError):
        Problem.from_params(IMPLICIT_DERIVATIVE, {"F": "x*y - 1", "G": "x"})
    with pytest.raises(ParamsError):
        Problem.from_params(CHAIN_RULE, {"outer": "gamma", "inner": "x^2"})
    with pytest.raises(ParamsError):
        Problem.from_params(CHAIN_RULE, {"outer": "exp", "inner": "x + 2"})


def test_sampled_params_are_exactly_the_contract():
    for seed in range(20):
        params = Problem.from_seed(IMPLICIT_DERIVATIVE, seed).params
        assert set(params) == {"F"} and isinstance(params["F"], str)
        assert json.loads(json.dumps(params)) == params
