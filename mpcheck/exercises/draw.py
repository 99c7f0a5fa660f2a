"""Drawing an exercise's random cases from a ``torch.Generator``: integers, normal and uniform
tensors, made on the CPU (the same numbers on every machine) and then moved to the device.

Imports torch at its top: only an exercise's ``cases`` function imports it.
"""

from __future__ import annotations

import torch


def integer(generator: torch.Generator, low: int, high: int) -> int:
    """An integer from ``low`` to ``high``, both included."""
    return int(torch.randint(low, high + 1, (), generator=generator))


def uniform(generator: torch.Generator, low: float, high: float) -> float:
    """A float in [low, high), rounded to 4 significant digits so a case label can show it exactly."""
    value = low + (high - low) * float(torch.rand((), generator=generator, dtype=torch.float64))
    return float(f"{value:.4g}")


def normal(generator: torch.Generator, *shape: int, dtype: torch.dtype, device: str,
           scale: float = 1.0) -> torch.Tensor:
    return (scale * torch.randn(*shape, generator=generator, dtype=torch.float64)).to(device, dtype)


def positive(generator: torch.Generator, *shape: int, dtype: torch.dtype, device: str,
             low: float = 0.1, high: float = 2.0) -> torch.Tensor:
    """Entries uniform in [low, high): squared-gradient accumulators, variances."""
    return (low + (high - low) * torch.rand(*shape, generator=generator, dtype=torch.float64)).to(device, dtype)


def dims(shape: tuple[int, ...] | torch.Size) -> str:
    """``2×3×9×11``, for case labels."""
    return "×".join(map(str, shape))
