"""Exercises: write a reference implementation yourself and have it checked against the oracle.

- ``checker``: the one checker (``ref`` and ``exercise check`` both use it); imports torch.
- ``sandbox`` and ``runner``: a student's file runs in a child process with limits.
- ``skeleton``: the file ``exercise start`` writes.
- ``progress``: passes recorded in the progress store (mode "code").
- ``draw``: helpers for an exercise's random cases.

This module itself imports nothing heavy: plugins import ``AUTOGRAD`` from it while registering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mpcheck.api import Exercise, Reference

#: Built-ins that would compute a gradient exercise's answer for the student.
AUTOGRAD = ("torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
            "torch.autograd.functional.vjp", "torch.autograd.functional.jacobian",
            "torch.func.grad", "torch.func.vjp", "torch.func.jacrev")


def exercises(topics: list[str] | None = None) -> list[Reference]:
    """The registered references that are exercises, in registration order (optionally of some topics)."""
    from mpcheck.cli import lookup

    return [r for r in lookup.registry().references.values()
            if r.exercise is not None and (not topics or r.topic in topics)]


def find(key: str) -> Reference:
    """The exercise named ``"topic/name"`` (a helpful error otherwise)."""
    from mpcheck.cli.lookup import suggest
    from mpcheck.errors import UserError

    known = {r.key: r for r in exercises()}
    if key not in known:
        raise UserError(f"unknown exercise {key!r}{suggest(key, list(known))} (`mpcheck exercises` lists them)")
    return known[key]


class Replayed:
    """One case of a run, rebuilt: ``args`` and ``kwargs`` to call your function with, the oracle's
    ``expected`` output, and ``compare(got)`` to see how far yours is."""

    def __init__(self, exercise: Exercise, label: str, dtype: str, args: tuple, kwargs: dict,
                 expected: Any) -> None:
        self.exercise, self.label, self.dtype = exercise, label, dtype
        self.args, self.kwargs, self.expected = args, kwargs, expected

    def compare(self, got: Any) -> str:
        from mpcheck.exercises.checker import compare, rtol_for

        passed, error, tolerance, where, problem = compare(got, self.expected, rtol_for(self.exercise, self.dtype))
        if problem:
            return f"wrong: {problem}"
        verdict = "right" if passed else "wrong"
        return f"{verdict}: largest error {error:.3g} at {where} (tolerance {tolerance:.3g})"

    def __repr__(self) -> str:
        return f"<case {self.label}, {self.dtype}>"


def replay(key: str, seed: int, case: int, device: str = "cpu") -> Replayed:
    """Case number ``case`` (counted from 1, as ``exercise check`` shows them) of the run with
    ``seed``, rebuilt."""
    from mpcheck.host.entrypoints import load_object
    from mpcheck.exercises.checker import _call, _clone, draw_cases

    exercise = find(key).exercise
    dtype, drawn = draw_cases(exercise, device, seed)[case - 1]
    expected = _call(load_object(exercise.oracle), drawn)
    return Replayed(exercise, drawn.label, dtype, _clone(drawn.args), _clone(drawn.kwargs), expected)
