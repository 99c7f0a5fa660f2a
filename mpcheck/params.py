"""Validation of problem params given by a user (``--params``): each check names the key.

Generators call these from ``validate_params``; every failure is a ``ParamsError`` whose message
says which key, what was expected and what was given.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from mpcheck.errors import ParamsError

MAX_PARAMS_CHARS = 100_000
MAX_DIM = 64


def load_params(text: str) -> dict[str, Any]:
    """Parse ``--params`` JSON text into a dict, with a size cap and clear errors."""
    if len(text) > MAX_PARAMS_CHARS:
        raise ParamsError(f"params are too long ({len(text)} characters; at most {MAX_PARAMS_CHARS})")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParamsError("params are nested too deeply") from None
    except ValueError as exc:
        raise ParamsError(f"params are not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ParamsError("params must be a JSON object, e.g. '{\"kernel\": 3}'")
    return value


def check_keys(params: Mapping[str, Any], required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """Every required key present, no key that is neither required nor optional."""
    required, optional = list(required), list(optional)
    if not isinstance(params, Mapping):
        raise ParamsError("params must be a JSON object")
    missing = [k for k in required if k not in params]
    if missing:
        raise ParamsError(f"missing params: {', '.join(missing)} (expected keys: {', '.join(required)})")
    unknown = [k for k in params if k not in required and k not in optional]
    if unknown:
        raise ParamsError(f"unknown params: {', '.join(map(str, unknown))} (expected keys: {', '.join(required + optional)})")


def _bounds_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f" between {lo} and {hi}"
    if lo is not None:
        return f" ≥ {lo}"
    if hi is not None:
        return f" ≤ {hi}"
    return ""


def integer(params: Mapping[str, Any], key: str, lo: int | None = None, hi: int | None = None) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamsError(f"params: {key!r} must be an integer{_bounds_text(lo, hi)}, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ParamsError(f"params: {key!r} must be an integer{_bounds_text(lo, hi)}, got {value}")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParamsError(f"params: {what} must be a finite number, got {value!r}")
    return float(value)


def real(params: Mapping[str, Any], key: str, lo: float | None = None, hi: float | None = None,
         *, strict_lo: bool = False) -> float:
    value = _number(params.get(key), repr(key))
    too_low = lo is not None and (value <= lo if strict_lo else value < lo)
    if too_low or (hi is not None and value > hi):
        bound = f" > {lo}" if strict_lo and hi is None else _bounds_text(lo, hi)
        raise ParamsError(f"params: {key!r} must be a number{bound}, got {value}")
    return value


def boolean(params: Mapping[str, Any], key: str) -> bool:
    value = params.get(key)
    if not isinstance(value, bool):
        raise ParamsError(f"params: {key!r} must be true or false, got {value!r}")
    return value


def one_of(params: Mapping[str, Any], key: str, options: Iterable[str]) -> str:
    options = list(options)
    value = params.get(key)
    if value not in options:
        raise ParamsError(f"params: {key!r} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def vector(params: Mapping[str, Any], key: str, length: int | None = None, *,
           min_length: int = 1, max_length: int = MAX_DIM, integer: bool = False) -> list[float]:
    value = params.get(key)
    if not isinstance(value, list):
        raise ParamsError(f"params: {key!r} must be a list of numbers, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise ParamsError(f"params: {key!r} must have {length} entries, got {len(value)}")
    if not min_length <= len(value) <= max_length:
        raise ParamsError(f"params: {key!r} must have {min_length} to {max_length} entries, got {len(value)}")
    out = [_number(v, f"{key}[{i}]") for i, v in enumerate(value)]
    if integer and any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise ParamsError(f"params: {key!r} must hold integers")
    return out


def matrix(params: Mapping[str, Any], key: str, rows: int | None = None, cols: int | None = None, *,
           max_dim: int = MAX_DIM) -> list[list[float]]:
    value = params.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise ParamsError(f"params: {key!r} must be a non-empty list of rows (a 2-D list)")
    if rows is not None and len(value) != rows:
        raise ParamsError(f"params: {key!r} must have {rows} rows, got {len(value)}")
    width = len(value[0])
    if width == 0 or any(len(r) != width for r in value):
        raise ParamsError(f"params: {key!r} must be rectangular with at least one column")
    if cols is not None and width != cols:
        raise ParamsError(f"params: {key!r} must have {cols} columns, got {width}")
    if len(value) > max_dim or width > max_dim:
        raise ParamsError(f"params: {key!r} is too large ({len(value)}×{width}; at most {max_dim}×{max_dim})")
    return [[_number(v, f"{key}[{i}][{j}]") for j, v in enumerate(r)] for i, r in enumerate(value)]
