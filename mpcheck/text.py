"""Numbers, vectors, matrices and shapes for the text markup (``mpcheck.markup``).

Each helper writes LaTeX math to be placed inside ``$…$`` (``num``, ``vec``, ``shape``,
``bmatrix``) or a whole display formula (``mat``), so that a prompt shows params exactly as the
answer uses them, typeset on paper and readable in the terminal.
"""

from __future__ import annotations

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


def exact(x: float) -> str:
    """A param as the user gave it (to 15 significant digits): sampled short decimals stay short,
    typed ones are not rounded to what the answer does not use."""
    return num(x, EXACT_DIGITS)


def exact_vec(values: Sequence[float]) -> str:
    """``[0.1, -2, 0.333333333333333]``: a vector of params, each as given."""
    return "[" + ", ".join(exact(v) for v in values) + "]"


def paren(x: float, digits: int = EXACT_DIGITS) -> str:
    """A number written as a factor or a subtrahend: negative ones in parentheses, ``(-0.5)``."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text
