"""Every example of issue 9 ("no wrong answer graded right, no right answer graded wrong") as a
regression test: each was graded wrongly, crashed, or said what it had not checked."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from contextlib import redirect_stdout

import numpy as np
import pytest
import sympy as sp

from cli_helpers import run_cli
from mpcheck.host import plugins
from mpcheck.api import Generator, Mistake, Real
from mpcheck.derive import Step, Walkthrough, predicate, run, symbolic
from mpcheck.derive.verify import lines_of
from mpcheck.errors import ParamsError
from mpcheck.problem import Problem


def generator(generator_id: str) -> Generator:
    return plugins.registry().generators[generator_id]


def first_draw(generator_id: str, seed: int) -> dict:
    """The params a seed gave before seeded problems were redrawn (the issue's examples)."""
    return generator(generator_id).sample_params(np.random.default_rng(seed))


def problem(generator_id: str, params: dict) -> Problem:
    return Problem.from_params(generator(generator_id), params)


def full_digits(p: Problem, value) -> str:
    """A value typed with every digit (canonical text might round it onto another value)."""
    return json.dumps(p.kind.to_json(value))


# --- declared mistakes graded right on sampled seeds -----------------------------------------------

def test_lstm_h_equal_to_o_times_c_is_wrong_and_named():
    # the seed 0 of rnn.lstm-step: h = o ⊙ c was graded right
    p = problem("rnn.lstm-step", first_draw("rnn.lstm-step", 0))
    verdict = p.check("h: [-0.0679, -0.0547]\nc: [-0.166, -0.130]")
    assert not verdict.correct and verdict.mistake == "forgot-cell-tanh"


@pytest.mark.parametrize("generator_id, mistake", [
    ("rnn.lstm-step", "forgot-cell-tanh"), ("rnn.rnn-forward", "output-before-tanh"),
    ("ml.rmsprop-step", "used-old-accumulator"), ("ml.adam-step", "bias-correction-off-by-one"),
    ("ml.adagrad-step", "used-old-accumulator"), ("rnn.bptt-scalar", "only-last-term"),
])
def test_the_mistakes_found_graded_right_are_rejected_and_named_on_every_seed(generator_id, mistake):
    applied = 0
    for seed in range(150):
        p = Problem.from_seed(generator(generator_id), seed)
        wrong = next((w for m, w in p._mistakes if m.name == mistake), None)
        if wrong is None:
            continue
        applied += 1
        whole = {**p.expected, **wrong} if isinstance(wrong, dict) else wrong
        for text in (p.kind.format(whole), full_digits(p, whole)):
            verdict = p.check(text)
            assert not verdict.correct and verdict.mistake == mistake, (seed, text, verdict.feedback)
    assert applied > 10


def test_adam_with_the_power_of_beta_off_by_one_is_wrong():
    # the seed 31: β^(t−1) in the bias correction was graded right
    p = problem("ml.adam-step", first_draw("ml.adam-step", 31))
    assert not p.check("[0.9672, -1.0243]").correct
    wrong = next(w for m, w in p._mistakes if m.name == "bias-correction-off-by-one")
    assert p.check(full_digits(p, wrong)).mistake == "bias-correction-off-by-one"


# --- update problems judge the step --------------------------------------------------------------

@pytest.mark.parametrize("off", [1.03, 0.97, 1.1])
def test_an_adagrad_step_a_few_percent_off_is_rejected(off):
    for seed in range(200):
        p = Problem.from_seed(generator("ml.adagrad-step"), seed)
        theta, new = p.params["theta"], p.expected["theta"]
        slipped = [t + off * (n - t) for t, n in zip(theta, new)]
        assert not p.check(f"r: {p.kind.parts['r'].format(p.expected['r'])}\n"
                           f"theta: {json.dumps(slipped)}").correct, seed


def test_a_step_off_by_three_percent_is_wrong_even_when_theta_barely_moves():
    p = problem("ml.adam-step", {"theta": [100.0], "grad": [0.5], "m": [0.0], "v": [0.0], "t": 1,
                                 "lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})
    new = p.expected[0]  # 99.999: a step of −0.001
    assert p.check(json.dumps([100 + 1.03 * (new - 100)])).correct is False
    assert p.check(json.dumps([new])).correct
    assert p.check("[99.999]").correct  # the step to 4 significant digits


def test_bptt_terms_two_percent_off_are_rejected():
    for seed in range(150):
        p = Problem.from_seed(generator("rnn.bptt-scalar"), seed)
        terms = [1.02 * t for t in p.expected["terms"]]
        verdict = p.check(f"terms: {json.dumps(terms)}\ntotal: {p.expected['total']!r}")
        assert not verdict.correct, seed


# --- tolerances that match the question ----------------------------------------------------------

def test_a_sign_flip_of_a_tiny_derivative_is_wrong():
    p = problem("ml.activation", {"function": "sigmoid", "quantity": "derivative", "x": -15})
    # oracle: σ'(x) = e^(−x)/(1 + e^(−x))² at x = −15 is e^(−15)/(1 + e^(−15))²
    assert math.isclose(p.expected, math.exp(-15) / (1 + math.exp(-15)) ** 2, rel_tol=1e-11)
    for wrong in ("-5e-7", "-3.059e-7", "9.2e-7", "1e-6", "0"):
        assert not p.check(wrong).correct, wrong
    assert p.check("3.0590213e-7").correct
    # σ(−15) itself (the value, not the derivative) is within 3e-7 of σ'(−15): with these explicit
    # params four digits cannot tell the two apart, so the checker asks for more
    fits_both = p.check("3.059e-7")
    assert not fits_both.correct and fits_both.near and fits_both.mistake is None
    assert "more digits" in fits_both.feedback and "significant digits" in fits_both.feedback


def test_an_integer_answer_is_exact():
    q = generator("cnn.q-output-size")
    p = Problem.from_seed(q, 0)
    assert p.check("32").correct and p.check("64/2").correct
    assert not p.check("32.03").correct and not p.check("31.99").correct


def test_the_tolerance_is_stated_the_same_way_in_instructions_and_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    words = "graded to a relative tolerance of 1e-3 (give at least 4 significant digits)"
    assert words in readme
    assert words in generator("ml.bce").answer_kind.instructions
    assert "graded by its change from the given value" in generator("ml.adam-step").answer_kind.instructions


# --- explicit params: a mistake within tolerance of the right answer -----------------------------

NEAR = Generator(
    id="test.near", title="near", answer_kind=Real(), sample_params=lambda rng: {"x": 1.0},
    validate_params=lambda p: None, solve=lambda p: p["x"], prompt=lambda p: "x?", solution=lambda p: "x",
    mistakes=(Mistake("a-hair-off", "A hair off.", lambda p: p["x"] * 1.0008),))


def test_an_answer_as_near_a_mistake_as_the_right_value_asks_for_digits_and_names_nothing():
    p = Problem.from_params(NEAR, {"x": 1.0})
    assert p.check("1").correct and p.check("1.0001").correct  # clearly nearer the right value
    for text in ("1.0004", "1.0008"):  # as near (or nearer) the mistake: cannot tell
        verdict = p.check(text)
        assert not verdict.correct and verdict.near and verdict.mistake is None
        assert "more digits" in verdict.feedback


def test_explicit_clipping_params_whose_l1_norm_mistake_is_within_tolerance():
    p = problem("rnn.gradient-clipping", {"grad": [1e-8, 0.4], "threshold": 0.2})
    assert p.check(p.answer_text).correct
    wrong = next(w for m, w in p._mistakes if m.name == "l1-norm")
    verdict = p.check(full_digits(p, wrong))
    assert not verdict.correct and verdict.mistake is None


def test_sampled_problems_keep_every_mistake_three_tolerances_away():
    # NEAR's sampler can never separate its mistake: a seed must not give such a problem
    with pytest.raises(RuntimeError, match="a-hair-off"):
        Problem.from_seed(NEAR, 0)
    separable = dataclasses.replace(NEAR, mistakes=(Mistake("off", "Off.", lambda p: p["x"] * 1.004),))
    assert Problem.from_seed(separable, 0).blurred_mistakes() == []


# --- what you see is what is graded --------------------------------------------------------------

def test_the_perceptron_prompt_shows_every_digit_and_decides_the_margin_exactly():
    p = problem("ml.perceptron-step", {"w": [0.10004], "b": -0.1, "x": [1], "y": 1, "lr": 1})
    assert "0.10004" in p.prompt()
    assert p.answer == {"w": [0.10004], "b": -0.1}  # margin 4e-5 > 0: no update
    assert "positive" in p.solution()
    # on the decimals shown, 0.1 + 0.2 − 0.3 is 0: the rule (≤ 0) updates
    tie = problem("ml.perceptron-step", {"w": [0.1, 0.2], "b": -0.3, "x": [1, 1], "y": 1, "lr": 1})
    assert tie.answer == {"w": [1.1, 1.2], "b": 0.7}


# --- no crash on valid params; batches survive ---------------------------------------------------

def test_softmax_of_huge_logits_shows_its_solution():
    for target, gradient in ((0, [0.0, 0.0]), (1, [1.0, -1.0])):
        p = problem("ml.softmax-ce-grad", {"logits": [1000, -1000], "target": target})
        shown = p.to_json(solution=True)
        assert shown["answer"] == gradient and "max z" in shown["solution"]
        assert p.check(p.answer_text).correct


def test_clipping_a_tiny_gradient_does_not_underflow():
    import mpmath

    p = problem("rnn.gradient-clipping", {"grad": [1e-200, 1e-200], "threshold": 1e-300})
    with mpmath.workdps(50):
        g = [mpmath.mpf(1e-200)] * 2
        norm = mpmath.sqrt(sum(v * v for v in g))  # oracle: exact arithmetic, no underflow
        clipped = [float(v * mpmath.mpf(1e-300) / norm) for v in g]
    assert p.answer == pytest.approx(clipped, rel=1e-12)
    assert p.check(p.answer_text).correct and not p.check("[1e-200, 1e-200]").correct
    with pytest.raises(ParamsError, match="'threshold'"):
        problem("rnn.gradient-clipping", {"grad": [1e-200, 1e-200], "threshold": 1e-310})


def test_show_batch_survives_an_exception_on_one_line(tmp_path, monkeypatch):
    from mpcheck.cli import grading

    lines = tmp_path / "batch.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in (
        {"id": "ml.softmax-ce-grad", "params": {"logits": [1000, -1000], "target": 0}},
        {"id": "ml.bce", "seed": 1},
        {"id": "ml.bce", "seed": 2})) + "\n")

    def handle(record):
        if record.get("seed") == 1:
            raise ZeroDivisionError("a bug in a generator")
        return grading._problem_from(record).to_json(solution=True)

    out = io.StringIO()
    with redirect_stdout(out):
        grading._run_batch(str(lines), handle)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 3 and records[0]["answer"] == [0.0, 0.0] and records[2]["seed"] == 2
    assert "ZeroDivisionError" in records[1]["error"] and records[1]["line"] == 2


