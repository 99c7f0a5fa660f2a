"""Small writers of the text markup shared by this topic's prompts and solutions.

Every text is prose with LaTeX math in ``$…$``; a display (a matrix, a table) sits in ``$$…$$`` on
a line of its own. Numbers go through ``mpcheck.text.num`` so a prompt shows exactly what the
answer uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.text import bmatrix, num

#: Significant digits for params in a prompt: enough to show every short decimal exactly.
PARAM_DIGITS = 15


def display(body: str) -> str:
    """A display formula on its own line."""
    return f"$$ {body} $$"


def matrix_display(name: str, rows: Sequence[Sequence[float]], digits: int = 4) -> str:
    """``$$ Q = \\begin{bmatrix} … \\end{bmatrix} $$``."""
    return display(f"{name} = {bmatrix(rows, digits)}")


def paren(x: float, digits: int = 4) -> str:
    """A number ready to follow an operator: negatives in parentheses, ``2 + (-3)``."""
    return f"({num(x, digits)})" if x < 0 else num(x, digits)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A ruled grid: ``$$ \\begin{array}{|c|c|} \\hline … \\end{array} $$``. Cells are math."""
    columns = "|" + "c|" * len(header)
    lines = [" & ".join(header)] + [" & ".join(row) for row in rows]
    body = r" \\ \hline ".join(lines)
    return display(rf"\begin{{array}}{{{columns}}} \hline {body} \\ \hline \end{{array}}")


def text(word: str) -> str:
    """A word inside math: ``\\text{a}``."""
    return rf"\text{{{word}}}"
