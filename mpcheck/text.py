"""Plain-text formatting of numbers, vectors and matrices for prompts and worked solutions."""

from __future__ import annotations

from collections.abc import Sequence


def num(x: float, digits: int = 4) -> str:
    """A number as a student would write it: integers bare, others to ``digits`` significant digits."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}e{int(exp)}"
    return text


def vec(values: Sequence[float], digits: int = 4) -> str:
    """``[1, 0.5, -2]``."""
    return "[" + ", ".join(num(v, digits) for v in values) + "]"


def mat(rows: Sequence[Sequence[float]], digits: int = 4, indent: str = "  ") -> str:
    """A matrix on several lines with aligned columns::

        [ 1   0  -2 ]
        [ 3  0.5  1 ]
    """
    cells = [[num(v, digits) for v in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    lines = ["[ " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) + " ]" for row in cells]
    return "\n".join(indent + line for line in lines)


def shape(dims: Sequence[int]) -> str:
    """``32×29×29``."""
    return "×".join(str(d) for d in dims)


def bmatrix(rows: Sequence[Sequence[float]], digits: int = 4) -> str:
    """A matrix in the text markup, to be placed inside ``$…$`` or ``$$…$$``:
    ``\\begin{bmatrix} 1 & 0 \\\\ 3 & 0.5 \\end{bmatrix}`` (drawn as a box in the terminal)."""
    body = r" \\ ".join(" & ".join(num(v, digits) for v in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


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
