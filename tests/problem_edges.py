"""Params at the edges of what a generator accepts: every text renders and every check returns a
verdict (never an exception), as `mpcheck show --solution` and `mpcheck check` would run them."""

from __future__ import annotations

import json

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem, is_finite_json

#: answers every edge problem must grade without raising: of the wrong shape, hostile, partial
ODD_ANSWERS = ("0", "-1", "[0]", "[0, 1]", "[[1, 2], [3", "R R", "target: 1\nloss: 2", "1e400", "nonsense", "")


def assert_survives(generator, params: dict) -> Problem:
    """Build the problem from ``params`` as `--params` would, then render and grade everything:
    the canonical answer is right, each known mistake's answer is wrong and named (or, where two
    mistakes give the same answer on these params, both are told), odd answers get a verdict."""
    problem = Problem.from_params(generator, json.loads(json.dumps(params)))
    shown = problem.to_json(solution=True)
    assert shown["prompt"].strip() and shown["solution"].strip()
    assert is_finite_json(problem.answer), f"{generator.id}: answer not finite for {params}"
    assert problem.check(problem.answer_text).correct, f"{generator.id}: canonical answer rejected for {params}"
    for mistake in generator.mistakes:
        wrong = problem.mistake_answer(mistake)
        if wrong is not None:
            # a multi-part mistake names the parts it changes: the student types the others right
            whole = {**problem.expected, **wrong} if isinstance(wrong, dict) else wrong
            verdict = problem.check(problem.kind.format(whole))
            assert not verdict.correct, f"{generator.id}: {mistake.name} graded right for {params}"
            assert verdict.mistake or "more than one known mistake" in verdict.feedback or verdict.near, (
                f"{generator.id}: {mistake.name} not recognised for {params}: {verdict.feedback}")
    for text in ODD_ANSWERS:
        problem.check(text)
    return problem


def assert_survives_or_refused(generator, params: dict) -> Problem | None:
    """``assert_survives``, or a refusal with a message (a ParamsError, never another exception)."""
    try:
        return assert_survives(generator, params)
    except ParamsError as exc:
        assert str(exc).strip(), f"{generator.id}: refused without a reason"
        return None
