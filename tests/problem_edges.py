"""Params at the edges of what a generator accepts: every text renders and every check returns a
verdict (never an exception), as `mpcheck show --solution` and `mpcheck check` would run them."""

from __future__ import annotations

import json

from mpcheck.problem import Problem, is_finite_json


def assert_survives(generator, params: dict) -> Problem:
    """Build the problem from ``params`` as `--params` would, then render and grade everything."""
    problem = Problem.from_params(generator, json.loads(json.dumps(params)))
    shown = problem.to_json(solution=True)
    assert shown["prompt"].strip() and shown["solution"].strip()
    assert is_finite_json(problem.answer), f"{generator.id}: answer not finite for {params}"
    assert problem.check(problem.answer_text).correct, f"{generator.id}: canonical answer rejected for {params}"
    kind = generator.answer_kind
    for mistake in generator.mistakes:
        wrong = mistake.answer(problem.params)
        if wrong is not None and is_finite_json(wrong):
            wrong_value = kind.from_json(wrong)
            if isinstance(wrong, dict):
                wrong_value = {**kind.from_json(problem.answer), **wrong_value}
            problem.check(kind.format(wrong_value))
    for text in ("0", "-1", "nonsense", ""):
        problem.check(text)
    return problem
