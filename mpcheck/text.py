"""Numbers, vectors, matrices and shapes for the text markup (``mpcheck.markup``).

Each helper writes LaTeX math to be placed inside ``$…$`` (``num``, ``vec``, ``shape``,
``bmatrix``) or a whole display formula (``mat``), so that a prompt shows params exactly as the
answer uses them, typeset on paper and readable in the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def num(x: float, digits: int = 4) -> str:
    """A number as a student would write it: integers bare, others to ``digits`` significant
    digits; a power of ten as ``1.5 \\cdot 10^{-7}`` (LaTeX, for inside ``$…$``)."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa} \\cdot 10^{{{int(exp)}}}"
    return text


def vec(values: Sequence[float], digits: int = 4) -> str:
    """``[1, 0.5, -2]``, for inside ``$…$``."""
    return "[" + ", ".join(num(v, digits) for v in values) + "]"


def bmatrix(rows: Sequence[Sequence[float]], digits: int = 4) -> str:
    """A matrix in the text markup, to be placed inside ``$…$`` or ``$$…$$``:
    ``\\begin{bmatrix} 1 & 0 \\\\ 3 & 0.5 \\end{bmatrix}`` (drawn as aligned rows in the terminal)."""
    body = r" \\ ".join(" & ".join(num(v, digits) for v in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def mat(rows: Sequence[Sequence[float]], digits: int = 4, name: str = "") -> str:
    """A matrix as display math on a line of its own: ``$$X = \\begin{bmatrix}…\\end{bmatrix}$$``
    (``name`` is LaTeX, e.g. ``"X"`` or ``"\\operatorname{rot180}(K)"``)."""
    return "$$" + (f"{name} = " if name.strip() else "") + bmatrix(rows, digits) + "$$"


def shape(dims: Sequence[int]) -> str:
    """``32 \\times 29 \\times 29``, for inside ``$…$``."""
    return r" \times ".join(str(d) for d in dims)


#: significant digits that show a param as given: prompts must show what the answer uses
EXACT_DIGITS = 15


def exact_digits(values: float | Sequence) -> int:
    """Significant digits that show every number in ``values`` (a number, or nested lists) exactly
    as the float it is, at least 4: ``num(x, exact_digits(x))`` prints 0.10004 as 0.10004, never
    0.1. Prompts show params this way, so that what a student sees is what is graded."""
    if isinstance(values, (list, tuple)):
        return max((exact_digits(v) for v in values), default=4)
    x = float(values)
    if x == 0 or not math.isfinite(x) or (x.is_integer() and abs(x) < 1e15):
        return 4
    # repr is the shortest decimal that reads back as the same float; formatting to that many
    # digits can still round a tie the other way (2⁻²⁴ = 5.9604644775390625e-8), so check
    mantissa = repr(abs(x)).split("e")[0].replace(".", "").lstrip("0")
    for digits in range(max(4, len(mantissa)), 17):
        if float(f"{x:.{digits}g}") == x:
            return digits
    return 17


def exact(x: float) -> str:
    """A param in a prompt: as given, every digit (see ``exact_digits``)."""
    return num(x, exact_digits(x))


def exact_vec(values: Sequence[float]) -> str:
    return vec(values, exact_digits(values))


def exact_mat(rows: Sequence[Sequence[float]], name: str = "") -> str:
    """``mat`` with every param as given (see ``exact_digits``)."""
    return mat(rows, exact_digits(rows), name)


def paren(x: float, digits: int = EXACT_DIGITS) -> str:
    """A number written as a factor or a subtrahend: negative ones in parentheses, ``(-0.5)``."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text
