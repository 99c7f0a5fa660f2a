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
from mpcheck.entrypoints import load_object

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


def finite_or_none(x: float) -> float | None:
    """JSON has no infinity: an error that could not be measured (a crash, a shape) is null."""
    return x if math.isfinite(x) else None


# --- outputs: any nesting of tensors, numbers, tuples, lists and dicts -----------------------

def leaves(value: Any, name: str = "output") -> list[tuple[str, torch.Tensor, bool]]:
    """Every tensor of an output with a name saying where it sits (``output[0]``, ``output['h']``),
    and whether it was a tensor (a Python number is held to its value, not to a dtype or device)."""
    if isinstance(value, torch.Tensor):
        return [(name, value.detach(), True)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=str) for leaf in leaves(value[key], f"{name}[{key!r}]")]
    if isinstance(value, (tuple, list)):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{name}[{i}]")]
    if isinstance(value, bool):
        return [(name, torch.tensor(value), False)]
    if isinstance(value, int):
        return [(name, torch.tensor(value, dtype=torch.int64), False)]
    if isinstance(value, float):
        return [(name, torch.tensor(value, dtype=torch.float64), False)]
    raise TypeError(f"{name} is a {type(value).__name__}; expected tensors, numbers, tuples or dicts")


def _index_text(flat: int, shape: Sequence[int]) -> str:
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return "[" + ", ".join(map(str, reversed(index))) + "]" if shape else ""


def _kind_error(name: str, g: torch.Tensor, w: torch.Tensor, tensor: bool) -> str:
    """A tensor on another device, or of another floating type, is a bug even when close: the
    next layer would fail or silently lose precision."""
    if not tensor:
        return ""
    if g.device.type != w.device.type:
        return f"{name} is on {g.device.type}, expected {w.device.type} (make new tensors with device=x.device)"
    if w.is_floating_point() and g.dtype != w.dtype:
        return (f"{name} has dtype {str(g.dtype).removeprefix('torch.')}, expected "
                f"{str(w.dtype).removeprefix('torch.')} (make new tensors with dtype=x.dtype)")
    if not w.is_floating_point() and g.is_floating_point():
        return f"{name} holds floats, expected {str(w.dtype).removeprefix('torch.')} (indices, counts)"
    return ""


def compare(got: Any, expected: Any, rtol: float, same_nonfinite: bool = False) -> tuple[bool, float, float, str, str]:
    """(passed, max_abs_error, tolerance, where, error). Floating outputs pass when every entry is
    within rtol·max(1, max|expected|) (the scale of the output, so tiny entries are not held to a
    relative bar they cannot meet); integer and boolean outputs must be equal. With
    ``same_nonfinite`` (matching a mistake's variant, which may overflow), a nan or inf in
    ``expected`` is matched by the same in ``got``."""
    try:
        got_leaves = leaves(got)
    except TypeError as exc:
        return False, math.inf, 0.0, "", str(exc)
    want_leaves = leaves(expected)
    if len(got_leaves) != len(want_leaves):
        return (False, math.inf, 0.0, "",
                f"returned {len(got_leaves)} tensor(s), expected {len(want_leaves)}")
    worst, worst_tol, worst_where = 0.0, 0.0, ""
    passed = True
    for (name, g, tensor), (_, w, _) in zip(got_leaves, want_leaves):
        if tuple(g.shape) != tuple(w.shape):
            return (False, math.inf, 0.0, name,
                    f"{name} has shape {tuple(g.shape)}, expected {tuple(w.shape)}")
        kind_error = _kind_error(name, g, w, tensor)
        if kind_error:
            return False, math.inf, 0.0, name, kind_error
        if w.numel() == 0:
            continue
        g64, w64 = g.to("cpu", torch.float64), w.to("cpu", torch.float64)
        if same_nonfinite and not torch.isfinite(w64).all():
            finite = torch.isfinite(w64)
            if not (torch.equal(finite, torch.isfinite(g64)) and torch.equal(g64[~finite].nan_to_num(),
                                                                            w64[~finite].nan_to_num())):
                return False, math.inf, 0.0, name, f"{name} is not finite where expected"
            g64, w64 = g64.where(finite, 0.0), w64.where(finite, 0.0)
        if not torch.isfinite(g64).all():
            bad = int((~torch.isfinite(g64)).flatten().nonzero()[0])
            return False, math.inf, 0.0, name + _index_text(bad, w.shape), f"{name} is not finite there"
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
        asked = re.search(r"allocate (\d+) bytes", text)
        return "memory limit: " + (f"the code asked for {_gib(asked.group(1))} at once" if asked else
                                   text or "the code ran out of memory")
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
    with full_precision(device):
        prepared = prepare(exercise, device, seed)
        return judge(prepared, run_cases(function, prepared, forbid))


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