def test_check_batch_without_seed_or_params_is_an_error_for_that_line():
    text = "\n".join(json.dumps(r) for r in (
        {"id": "cnn.param-count", "answer": "3"},
        {"id": "cnn.param-count", "seed": 1, "answer": "3"}))
    done = run_cli("check", "--batch", "-", input=text)
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["error"] and "seed" in first["error"] and first["correct"] is False
    assert second["error"] is None
    done = run_cli("show", "--batch", "-", input=json.dumps({"id": "cnn.param-count"}))
    assert "seed" in json.loads(done.stdout)["error"]


# --- expressions ---------------------------------------------------------------------------------

def test_an_implicit_derivative_is_judged_on_the_curve():
    p = problem("math.implicit-derivative", {"F": "x*y - 1"})
    assert "on the curve" in p.prompt()
    assert p.check("-y^2").correct and p.check("-y/x").correct
    assert not p.check("y^2").correct and p.check("y/x").mistake == "forgot-minus"


@pytest.mark.parametrize(("F", "one_branch"), [
    ("4*x^2 + 3*y^2 - 4", "4*x/(3*sqrt((4 - 4*x^2)/3))"),   # right on the lower half only
    ("4*x^2 + 3*y^2 - 4", "-4*x/(3*sqrt((4 - 4*x^2)/3))"),  # right on the upper half only
    ("x^2 + y^2 - 4", "x/sqrt(4 - x^2)"),
])
def test_an_implicit_derivative_right_on_one_branch_only_is_wrong(F, one_branch):
    # the points on the curve cover every branch a vertical line crosses, not only the lowest
    p = problem("math.implicit-derivative", {"F": F})
    assert not p.check(one_branch).correct
    assert p.check(p.answer_text).correct


