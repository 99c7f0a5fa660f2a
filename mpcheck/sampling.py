"""Helpers that draw exam-sized numbers from a numpy Generator and return JSON-native values."""

from __future__ import annotations

from typing import Any


def ints(rng: Any, lo: int, hi: int, shape: int | tuple[int, ...] | None = None) -> Any:
    """Integers in [lo, hi] (inclusive) as Python ints or nested lists."""
    if shape is None:
        return int(rng.integers(lo, hi + 1))
    return rng.integers(lo, hi + 1, size=shape).tolist()


def decimals(rng: Any, lo: float, hi: float, places: int = 1,
             shape: int | tuple[int, ...] | None = None) -> Any:
    """Short decimals in [lo, hi] with ``places`` decimal places, as floats or nested lists."""
    scale = 10 ** places
    raw = rng.integers(round(lo * scale), round(hi * scale) + 1, size=shape)
    if shape is None:
        return round(int(raw) / scale, places)
    return (raw / scale).round(places).tolist()


def pick(rng: Any, options: list[Any]) -> Any:
    """One of ``options``, uniformly."""
    return options[int(rng.integers(len(options)))]
