"""Comparing an implementation's output with the expected one: any nesting of tensors, numbers,
tuples, lists and dicts; the largest error and where it is; shapes, dtypes and devices.

Imports torch at its top: only the checker and the sandbox's child import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch


def finite_or_none(x: float) -> float | None:
    """JSON has no infinity: an error that could not be measured (a crash, a shape) is null."""
    return x if math.isfinite(x) else None


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
