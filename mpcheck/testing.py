"""Test kit for generators: one call checks a generator end to end over many seeds.

    from mpcheck.testing import assert_generator_sound, assert_params_rejected

    def test_conv_output_size():
        assert_generator_sound(CONV_OUTPUT_SIZE)

Every failure is an ``AssertionError`` naming the generator id, the seed and the params, so it
can be reproduced with ``mpcheck show ID --seed S --solution``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from mpcheck.answers.base import AnswerKind
from mpcheck.answers.parts import Parts
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck.problem import Problem, is_finite_json

JSON_SCALARS = (str, int, float, bool, type(None))
#: how SymPy's str() looks when it leaks onto a screen
SYMPY_SHOWN = re.compile(r"__|\bDerivative\(|\bIntegral\(|\boo\b|\*\*")


def _where(generator: Generator, seed: int | None, params: Any) -> str:
    shown = json.dumps(params, default=repr)
    shown = shown if len(shown) <= 2_000 else shown[:2_000] + "…"
    return f"{generator.id} (seed {seed}, params {shown})"


def is_json_native(value: Any) -> bool:
    """Only Python's own JSON types (a numpy scalar or array is not)."""
    if type(value) in JSON_SCALARS:
        return True
    if type(value) is list:
        return all(is_json_native(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and is_json_native(v) for k, v in value.items())
    return False


def _check_json(what: str, value: Any, where: str) -> None:
    assert is_json_native(value), f"{where}: {what} is not JSON-native: {value!r}"
    assert is_finite_json(value), f"{where}: {what} is not finite: {value!r}"
    assert json.loads(json.dumps(value)) == value, f"{where}: {what} does not survive a JSON round trip"


def check_markup(what: str, text: Any, where: str) -> None:
    """``text`` is clean text markup (``mpcheck.markup.lint``: balanced ``$`` and braces, known
    commands and environments, no Unicode math symbols, no SymPy internals) and renders for the
    terminal, LaTeX and Markdown."""
    from mpcheck.markup import TARGETS, lint, render

    assert isinstance(text, str) and text.strip(), f"{where}: empty {what} (the {what} is empty: {text!r})"
    issues = lint(text)
    assert not issues, f"{where}: the {what} is not clean markup: {'; '.join(issues)}\n{text}"
    for target in TARGETS:
        try:
            render(text, target, strict=True)
        except Exception as exc:
            raise AssertionError(f"{where}: the {what} does not render for {target}: "
                                 f"{type(exc).__name__}: {exc}\n{text}") from exc


def check_title(what: str, title: Any, where: str) -> None:
    """A title is plain text, not markup: the listings print it as it is, without the renderer
    (so it may use a few Unicode symbols, 1×1 or β-VAE, which a sheet writes as LaTeX)."""
    from mpcheck.markup import render

    assert isinstance(title, str) and title.strip(), f"{where}: empty {what}"
    assert "$" not in title and "\n" not in title and "\\" not in title, \
        f"{where}: the {what} must be plain text, without math markup: {title!r}"
    assert "U+" not in render(title, "latex"), f"{where}: the {what} has a character LaTeX cannot write: {title!r}"


def _check_texts(problem: Problem, where: str) -> None:
    check_markup("prompt", problem.prompt(), where)
    check_markup("solution", problem.solution(), where)
    for number, hint in enumerate(problem.hints(), 1):
        check_markup("hint", hint, f"{where}, hint {number}")


def check_static_texts(generator: Generator) -> None:
    """What a generator says whatever the params: its title, instructions and mistake feedback."""
    where = generator.id
    check_title("title", generator.title, where)
    if generator.answer_kind.instructions:
        check_markup("answer instructions", generator.answer_kind.instructions, where)
    for mistake in generator.mistakes:
        check_markup(f"feedback of mistake {mistake.name!r}", mistake.feedback, where)


def _check_accepted(problem: Problem, texts: Iterable[str], where: str) -> None:
    for text in texts:
        verdict = problem.check(text)
        assert verdict.correct, (f"{where}: the right answer written as {text!r} was not accepted: "
                                 f"{verdict.error or verdict.feedback}")


def _check_rejected(problem: Problem, values: Iterable[Any], where: str) -> None:
    kind = problem.kind
    for value in values:
        text = kind.format(value)
        verdict = problem.check(text)
        assert not verdict.correct, f"{where}: the wrong answer {text!r} was accepted"


def _whole_answer(problem: Problem, wrong: Any) -> Any:
    """A multi-part mistake may name only the parts it changes: the student's whole answer has
    the right values in the other parts."""
    if isinstance(problem.kind, Parts) and isinstance(wrong, dict):
        return {**problem.expected, **wrong}
    return wrong


def _check_mistakes(problem: Problem, where: str, seen: set[str]) -> None:
    """Every declared mistake that applies is rejected and named as itself: a mistake that cannot
    be told apart from the right answer (or from another mistake) on a sampled problem fails."""
    kind = problem.kind
    for mistake in problem.generator.mistakes:
        if mistake.answer(problem.params) is None:
            continue  # does not apply to these params
        wrong = problem.mistake_answer(mistake)
        assert wrong is not None, (f"{where}: mistake {mistake.name!r} applies but its answer is graded "
                                   "as the right one: the sampler must redraw such problems")
        _check_json(f"the answer of mistake {mistake.name!r}", kind.to_json(wrong), where)
        wrong = _whole_answer(problem, wrong)
        text = kind.format(wrong)
        verdict = problem.check(text)
        assert not verdict.correct, f"{where}: mistake {mistake.name!r} ({text!r}) was graded correct"
        assert verdict.mistake == mistake.name, (
            f"{where}: the answer {text!r} of mistake {mistake.name!r} was recognised as "
            f"{verdict.mistake!r}")
        seen.add(mistake.name)
        if isinstance(kind, Parts):
            _check_slip_beside(problem, mistake, wrong, where)


def _check_slip_beside(problem: Problem, mistake: Mistake, wrong: dict[str, Any], where: str) -> None:
    """A slip in a part the mistake leaves alone must not hide the mistake."""
    kind = problem.kind
    right = problem.expected
    for name, part in kind.parts.items():
        if not part.compare(wrong[name], right[name]).correct:
            continue  # a part the mistake changes
        for slip in part.perturbations(wrong[name])[:1]:
            answer = {**wrong, name: slip}
            text = kind.format(answer)
            verdict = problem.check(text)
            assert not verdict.correct and verdict.mistake == mistake.name, (
                f"{where}: {text!r} (mistake {mistake.name!r} and a slip in {name!r}) was recognised "
                f"as {verdict.mistake!r}")


def check_seed(generator: Generator, seed: int, seen: set[str]) -> None:
    """Everything ``assert_generator_sound`` checks for one seed."""
    import numpy as np

    first = generator.sample_params(np.random.default_rng(seed))  # the first draw, before any redraw
    _check_json("params", first, _where(generator, seed, first))
    _check_json("the answer", generator.solve(first), _where(generator, seed, first))
    problem = Problem.from_seed(generator, seed)
    where = _where(generator, seed, problem.params)
    _check_json("params", problem.params, where)
    problem = Problem.from_params(generator, json.loads(json.dumps(problem.params)))
    _check_texts(problem, where)
    _check_json("the answer", problem.answer, where)
    kind, expected = problem.kind, problem.expected
    assert kind.compare(kind.from_json(kind.to_json(expected)), expected).correct, \
        f"{where}: the answer does not survive from_json/to_json"
    _check_accepted(problem, [problem.answer_text, *kind.equivalent_forms(expected)], where)
    _check_rejected(problem, kind.perturbations(expected), where)
    _check_mistakes(problem, where, seen)


def assert_generator_sound(generator: Generator, seeds: Iterable[int] = range(200)) -> None:
    """Params, texts, answer, accepted forms, rejected perturbations and named mistakes, over
    ``seeds``; and every declared mistake recognised on at least one seed. Every text (prompt,
    solution, hints, mistake feedback, title, instructions) is clean markup that renders for the
    terminal, LaTeX and Markdown."""
    check_static_texts(generator)
    seen: set[str] = set()
    for seed in seeds:
        try:
            check_seed(generator, seed, seen)
        except AssertionError:
            raise
        except Exception as exc:  # a crash inside the generator: say where, keep the cause
            raise AssertionError(f"{generator.id} (seed {seed}): {type(exc).__name__}: {exc}") from exc
    never = [m.name for m in generator.mistakes if m.name not in seen]
    assert not never, (f"{generator.id}: mistakes that never applied over the seeds tried "
                       f"(their answer was always None): "
                       f"{', '.join(never)}")


def assert_kind_sound(kind: AnswerKind, expected_json: Any) -> None:
    """One answer kind on one expected value: canonical text and every equivalent form read back
    as right, every perturbation (written out) read back as wrong, JSON round trip intact."""
    expected = kind.from_json(expected_json)
    where = f"{kind.name} {expected_json!r}"
    assert json.loads(json.dumps(kind.to_json(expected))) == kind.to_json(expected), where
    assert kind.compare(kind.from_json(kind.to_json(expected)), expected).correct, where
    for text in [kind.format(expected), *kind.equivalent_forms(expected)]:
        match = kind.compare(kind.parse(text), expected)
        assert match.correct, f"{where}: {text!r} was not accepted: {match.message}"
    for value in kind.perturbations(expected):
        text = kind.format(value)
        assert not kind.compare(kind.parse(text), expected).correct, f"{where}: {text!r} was accepted"


def assert_params_rejected(generator: Generator, bad_params_list: Sequence[dict[str, Any]]) -> None:
    """Each params dict must make ``validate_params`` raise ParamsError with a message."""
    for params in bad_params_list:
        where = _where(generator, None, params)
        try:
            generator.validate_params(params)
        except ParamsError as exc:
            assert str(exc).strip(), f"{where}: ParamsError without a message"
            continue
        except Exception as exc:
            raise AssertionError(f"{where}: validate_params raised {type(exc).__name__}: {exc}, "
                                 "not ParamsError") from exc
        raise AssertionError(f"{where}: validate_params accepted bad params")


def assert_exercise_sound(exercise, seeds: Iterable[int] = range(3), device: str = "cpu") -> None:
    """The reference passes its own exercise (forbidden built-ins refused), and the variant of every
    declared code mistake fails and is named as itself, over ``seeds`` of the random cases."""
    from mpcheck.host.entrypoints import load_object
    from mpcheck.exercises.checker import check_implementation

    solution = load_object(exercise.solution)
    assert load_object(exercise.oracle) is not solution, f"{exercise.function}: the oracle is the solution"
    for seed in seeds:
        report = check_implementation(exercise, solution, device, seed)
        failure = report.first_failure
        assert report.passed, (f"{exercise.function} (seed {seed}): the reference fails its own exercise on "
                               f"{failure.label} ({failure.dtype}): {failure.error or failure.where} "
                               f"error {failure.max_abs_error:.3g} > {failure.tolerance:.3g}")
        for mistake in exercise.mistakes:
            report = check_implementation(exercise, load_object(mistake.variant), device, seed, forbid=False)
            assert not report.passed, f"{exercise.function} (seed {seed}): mistake {mistake.name!r} passes"
            named = report.mistake.name if report.mistake else None
            assert named == mistake.name, (f"{exercise.function} (seed {seed}): mistake {mistake.name!r} "
                                           f"was recognised as {named!r}")


def assert_derivation_sound(derivation) -> None:
    """A registered derivation verifies fully; its title, assumptions, reasons and hints are clean
    markup; every line is math (``sympy.latex``) with no SymPy internals on screen; and no practice
    cue or hint shows the expression the student is asked to type."""
    from mpcheck.derive import render, run
    from mpcheck.derive.practice import gives_away, question_for

    where = f"derivation {derivation.name}"
    check_title("registered title", derivation.title, where)
    report = run(derivation)
    assert report.verified, f"{where}: not every step verifies: " + "; ".join(
        f"{line.item.reason!r}: {line.outcome.detail}" for line in report.steps if not line.outcome.verified)
    check_markup("title", report.title, where)
    for assumption in report.walkthrough.assumptions:
        check_markup("assumption", assumption, where)
    where_defs = dict(report.walkthrough.where)
    for number, line in enumerate(report.lines, 1):
        at = f"{where}, line {number}"
        check_markup("reason", line.item.reason, at)
        if getattr(line.item, "hint", ""):
            check_markup("hint", line.item.hint, at)
        check_markup("math", render.line_markup(line), at)
        shown = render.line_text(line)
        assert not SYMPY_SHOWN.search(shown), f"{at}: SymPy internals on screen: {shown}"
        question = question_for(line, where_defs)
        if question is not None:
            assert not gives_away(line.item.reason, question.target), \
                f"{at}: the reason shows the expression to type: {line.item.reason}"
            if getattr(line.item, "hint", ""):
                assert not gives_away(line.item.hint, question.target), \
                    f"{at}: the hint shows the expression to type: {line.item.hint}"


