"""Writing numbers, tables and MDPs in the text markup (LaTeX math inside ``$…$``).

Tables and grids are LaTeX ``array``s with ``|`` rules and ``\\hline``, on a ``$$…$$`` line of
their own: the terminal renderer draws them as boxes, sheets typeset them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from mpcheck.text import exact, num
from mpcheck.text import paren as text_paren


def fmt(x: float, digits: int = 4) -> str:
    """A computed number in a worked solution: float noise (6.9e-18 for 0) rounded off first."""
    return num(float(round(x, 12)) + 0.0, digits)


def signed(x: float) -> str:
    """``+1``, ``-0.5``: a reward with its sign."""
    return ("+" if x > 0 else "") + exact(x)


def paren(x: float, digits: int = 4) -> str:
    """A computed number ready to follow an operator: negatives in parentheses, noise rounded off."""
    return text_paren(float(round(x, 12)) + 0.0, digits)


def vector(values: Sequence[float], digits: int = 4) -> str:
    return "[" + ", ".join(fmt(v, digits) for v in values) + "]"


def listing(name: str, n: int) -> str:
    """``[V(s_0), V(s_1)]``, or with dots in the middle when there are more than three."""
    items = [f"{name}({state(s)})" for s in range(n)]
    return "[" + ", ".join(items if n <= 3 else [items[0], items[1], r"\dots", items[-1]]) + "]"


def state(s: int) -> str:
    return f"s_{{{s}}}"


def action(a: int) -> str:
    return f"a_{{{a}}}"


def array(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """A ruled table on a ``$$…$$`` line: every cell boxed."""
    width = len(header) if header is not None else len(rows[0])
    lines = ([" & ".join(header)] if header is not None else []) + [" & ".join(row) for row in rows]
    body = " ".join(line + r" \\ \hline" for line in lines)
    return f"$$\\begin{{array}}{{|{'c|' * width}}}\\hline {body} \\end{{array}}$$"


def mdp_table(P, R, extra: Sequence[tuple[str, Sequence[Sequence[str]]]] = ()) -> str:
    """One row per (s, a): R(s, a) and P(s' | s, a) for every s'; ``extra`` adds columns
    (a title, then a cell per [s][a])."""
    n = len(P)
    header = ["s", "a", "R(s, a)", *(f"P({state(t)} \\mid s, a)" for t in range(n)), *(t for t, _ in extra)]
    rows = [[state(s), action(a), exact(R[s][a]), *(exact(p) for p in P[s][a]), *(cells[s][a] for _, cells in extra)]
            for s in range(n) for a in range(len(R[s]))]
    return array(rows, header)


def q_table(Q: Sequence[Sequence[float]]) -> str:
    """Q[s][a] (params, shown as given) with a row per state and a column per action."""
    header = ["", *(action(a) for a in range(len(Q[0])))]
    rows = [[state(s), *(exact(q) for q in row)] for s, row in enumerate(Q)]
    return array(rows, header)


def value_row(V: Sequence[float]) -> str:
    """V(s) (params, shown as given) in a one-row table headed by the states."""
    return array([[exact(v) for v in V]], [state(s) for s in range(len(V))])


def sum_text(weights: Sequence[float], values: Sequence[float], digits: int = 4) -> str:
    """``0.8 \\cdot 0.5 + 0.2 \\cdot 1`` over the nonzero weights (``0`` when none)."""
    terms = [f"{fmt(w, digits)} \\cdot {paren(v, digits)}" for w, v in zip(weights, values) if w]
    return " + ".join(terms) or "0"
