"""Numbers placed inside formulas: negatives in parentheses after an operator, signed terms."""

from mpcheck.text import num


def paren(x: float, digits: int = 4) -> str:
    """``3`` or ``(-3)``: safe after a product or power sign."""
    return f"({num(x, digits)})" if x < 0 else num(x, digits)


def signed(x: float, digits: int = 4) -> str:
    """``+ 3`` or ``- 3``: a term in the middle of a sum."""
    return f"- {num(-x, digits)}" if x < 0 else f"+ {num(x, digits)}"


def linear(coefficients: list[float], names: list[str]) -> str:
    """``24 x + 4 y - z``: a linear form, zero terms dropped, unit coefficients bare."""
    text = ""
    for c, name in zip(coefficients, names):
        if c == 0:
            continue
        size = "" if abs(c) == 1 else num(abs(c)) + " "
        if not text:
            text = ("-" if c < 0 else "") + size + name
        else:
            text += f" {'-' if c < 0 else '+'} {size}{name}"
    return text or "0"
