"""Numbers inside the body topic's formulas: negatives in parentheses after an operator, vectors
and homogeneous transforms as matrices of the text markup."""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.text import bmatrix, num, vec


def factor(x: float, digits: int = 4) -> str:
    """``3`` or ``(-3)``: safe after a product sign."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def clean(values: Sequence[float]) -> list[float]:
    """Float noise away: an entry below 1e-12 of the largest is cancellation residue (0.3 − 0.1·3
    is 5.55e-17), not a number to print or grade. Relative, so that a point near the origin keeps
    its digits."""
    scale = max((abs(v) for v in values), default=0.0)
    return [0.0 if abs(v) <= 1e-12 * scale else v + 0.0 for v in values]


def column(values: Sequence[float], digits: int = 4) -> str:
    return bmatrix([[v] for v in values], digits)


def point(values: Sequence[float], digits: int = 4) -> str:
    return vec(clean(values), digits)
