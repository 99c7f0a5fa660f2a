"""Numbers inside the body topic's formulas: negatives in parentheses after an operator, vectors
and homogeneous transforms as matrices of the text markup."""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.api import tidy
from mpcheck.text import bmatrix, num, vec


def factor(x: float, digits: int = 4) -> str:
    """``3`` or ``(-3)``: safe after a product sign."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def column(values: Sequence[float], digits: int = 4) -> str:
    return bmatrix([[v] for v in values], digits)


def point(values: Sequence[float], digits: int = 4) -> str:
    return vec(tidy(values), digits)
