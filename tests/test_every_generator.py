"""Promises every registered generator keeps, checked over the registry (topics added later
included, with no list to update):

- what you see is what is graded: every number in the params appears in the prompt, exactly;
- no crash on valid params: params drawn at the edges of what ``validate_params`` accepts (huge
  and tiny magnitudes, zeros, ties, long decimals, 1×1 sizes) are refused with a ``ParamsError``
  or shown, solved and checked without an exception;
- no known mistake is graded right: a mistake's answer typed to four significant digits on a
  sampled problem, and a mistake's exact answer on any valid params, is never ✓ (unless the
  mistake gives the right answer there).
"""

from __future__ import annotations

import json
import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from mpcheck.host import plugins
from mpcheck.errors import ParamsError
from mpcheck.problem import SAME_VALUE, Problem, is_finite_json


def _generators() -> list:
    # collected before any test's fixture isolates MPCHECK_HOME: leave the user's caches alone
    saved = os.environ.get("MPCHECK_NO_PLUGIN_CACHE")
    os.environ["MPCHECK_NO_PLUGIN_CACHE"] = "1"
    try:
        found = plugins.registry().generators.values()
    finally:
        if saved is None:
            del os.environ["MPCHECK_NO_PLUGIN_CACHE"]
        else:
            os.environ["MPCHECK_NO_PLUGIN_CACHE"] = saved
    return sorted((g for g in found if g.origin == "generator"), key=lambda g: g.id)


GENERATORS = _generators()
NUMERIC = [g for g in GENERATORS if g.answer_kind.name != "expression"]
SYMBOLIC = [g for g in GENERATORS if g.answer_kind.name == "expression"]


def by_id(generators):
    return pytest.mark.parametrize("generator", generators, ids=lambda g: g.id)


# --- what you see is what is graded ------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?|\.\d+)(?:\s*[eE]\s*([+\-−]?\d+))?")
#: 2.5 \times 10^{-3}, 2.5·10^-3 and a bare 10^{-3}, as a LaTeX or Unicode text may write them
POWER_OF_TEN = re.compile(r"(?:(\d+(?:\.\d*)?)\s*(?:\\times|\\cdot|×|·)\s*)?10\^\{?\s*([+\-−]?\d+)\s*\}?")
LOG_NAME = re.compile(r"\\?ln\s*\(?\s*(\d+)")


def numbers_shown(text: str) -> set[float]:
    """The magnitudes of the numbers a text shows: decimals, scientific and LaTeX powers of ten,
    and ln k for the logarithms a prompt names exactly."""
    shown = set()
    for mantissa, exponent in POWER_OF_TEN.findall(text):
        shown.add(float(f"{mantissa or 1}e{exponent.replace('−', '-')}"))
    for whole, exponent in NUMBER.findall(text):
        shown.add(float(f"{whole}e{exponent.replace('−', '-')}" if exponent else whole))
    shown.update(math.log(int(k)) for k in LOG_NAME.findall(text) if 1 < int(k) < 10_000)
    return shown


def numbers_in(params) -> list[float]:
    if isinstance(params, bool) or params is None or isinstance(params, str):
        return []
    if isinstance(params, (int, float)):
        return [abs(float(params))]
    values = params.values() if isinstance(params, dict) else params
    return [v for item in values for v in numbers_in(item)]


def drawn_from_a_grid(params):
    """A gridworld problem's P and R are built from the grid the prompt draws, and its slip is
    stated as the probabilities it gives (1 − slip ahead, slip/2 to each side): the numbers to
    find in the prompt are the grid's rewards and the other params."""
    if not isinstance(params, dict) or not isinstance(params.get("grid"), dict):
        return params
    grid = params["grid"]
    rest = {k: v for k, v in params.items() if k not in ("P", "R", "grid")}
    if "policy" in rest:  # arrows on the grid; a terminal cell's row (uniform, irrelevant) is not drawn
        rest["policy"] = [row for row in rest["policy"] if len(set(row)) > 1]
    slip = grid.get("slip", 0)
    return {**rest, "rewards": [grid.get("terminal_rewards"), grid.get("step_reward")],
            "moves": [1 - slip, slip / 2] if slip else []}


def assert_params_shown(problem: Problem) -> None:
    prompt = problem.prompt()
    shown = numbers_shown(prompt) | {round(v, 12) for v in numbers_shown(prompt)}
    # (a zero may be said in words: "no output layer", "without padding"; a one may be implicit,
    # as in a coefficient: "G(x) = x + 0.3")
    params = drawn_from_a_grid(problem.params)
    policy = params.get("policy") if isinstance(params, dict) else None
    if policy and all(len(set(row)) == 1 for row in policy) and "uniform" in prompt.lower():
        params = {k: v for k, v in params.items() if k != "policy"}  # "the uniform random policy"
    hidden = [v for v in numbers_in(params)
              if v not in shown and round(v, 12) not in shown and v not in (0, 1)]
    assert not hidden, (f"{problem.id} {json.dumps(problem.params)}: the prompt does not show "
                        f"{hidden[:5]} exactly:\n{prompt}")


def test_the_number_reader_reads_what_prompts_write():
    text = r"θ = [0.10004, -2], ε = 1e-8, $\eta = 2.5 \times 10^{-3}$, z = ln 3 (≈ 1.099), 12×12"
    assert {0.10004, 2.0, 1e-8, 2.5e-3, math.log(3), 12.0} <= numbers_shown(text)
    assert 0.1 not in numbers_shown("w = 0.10004")


