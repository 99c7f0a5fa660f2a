"""Numbers inside worked products: a negative factor gets parentheses, so that "1.4·(−0.2)" and
"(−6)²" read as meant."""

from __future__ import annotations

from mpcheck.text import num


def factor(x: float, digits: int = 4) -> str:
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text
