"""One checker for every implementation of an exercise: the reference's own, a student's, a bug's.

``check_implementation(exercise, function)`` runs ``function`` on the exercise's cases (fixed ones
and random ones drawn per run, in every dtype), compares each output with the oracle's, and when
something is wrong, compares the output with each known mistake's variant to name the bug.
``mpcheck ref`` and ``mpcheck exercise check`` both use it, so the two cannot drift apart.

This module imports torch at its top: import it only where an exercise runs.
"""

from __future__ import annotations

import contextlib
import importlib
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from mpcheck.api import Case, CodeMistake, Exercise
from mpcheck.entrypoints import load_object

FLOAT32_RTOL = 1e-4


class ForbiddenCall(RuntimeError):
    """Raised by a built-in the exercise asks the student to write themselves."""


@dataclass
class CaseResult:
    """How one case went: ``max_abs_error`` is over every output, ``where`` names the output and
    index of the largest error (``"output[1, 0, 2]"``), ``error`` a crash or a shape mismatch."""

    label: str
    dtype: str
    passed: bool
    max_abs_error: float = 0.0
    tolerance: float = 0.0
    where: str = ""
    error: str = ""
    case: Case | None = field(default=None, repr=False)


@dataclass
class Report:
    """The outcome of checking one implementation; ``mistake`` names a recognised bug."""

    cases: list[CaseResult]
    seed: int
    device: str
    mistake: CodeMistake | None = None

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)

    @property
    def passed_count(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def max_abs_error(self) -> float:
        return max((c.max_abs_error for c in self.cases), default=0.0)

    @property
    def first_failure(self) -> CaseResult | None:
        return next((c for c in self.cases if not c.passed), None)


# --- outputs: any nesting of tensors, numbers, tuples, lists and dicts -----------------------

def leaves(value: Any, name: str = "output") -> list[tuple[str, torch.Tensor]]:
    """Every tensor of an output with a name saying where it sits (``output[0]``, ``output['h']``)."""
    if isinstance(value, torch.Tensor):
        return [(name, value.detach())]
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in leaves(value[key], f"{name}[{key!r}]")]
    if isinstance(value, (tuple, list)):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{name}[{i}]")]
    if isinstance(value, (bool, int, float)):
        return [(name, torch.tensor(value))]
    raise TypeError(f"{name} is a {type(value).__name__}; expected tensors, numbers, tuples or dicts")


def _index_text(flat: int, shape: Sequence[int]) -> str:
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return "[" + ", ".join(map(str, reversed(index))) + "]" if shape else ""


def compare(got: Any, expected: Any, rtol: float) -> tuple[bool, float, float, str, str]:
    """(passed, max_abs_error, tolerance, where, error). Floating outputs pass when every entry is
    within rtol·max(1, max|expected|) (the scale of the output, so tiny entries are not held to a
    relative bar they cannot meet); integer and boolean outputs must be equal."""
    try:
        got_leaves = leaves(got)
    except TypeError as exc:
        return False, float("inf"), 0.0, "", str(exc)
    want_leaves = leaves(expected)
    if len(got_leaves) != len(want_leaves):
        return (False, float("inf"), 0.0, "",
                f"returned {len(got_leaves)} tensor(s), expected {len(want_leaves)}")
    worst, worst_tol, worst_where = 0.0, 0.0, ""
    passed = True
    for (name, g), (_, w) in zip(got_leaves, want_leaves):
        if tuple(g.shape) != tuple(w.shape):
            return (False, float("inf"), 0.0, name,
                    f"{name} has shape {tuple(g.shape)}, expected {tuple(w.shape)}")
        if w.numel() == 0:
            continue
        g64, w64 = g.to("cpu", torch.float64), w.to("cpu", torch.float64)
        if not torch.isfinite(g64).all():
            bad = int((~torch.isfinite(g64)).flatten().nonzero()[0])
            return False, float("inf"), 0.0, name + _index_text(bad, w.shape), f"{name} is not finite there"
        exact = not (w.is_floating_point() or w.is_complex())
        tol = 0.0 if exact else rtol * max(1.0, float(w64.abs().max()))
        diff = (g64 - w64).abs().flatten()
        k = int(diff.argmax())
        err = float(diff[k])
        if err > tol:
            passed = False
        if err > worst or not worst_where:
            worst, worst_tol, worst_where = err, tol, name + _index_text(k, w.shape)
    return passed, worst, worst_tol, worst_where, ""


