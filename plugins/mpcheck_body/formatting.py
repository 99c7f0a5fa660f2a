"""Numbers inside the body topic's formulas: negatives in parentheses after an operator, vectors
and homogeneous transforms as matrices of the text markup."""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.text import bmatrix, num, vec


def factor(x: float, digits: int = 4) -> str:
    """``3`` or ``(-3)``: safe after a product sign."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def clean(values: Sequence[float], scale: float = 0.0) -> list[float]:
    """Float noise away: an entry below 1e-12 of the terms summed into it (``scale``, e.g. an arm's
    reach) or of the largest entry is cancellation residue (0.3 − 0.1·3 is 5.55e-17), not a number
    to print or grade. Relative, so that a point near the origin keeps its digits, and an arm that
    closes on itself ends at 0, not at 1e-16."""
    scale = max(scale, *(abs(v) for v in values), 0.0)
    return [0.0 if abs(v) <= 1e-12 * scale else v + 0.0 for v in values]


def column(values: Sequence[float], digits: int = 4) -> str:
    return bmatrix([[v] for v in values], digits)


def point(values: Sequence[float], digits: int = 4) -> str:
    return vec(clean(values), digits)
