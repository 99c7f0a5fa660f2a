"""Running reference implementations against their oracles: devices, timing, results.

Reference modules import torch at their top; this module imports it only inside functions.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mpcheck.errors import UserError

DEVICE_ENV = "MPCHECK_DEVICE"


@dataclass
class RefResult:
    """What one reference run found: its largest deviation from the oracle, and timings."""

    max_abs_error: float
    tolerance: float
    ms: float
    builtin_ms: float | None = None
    device: str = "cpu"
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.max_abs_error <= self.tolerance


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

