"""Turning verified lines into text, Unicode pretty-print, LaTeX ``align`` and JSON."""

from __future__ import annotations

from typing import Any

import sympy as sp

from mpcheck.derive.verify import INEQUALITIES, Line



def is_relation(math_: Any) -> bool:
    return isinstance(math_, (sp.Equality, *INEQUALITIES))


def plain(math_: Any) -> str:
    """One-line text in the syntax a student types (``**`` for powers)."""
    if isinstance(math_, sp.Equality):
        return f"{sp.sstr(math_.lhs)} = {sp.sstr(math_.rhs)}"
    return sp.sstr(math_)


def pretty(math_: Any) -> str:
    """Unicode 2-D rendering (fractions, integrals, Greek letters)."""
    return sp.pretty(math_, use_unicode=True, wrap_line=False)


def line_text(line: Line) -> str:
    math_ = line.item.math
    return plain(math_) if is_relation(math_) else "= " + plain(math_)


def line_pretty(line: Line) -> str:
    math_ = line.item.math
    if is_relation(math_):
        return pretty(math_)
    body = pretty(math_).splitlines() or [""]
    # put "= " on the baseline row of a multi-row rendering
    middle = len(body) // 2
    return "\n".join(("= " if i == middle else "  ") + row for i, row in enumerate(body))


_LATEX_RELATIONS = {sp.Equality: "=", sp.StrictLessThan: "<", sp.StrictGreaterThan: ">",
                    sp.LessThan: r"\le", sp.GreaterThan: r"\ge"}


def line_latex(line: Line) -> str:
    """``lhs &= rhs`` for relations, ``&= expr`` for a continued chain."""
    math_ = line.item.math
    if is_relation(math_):
        return f"{sp.latex(math_.lhs)} &{_LATEX_RELATIONS[type(math_)]} {sp.latex(math_.rhs)}"
    return f"&= {sp.latex(math_)}"


_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}


def _latex_text(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(char, char) for char in text)


def latex_align(title: str, lines: list[Line]) -> str:
    """An ``align`` environment, one row per line, the reason as a ``\\text{}`` comment."""
    rows = []
    for line in lines:
        status = "" if line.outcome is None else (
            " (unchecked)" if line.outcome.method == "unchecked"
            else "" if line.outcome.verified else " (NOT verified)")
        reason = _latex_text(line.item.reason + status)
        rows.append(f"  {line_latex(line)} && \\text{{{reason}}}")
    return (f"% {title}\n\\begin{{align}}\n" + " \\\\\n".join(rows) + "\n\\end{align}\n")


def step_json(line: Line) -> dict[str, Any]:
    outcome = line.outcome
    return {"text": line_text(line), "latex": line_latex(line), "reason": line.item.reason,
            "verified": bool(outcome and outcome.verified),
            "method": outcome.method if outcome else "unchecked",
            "count": outcome.count if outcome else None,
            "detail": outcome.detail if outcome else "", "pretty": line_pretty(line)}


def given_json(line: Line, before_step: int) -> dict[str, Any]:
    return {"text": line_text(line), "latex": line_latex(line), "reason": line.item.reason,
            "before_step": before_step}
