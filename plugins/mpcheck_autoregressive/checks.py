"""Params checks shared by this topic's generators; every failure is a ParamsError naming the key.

Integers are checked as integers before ``mpcheck.params`` turns numbers into floats, so that a huge
integer is refused with a reason instead of overflowing the conversion.
"""

from __future__ import annotations

from typing import Any

from mpcheck import params as P
from mpcheck.errors import ParamsError


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def int_list(params: dict, key: str, lo: int, hi: int, *, min_length: int = 1, max_length: int = 64) -> list[int]:
    """A list of integers in [lo, hi]."""
    value = params.get(key)
    if not isinstance(value, list) or not min_length <= len(value) <= max_length:
        raise ParamsError(f"params: {key!r} must be a list of {min_length} to {max_length} integers, got {value!r}"[:300])
    if not all(_is_int(v) and lo <= v <= hi for v in value):
        raise ParamsError(f"params: {key!r} must hold integers between {lo} and {hi}, got {value!r}"[:300])
    return list(value)


def _refuse_huge(value: Any, key: str, max_abs: float) -> None:
    for row in value if isinstance(value, list) else ():
        for v in row if isinstance(row, list) else [row]:
            if _is_int(v) and abs(v) > max_abs:
                raise ParamsError(f"params: {key!r} entries must be at most {max_abs:g} in size")


def real_matrix(params: dict, key: str, *, max_dim: int, max_abs: float, rows: int | None = None,
                cols: int | None = None) -> list[list[float]]:
    """A rectangular 2-D list of finite numbers no larger than ``max_abs``."""
    _refuse_huge(params.get(key), key, max_abs)
    grid = P.matrix(params, key, rows, cols, max_dim=max_dim)
    if any(abs(v) > max_abs for row in grid for v in row):
        raise ParamsError(f"params: {key!r} entries must be at most {max_abs:g} in size")
    return grid