# --- running ---------------------------------------------------------------------------------

def _clone(value: Any) -> Any:
    """A fresh copy of every tensor, so a function that writes into its inputs harms no one else."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_clone(v) for v in value)
    return value


def _resolve(dotted: str) -> tuple[Any, str]:
    """``torch.nn.functional.conv2d`` → (the module torch.nn.functional, "conv2d")."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            owner = getattr(owner, attr)
        return owner, parts[-1]
    raise ValueError(f"cannot resolve {dotted!r}")


@contextlib.contextmanager
def forbidden_calls(names: Sequence[str]) -> Iterator[None]:
    """While active, each named built-in raises ``ForbiddenCall`` instead of running."""
    saved = []
    try:
        for dotted in names:
            owner, attr = _resolve(dotted)

            def refuse(*args: Any, _name: str = dotted, **kwargs: Any) -> Any:
                raise ForbiddenCall(f"{_name} is not allowed in this exercise: write it from the formula")

            saved.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, refuse)
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def draw_cases(exercise: Exercise, device: str, seed: int) -> list[tuple[str, Case]]:
    """(dtype name, case) for every dtype, the random ones drawn from ``seed``."""
    make = load_object(exercise.cases)
    drawn = []
    for dtype_name in exercise.dtypes:
        generator = torch.Generator().manual_seed(seed)
        for case in make(generator, device, getattr(torch, dtype_name)):
            drawn.append((dtype_name, case))
    return drawn


def _rtol(exercise: Exercise, dtype_name: str) -> float:
    return exercise.rtol if dtype_name == "float64" else max(exercise.rtol, FLOAT32_RTOL)


def _call(function: Callable, case: Case) -> Any:
    return function(*_clone(case.args), **_clone(case.kwargs))


def check_implementation(exercise: Exercise, function: Callable, device: str = "cpu",
                         seed: int | None = None, forbid: bool = True) -> Report:
    """Run ``function`` on every case and compare with the oracle; name a known bug if one fits.

    A crash inside ``function`` fails that case with the error's text; ``forbid`` makes the
    exercise's forbidden built-ins raise while ``function`` runs (not while the oracle does)."""
    seed = secrets.randbits(31) if seed is None else seed
    oracle = load_object(exercise.oracle)
    results, outputs, drawn = [], [], draw_cases(exercise, device, seed)
    for dtype_name, case in drawn:
        expected = _call(oracle, case)
        try:
            with forbidden_calls(exercise.forbidden if forbid else ()):
                got = _call(function, case)
        except ForbiddenCall as exc:
            results.append(CaseResult(case.label, dtype_name, False, float("inf"), error=str(exc), case=case))
            outputs.append(None)
            continue
        except Exception as exc:  # the student's bug, reported, never ours
            results.append(CaseResult(case.label, dtype_name, False, float("inf"),
                                      error=f"{type(exc).__name__}: {exc}", case=case))
            outputs.append(None)
            continue
        passed, err, tol, where, error = compare(got, expected, _rtol(exercise, dtype_name))
        results.append(CaseResult(case.label, dtype_name, passed, err, tol, where, error, case))
        outputs.append(got)
    report = Report(results, seed, device)
    if not report.passed and all(o is not None for o in outputs):
        report.mistake = recognise_mistake(exercise, drawn, outputs)
    return report


def recognise_mistake(exercise: Exercise, drawn: list[tuple[str, Case]], outputs: list[Any]) -> CodeMistake | None:
    """The first known bug whose variant gives the student's output on every case (and differs
    from the oracle on at least one, so that a right answer is never called a bug)."""
    oracle = load_object(exercise.oracle)
    for mistake in exercise.mistakes:
        variant = load_object(mistake.variant)
        differs = False
        for (dtype_name, case), got in zip(drawn, outputs):
            rtol = _rtol(exercise, dtype_name)
            try:
                wrong = _call(variant, case)
            except Exception:
                break
            if not compare(got, wrong, rtol)[0]:
                break
            differs = differs or not compare(wrong, _call(oracle, case), rtol)[0]
        else:
            if differs:
                return mistake
    return None
