"""Checks shared by the generators' ``validate_params`` (on top of ``mpcheck.params``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mpcheck.errors import ParamsError


def bounded(params: Mapping[str, Any], key: str, limit: float) -> None:
    """Every entry of a (already validated) vector or matrix lies in [−limit, limit]: larger
    values only overflow, they teach nothing."""
    value = params[key]
    entries = [v for row in value for v in row] if value and isinstance(value[0], list) else value
    if any(abs(v) > limit for v in entries):
        raise ParamsError(f"params: {key!r} entries must lie between −{limit:g} and {limit:g}")
