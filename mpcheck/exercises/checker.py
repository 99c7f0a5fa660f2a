"""One checker for every implementation of an exercise: the reference's own, a student's, a bug's.

``check_implementation(exercise, function)`` runs ``function`` on the exercise's cases (fixed ones
and random ones drawn per run, in every dtype), compares each output with the oracle's, and when
something is wrong, compares the output with each known mistake's variant to name the bug.
``mpcheck ref`` and ``mpcheck exercise check`` both use it, so the two cannot drift apart.

It works in three steps, which the sandbox (``mpcheck.exercises.runner``) takes one by one:
``prepare`` draws the cases and computes the oracle's outputs, ``run_cases`` calls the function
(with the forbidden built-ins refusing), ``judge`` compares and names a known bug. The oracle and
the mistakes' variants never run while the built-ins are refused.

This module imports torch at its top: import it only where an exercise runs.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import math
import re
import secrets
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import torch

from mpcheck.api import Case, CodeMistake, Exercise
from mpcheck.host.entrypoints import load_object
from mpcheck.exercises.outputs import compare, finite_or_none

FLOAT32_RTOL = 1e-4
_MISSING = object()


class ForbiddenCall(RuntimeError):
    """Raised by a built-in the exercise asks the student to write themselves."""


@dataclass
class CaseResult:
    """How one case went: ``max_abs_error`` is over every output, ``where`` names the output and
    index of the largest error (``"output[1, 0, 2]"``), ``error`` a crash or a shape mismatch.
    ``index`` is the case's place in the run (``mpcheck.exercises.replay`` rebuilds it)."""

    label: str
    dtype: str
    passed: bool
    max_abs_error: float = 0.0
    tolerance: float = 0.0
    where: str = ""
    error: str = ""
    case: Case | None = field(default=None, repr=False)
    index: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "label": self.label, "dtype": self.dtype, "passed": self.passed,
                "max_abs_error": finite_or_none(self.max_abs_error), "tolerance": self.tolerance,
                "where": self.where, "error": self.error}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> CaseResult:
        error = record["max_abs_error"]
        return cls(record["label"], record["dtype"], record["passed"],
                   math.inf if error is None else error, record["tolerance"], record["where"],
                   record["error"], index=record["index"])


@dataclass
class Report:
    """The outcome of checking one implementation; ``mistake`` names a recognised bug."""

    cases: list[CaseResult]
    seed: int
    device: str
    mistake: CodeMistake | None = None

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(c.passed for c in self.cases)

    @property
    def passed_count(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def max_abs_error(self) -> float:
        return max((c.max_abs_error for c in self.cases), default=0.0)

    def max_abs_error_by_dtype(self) -> dict[str, float]:
        errors: dict[str, float] = {}
        for c in self.cases:
            errors[c.dtype] = max(errors.get(c.dtype, 0.0), c.max_abs_error)
        return errors

    @property
    def worst(self) -> CaseResult | None:
        """The case with the largest error (its tolerance goes with it in ``ref``)."""
        return max(self.cases, key=lambda c: c.max_abs_error, default=None)

    @property
    def first_failure(self) -> CaseResult | None:
        return next((c for c in self.cases if not c.passed), None)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "device": self.device, "passed": self.passed,
                "cases_passed": self.passed_count, "cases_total": len(self.cases),
                "max_abs_error": finite_or_none(self.max_abs_error),
                "mistake": asdict(self.mistake) if self.mistake else None,
                "cases": [c.to_json() for c in self.cases]}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Report:
        mistake = record.get("mistake")
        return cls([CaseResult.from_json(c) for c in record["cases"]], record["seed"], record["device"],
                   CodeMistake(**mistake) if mistake else None)


# --- forbidden built-ins ---------------------------------------------------------------------