# --- max-pool ties --------------------------------------------------------------------------------

def test_max_pool_ties_are_stated_in_prompt_and_solution():
    tied = {"input": [[1, 1], [0, 1]], "size": 2, "stride": 2, "upstream": [[5]]}
    p = problem("cnn.maxpool-backward", tied)
    assert "first maximum in row-major order" in p.prompt()
    assert "first maximum" in p.solution()
    assert p.answer == [[5, 0], [0, 0]]  # as torch.nn.functional.max_pool2d routes it
    unpool = problem("cnn.unpooling", {"kind": "max-unpool", "input": [[7]], "factor": 2,
                                       "pooled_from": [[3, 1], [3, 0]]})
    assert "first maximum in row-major order" in unpool.prompt() and unpool.answer == [[7, 0], [0, 0]]
    untied = problem("cnn.maxpool-backward", {**tied, "input": [[1, 2], [0, 3]]})
    assert "row-major" not in untied.prompt()


# --- derivations say what they checked ------------------------------------------------------------

def _steps(name: str) -> list[dict]:
    return run(plugins.registry().derivations[name]).to_json()["steps"]


def test_checks_on_instances_say_so_and_how_many():
    unrolled = next(s for s in _steps("adam-bias-correction") if "unroll" in s["reason"])
    assert unrolled["method"] == "instances" and unrolled["count"] == 8 and unrolled["verified"]
    rule = next(s for s in _steps("implicit-differentiation") if "in general" in s["reason"])
    assert rule["method"] == "instances" and rule["count"] == 4
    done = run_cli("derive", "adam-bias-correction")
    assert "✓ instances (8)" in done.stdout


def test_an_inequality_step_checks_the_inequality():
    # the induction step claims η·P_n ≤ η^(n+1); it used to check only η·η^n = η^(n+1)
    induction = next(s for s in _steps("gradient-bound") if "induction step" in s["reason"])
    assert induction["text"] == "Pₙη ≤ ηⁿ⁺¹"
    assert induction["verified"] and induction["method"] == "symbolic"
    x = sp.Symbol("x", real=True)
    wrong = Walkthrough("t", [Step(sp.Le(x**2 + 1, 0), "false everywhere", check=symbolic())])
    assert not lines_of(wrong)[0].outcome.verified


def test_a_check_on_instances_must_say_how_many():
    with pytest.raises(ValueError, match="how many"):
        predicate(lambda: True, "t = 1..8", method="instances")
    with pytest.raises(ValueError):
        predicate(lambda: True, "proof", method="proved")