@by_id(GENERATORS)
def test_prompts_show_the_params_exactly(generator):
    for seed in range(8 if generator in SYMBOLIC else 40):
        assert_params_shown(Problem.from_seed(generator, seed))


# --- no known mistake graded right ---------------------------------------------------------------

def _typed(problem: Problem, value, digits: int = 4) -> str:
    """A value as a student types it, to ``digits`` significant digits where it has reals."""
    rounded = problem.kind.rounded(value, digits)
    return problem.kind.format(value if rounded is None else rounded)


def _whole(problem: Problem, wrong):
    return {**problem.expected, **wrong} if isinstance(wrong, dict) else wrong


@by_id(NUMERIC)
def test_no_mistake_typed_to_four_digits_is_graded_right(generator):
    for seed in range(60):
        problem = Problem.from_seed(generator, seed)
        for mistake, wrong in problem._mistakes:
            text = _typed(problem, _whole(problem, wrong))
            verdict = problem.check(text)
            assert not verdict.correct, f"{generator.id} seed {seed}: {mistake.name} {text!r} graded right"
            assert verdict.mistake == mistake.name, (f"{generator.id} seed {seed}: {mistake.name} {text!r} "
                                                     f"named {verdict.mistake!r}")


# --- no crash on valid params, at the edges ------------------------------------------------------

EDGE_REALS = [0.0, 1.0, -1.0, 0.5, 1e-300, -1e-300, 1e-100, 1e-8, 1e6, -1e6, 1e300, -1e300, 1000.0,
              -1000.0, 50.0, 100.0, 0.10004, 1.23456789, 2.0**-1074, 1 - 1e-16, 0.999999]
EDGE_INTS = [0, 1, -1, 2, 3, 7, 64, 1000, 10**6, 2**31]
EDGE_FORMULAS = ["x*y - 1", "x^2 + y^2", "exp(x*y) - 2", "sin(x) - y", "x^7*y^13 - 1", "1e300*x*y - 1",
                 "x + y^2", "x^2", "exp(x)", "log(x^2 + 1)", "sqrt(x^2 + 1)"]
PATH_CHOICES = 64


def _leaves(value, path=()):
    """Paths of the numbers, strings and lists inside params."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif not isinstance(value, bool) and isinstance(value, (int, float, str)):
        yield path, value


def _set(params, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(params) if isinstance(params, dict) else list(params)
    copy[head] = _set(params[head], rest, value)
    return copy


def _flat_numbers(value):
    return [v for row in value for v in (row if isinstance(row, list) else [row])]


def _mutate(params, choice: int, edge, data):
    paths = list(_leaves(params))
    if not paths:
        return params
    path, value = paths[choice % len(paths)]
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):
            if data.draw(st.booleans(), label="to 1×1"):
                return _set(params, path, [[value[0][0]]])
            tie = value[0][0]
            return _set(params, path, [[tie for _ in row] for row in value])
        if data.draw(st.booleans(), label="to length 1"):
            return _set(params, path, value[:1])
        numbers = _flat_numbers(value)
        return _set(params, path, [numbers[0] for _ in value]) if numbers else params
    if isinstance(value, str):
        return _set(params, path, data.draw(st.sampled_from(EDGE_FORMULAS)))
    if isinstance(value, int):
        return _set(params, path, data.draw(st.sampled_from(EDGE_INTS), label="int"))
    return _set(params, path, edge)


def _edge_params(generator, data):
    seed = data.draw(st.integers(0, 50), label="seed")
    params = Problem.from_seed(generator, seed).params
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        edge = data.draw(st.one_of(st.sampled_from(EDGE_REALS),
                                   st.floats(allow_nan=False, allow_infinity=False)), label="real")
        params = _mutate(params, data.draw(st.integers(0, PATH_CHOICES)), edge, data)
    return params


def exercise(generator, params) -> None:
    """Everything ``show --solution`` and ``check`` do with one set of params; raises on a crash."""
    try:
        problem = Problem.from_params(generator, json.loads(json.dumps(params)))
    except ParamsError:
        return
    note(f"valid: {json.dumps(params)}")
    shown = problem.to_json(solution=True)
    assert is_finite_json(shown["answer"]) and json.loads(json.dumps(shown)) == shown
    assert_params_shown(problem)
    right = problem.check(problem.answer_text)
    assert right.correct or right.near, f"{generator.id}: the canonical answer was rejected: {right.feedback}"
    for text in ("0", "[0]", "1", "x"):
        problem.check(text)
    kind, expected = problem.kind, problem.expected
    for mistake, wrong in problem._mistakes:
        if kind.distance(wrong, expected) <= SAME_VALUE:
            continue  # the mistake gives the right answer on these params
        whole = _whole(problem, wrong)
        # every digit of the mistake's value (canonical text would round it onto the right one)
        text = json.dumps(kind.to_json(whole)) if kind.tolerant else kind.format(whole)
        verdict = problem.check(text)
        assert not verdict.correct, f"{generator.id}: mistake {mistake.name} graded right on {params}"


@by_id(NUMERIC)
@settings(max_examples=int(os.environ.get("MPCHECK_EDGE_EXAMPLES", "60")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_params_at_the_edges_never_crash(generator, data):
    exercise(generator, _edge_params(generator, data))


@by_id(SYMBOLIC)
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_formulas_at_the_edges_never_crash(generator, data):
    exercise(generator, _edge_params(generator, data))