def _resolve(dotted: str) -> tuple[Any, str] | None:
    """``torch.nn.functional.conv2d`` → (the module torch.nn.functional, "conv2d"); None if this
    PyTorch has no such thing (then nobody can call it either)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            owner = getattr(owner, attr, _MISSING)
            if owner is _MISSING:
                return None
        return (owner, parts[-1]) if hasattr(owner, parts[-1]) else None
    return None


@contextlib.contextmanager
def forbidden_calls(names: Sequence[str]) -> Iterator[None]:
    """While active, each named built-in raises ``ForbiddenCall`` instead of running."""
    saved = []
    try:
        for dotted in names:
            found = _resolve(dotted)
            if found is None:
                continue
            owner, attr = found

            def refuse(*args: Any, _name: str = dotted, **kwargs: Any) -> Any:
                raise ForbiddenCall(f"{_name} is not allowed in this exercise: write it from the formula")

            # the raw attribute (a class keeps descriptors in its __dict__), or "inherited"
            saved.append((owner, attr, vars(owner).get(attr, _MISSING)))
            setattr(owner, attr, refuse)
        yield
    finally:
        for owner, attr, original in reversed(saved):
            if original is _MISSING:
                delattr(owner, attr)
            else:
                setattr(owner, attr, original)


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


def _call(function: Callable, case: Case) -> Any:
    return function(*_clone(case.args), **_clone(case.kwargs))


def draw_cases(exercise: Exercise, device: str, seed: int) -> list[tuple[str, Case]]:
    """(dtype name, case) for every dtype, the random ones drawn from ``seed``: every dtype gets
    the same shapes and values, so a case that fails in float32 only is a precision problem."""
    make = load_object(exercise.cases)
    drawn = []
    for dtype_name in exercise.dtypes:
        generator = torch.Generator().manual_seed(seed)
        for case in make(generator, device, getattr(torch, dtype_name)):
            drawn.append((dtype_name, case))
    return drawn


def rtol_for(exercise: Exercise, dtype_name: str) -> float:
    return exercise.rtol if dtype_name == "float64" else max(exercise.rtol, FLOAT32_RTOL)


@dataclass
class Prepared:
    """The drawn cases of one run and the oracle's output for each."""

    exercise: Exercise
    device: str
    seed: int
    drawn: list[tuple[str, Case]]
    expected: list[Any]


@dataclass
class Outcome:
    """What the function gave on one case: its output, or why it gave none."""

    output: Any = None
    error: str = ""


def prepare(exercise: Exercise, device: str = "cpu", seed: int | None = None) -> Prepared:
    seed = secrets.randbits(31) if seed is None else seed
    oracle = load_object(exercise.oracle)
    drawn = draw_cases(exercise, device, seed)
    return Prepared(exercise, device, seed, drawn, [_call(oracle, case) for _, case in drawn])


GiB = 2 ** 30


def _gib(size: str) -> str:
    return f"{int(size) / GiB:.1f} GiB"


