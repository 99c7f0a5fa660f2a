"""Numbers inside worked products: a negative factor gets parentheses, so that "1.4·(−0.2)" and
"(−6)²" read as meant; intermediate vectors lose their float noise (2.776e-17 is a 0)."""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.text import num, vec


def factor(x: float, digits: int = 4) -> str:
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def shown(values: Sequence[float], digits: int = 4) -> str:
    # 0.3 − 0.1·3 leaves 5.55e-17 behind: round it away before printing, or a 0 reads as a number
    # (relative to the largest entry, so a vector of tiny values keeps them)
    scale = max((abs(v) for v in values), default=0.0)
    return vec([0.0 if abs(v) <= 1e-12 * scale else v + 0.0 for v in values], digits)
