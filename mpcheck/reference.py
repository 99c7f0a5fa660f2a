"""Running reference implementations against their oracles: devices, timing, results.

Reference modules import torch at their top; this module imports it only inside functions.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mpcheck.errors import UserError

if TYPE_CHECKING:
    from mpcheck.api import Reference

DEVICE_ENV = "MPCHECK_DEVICE"


@dataclass
class RefResult:
    """What one reference run found: its largest deviation from the oracle, and timings. A
    reference with an exercise also has the exercise checker's ``report`` (case by case)."""

    max_abs_error: float
    tolerance: float
    ms: float
    builtin_ms: float | None = None
    device: str = "cpu"
    detail: str = ""
    report: Any = None

    @property
    def passed(self) -> bool:
        if self.report is not None:
            return self.report.passed
        return self.max_abs_error <= self.tolerance


def check_reference(reference: Reference, device: str, seed: int | None = None) -> RefResult:
    """Check a reference against its oracle on ``device``. With an exercise, the exercise's own
    checker runs the solution (so ``ref`` and ``exercise check`` cannot drift apart), then the
    solution and the oracle are timed on the exercise's benchmark input; without one, ``run``."""
    from mpcheck.host.entrypoints import load_object

    if reference.exercise is None:
        return load_object(reference.run)(device)
    from mpcheck.exercises.checker import benchmark_case, check_implementation, full_precision

    exercise = reference.exercise
    solution, oracle = load_object(exercise.solution), load_object(exercise.oracle)
    report = check_implementation(exercise, solution, device, seed)
    case = benchmark_case(exercise, device, report.seed)
    with full_precision(device):
        ms = time_ms(lambda: solution(*case.args, **case.kwargs), device)
        builtin_ms = time_ms(lambda: oracle(*case.args, **case.kwargs), device)
    worst = report.worst
    return RefResult(max_abs_error=report.max_abs_error, tolerance=worst.tolerance if worst else 0.0, ms=ms,
                     builtin_ms=builtin_ms, device=device, detail=f"timed on {case.label}", report=report)


def resolve_device(name: str | None = None) -> str:
    """"auto" (or nothing) picks CUDA when present; ``$MPCHECK_DEVICE`` is the default."""
    import torch

    name = (name or os.environ.get(DEVICE_ENV) or "auto").lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available here (use cpu or auto)")
    if name not in ("cpu", "cuda"):
        raise UserError(f"unknown device {name!r}: use auto, cpu or cuda")
    return name


def time_ms(fn: Callable[[], Any], device: str, repeat: int = 10) -> float:
    """Median wall time of ``fn()`` in milliseconds, after one warm-up call."""
    import torch

    def sync() -> None:
        if device == "cuda":
            torch.cuda.synchronize()

    fn()
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def max_abs_error(a: Any, b: Any) -> float:
    """Largest absolute difference of two tensors (or sequences of tensors)."""
    if isinstance(a, (list, tuple)):
        return max((max_abs_error(x, y) for x, y in zip(a, b, strict=True)), default=0.0)
    return float((a.detach() - b.detach()).abs().max().item()) if a.numel() else 0.0