def describe_error(exc: BaseException, source_file: str | None = None) -> str:
    """One line for an exception raised by the function: running out of memory or out of output
    space says so, and the line of ``source_file`` (the student's file) it came from is named."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, SystemExit):
        return f"the code called sys.exit({exc.code!r}): return the result instead"
    if isinstance(exc, ForbiddenCall):
        return text
    if isinstance(exc, NotImplementedError):
        return "not written yet: the function raises NotImplementedError"
    if isinstance(exc, MemoryError) or "can't allocate memory" in text or "out of memory" in text.lower():
        asked = re.search(r"allocate (\d+) bytes", text)  # the CPU allocator's message
        size = _gib(asked.group(1)) if asked else None
        asked = re.search(r"[Tt]ried to allocate ([\d.]+ [KMGT]iB)", text)  # CUDA's
        size = size or (asked.group(1) if asked else None)
        return "memory limit: " + (f"the code asked for {size} at once" if size else text or "out of memory")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return "output limit: the code printed (or wrote) too much"
    where = ""
    if source_file is not None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == source_file]
        if frames:
            where = f" (line {frames[-1].lineno})"
    return f"{type(exc).__name__}{where}: {text}" if text else f"{type(exc).__name__}{where}"


def run_cases(function: Callable, prepared: Prepared, forbid: bool = True,
              on_case: Callable[[int, str, Case], None] | None = None,
              on_result: Callable[[int, Outcome], None] | None = None,
              source_file: str | None = None) -> list[Outcome]:
    """Call ``function`` on every case; a crash is that case's error, never the checker's.
    ``on_case`` is told before each case starts and ``on_result`` after it (outside the forbidden
    built-ins' reach): the sandbox logs both, to tell how far a run that had to be stopped got."""
    names = prepared.exercise.forbidden if forbid else ()
    outcomes = []
    for index, (dtype_name, case) in enumerate(prepared.drawn):
        if on_case is not None:
            on_case(index, dtype_name, case)
        try:
            with forbidden_calls(names):
                outcome = Outcome(_call(function, case))
        except (Exception, SystemExit) as exc:  # the student's bug, reported, never ours
            outcome = Outcome(error=describe_error(exc, source_file))
        outcomes.append(outcome)
        if on_result is not None:
            on_result(index, outcome)
    return outcomes


def judge(prepared: Prepared, outcomes: list[Outcome]) -> Report:
    """Compare every output with the oracle's; if wrong everywhere a known bug is, name it."""
    results = []
    for index, ((dtype_name, case), expected, outcome) in enumerate(zip(prepared.drawn, prepared.expected, outcomes)):
        if outcome.error:
            results.append(CaseResult(case.label, dtype_name, False, math.inf, error=outcome.error,
                                      case=case, index=index))
            continue
        passed, err, tol, where, error = compare(outcome.output, expected, rtol_for(prepared.exercise, dtype_name))
        results.append(CaseResult(case.label, dtype_name, passed, err, tol, where, error, case, index))
    report = Report(results, prepared.seed, prepared.device)
    if not report.passed and not any(o.error for o in outcomes):
        report.mistake = recognise_mistake(prepared, [o.output for o in outcomes])
    return report


def check_implementation(exercise: Exercise, function: Callable, device: str = "cpu",
                         seed: int | None = None, forbid: bool = True) -> Report:
    """Run ``function`` on every case and compare with the oracle; name a known bug if one fits.

    A crash inside ``function`` fails that case with the error's text; ``forbid`` makes the
    exercise's forbidden built-ins raise while ``function`` runs (not while the oracle does)."""
    with full_precision(device), one_thread():
        prepared = prepare(exercise, device, seed)
        return judge(prepared, run_cases(function, prepared, forbid))


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """The cases are small: one CPU thread runs them faster, and far steadier on a busy machine,
    than waking a thread pool for every operation."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


@contextlib.contextmanager
def full_precision(device: str) -> Iterator[None]:
    """On CUDA, cuDNN may compute float32 convolutions in TF32 (10-bit mantissa), which the oracle's
    float32 tolerance would take for a bug: the check runs with TF32 off."""
    if not device.startswith("cuda"):
        yield
        return
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def _size(case: Case) -> int:
    return sum(t.numel() for t in (*case.args, *case.kwargs.values()) if isinstance(t, torch.Tensor))


def benchmark_case(exercise: Exercise, device: str, seed: int = 0) -> Case:
    """The input ``ref`` times on: the exercise's ``benchmark``, else its largest case."""
    generator, dtype = torch.Generator().manual_seed(seed), getattr(torch, exercise.dtypes[0])
    if exercise.benchmark:
        return load_object(exercise.benchmark)(generator, device, dtype)
    return max(load_object(exercise.cases)(generator, device, dtype), key=_size)


def recognise_mistake(prepared: Prepared, outputs: list[Any]) -> CodeMistake | None:
    """The first known bug whose variant gives the student's output on every case (and differs
    from the oracle on at least one, so that a right answer is never called a bug)."""
    exercise = prepared.exercise
    for mistake in exercise.mistakes:
        variant = load_object(mistake.variant)
        differs = False
        for (dtype_name, case), expected, got in zip(prepared.drawn, prepared.expected, outputs):
            rtol = rtol_for(exercise, dtype_name)
            try:
                wrong = _call(variant, case)
            except Exception:
                break
            if not compare(got, wrong, rtol, same_nonfinite=True)[0]:
                break
            differs = differs or not compare(wrong, expected, rtol)[0]
        else:
            if differs:
                return mistake
    return None
