"""Verified lines as math: one Unicode line each in the terminal, LaTeX ``align*`` on paper, JSON.

Every expression goes through ``sympy.latex`` (so a symbol named ``yhat_1`` shows as ŷ₁ and
``W_hh__T`` as W_hhᵀ, never as SymPy's ``str``), then through the text markup's renderer for the
terminal. Reasons are text markup themselves.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.conventions import requires_partial
from sympy.printing.latex import LatexPrinter

from mpcheck.derive.verify import INEQUALITIES, Line
from mpcheck.markup import math as show_math
from mpcheck.markup import render

_LATEX_RELATIONS = {sp.Equality: "=", sp.StrictLessThan: "<", sp.StrictGreaterThan: ">",
                    sp.LessThan: r"\le", sp.GreaterThan: r"\ge"}


def is_relation(math_: Any) -> bool:
    return isinstance(math_, (sp.Equality, *INEQUALITIES))


class _Printer(LatexPrinter):
    """SymPy's LaTeX, with the derivative of a symbol written as one fraction: ∂ŷ₁/∂x₁ rather
    than the operator form ∂/∂x₁ ŷ₁."""

    def _print_Derivative(self, expr: Any) -> str:
        inner = expr.expr
        if not isinstance(inner, (sp.Symbol, sp.Indexed, AppliedUndef)):
            return super()._print_Derivative(expr)
        # a symbol stands for a quantity of several variables (ŷ₁ of x₁, x₂, x₃): partial
        d = r"\partial" if requires_partial(expr) or not isinstance(inner, AppliedUndef) else "d"
        order = sum(count for _, count in expr.variable_count)
        below = " ".join(f"{d} {self._print(v)}" + (f"^{{{c}}}" if c > 1 else "")
                         for v, c in expr.variable_count)
        above = d + (f"^{{{order}}}" if order > 1 else "")
        return rf"\frac{{{above} {self._print(inner)}}}{{{below}}}"


    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list:
        # a sum opens with a positive term where it has one: t − k rather than −k + t
        terms = list(super()._as_ordered_terms(expr, order=order))
        if terms and terms[0].could_extract_minus_sign():
            first = next((term for term in terms if not term.could_extract_minus_sign()), None)
            if first is not None:
                terms.remove(first)
                terms.insert(0, first)
        return terms


def latex(expr: Any) -> str:
    """LaTeX of a SymPy expression (derivatives of symbols as one fraction)."""
    return _Printer().doprint(expr)


def _sides(line: Line) -> tuple[str, str, str]:
    """(lhs, relation, rhs) in LaTeX; lhs is "" for a line that continues the chain."""
    math_ = line.item.math
    if is_relation(math_):
        return latex(math_.lhs), _LATEX_RELATIONS[type(math_)], latex(math_.rhs)
    return "", "=", latex(math_)


def line_latex(line: Line) -> str:
    """``lhs &= rhs`` for relations, ``&= expr`` for a continued chain."""
    lhs, relation, rhs = _sides(line)
    return f"{lhs} &{relation} {rhs}".lstrip()


#: a row wider than this (in terminal characters, a fair measure of typeset width) is broken
ROW_WIDTH = 80


def _broken_rows(line: Line) -> str:
    r"""``line_latex``, with a long sum on the right broken after whole terms onto rows of its own
    (``&\quad + …``), so that the row fits a page."""
    lhs, relation, rhs = _sides(line)
    row = f"{lhs} &{relation} {rhs}".lstrip()
    math_ = line.item.math
    value = math_.rhs if is_relation(math_) else math_
    if not isinstance(value, sp.Add) or len(show_math(f"{lhs} {relation} {rhs}")) <= ROW_WIDTH:
        return row
    printer = _Printer()
    pieces = []
    for k, term in enumerate(printer._as_ordered_terms(value)):
        negative = term.could_extract_minus_sign()
        text = printer._print(-term if negative else term)
        if isinstance(-term if negative else term, sp.Add):
            text = f"\\left({text}\\right)"
        pieces.append(("- " if negative else ("+ " if k else "")) + text)
    rows, current = [], ""
    budget = ROW_WIDTH - len(show_math(lhs)) - 3
    for piece in pieces:
        if current and len(show_math(current + " " + piece)) > budget:
            rows.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    rows.append(current)
    first = f"{lhs} &{relation} {rows[0]}".lstrip()
    return " \\\\\n  ".join([first] + [f"&\\quad {r}" for r in rows[1:]])


def line_markup(line: Line) -> str:
    """The line as text markup (``$…$``), for JSON and for tools."""
    lhs, relation, rhs = _sides(line)
    return f"${lhs} {relation} {rhs}$".replace("$ ", "$", 1)


def line_text(line: Line) -> str:
    """The line in the terminal: one line of Unicode math."""
    lhs, relation, rhs = _sides(line)
    return show_math(f"{lhs} {relation} {rhs}".strip())


def lhs_text(expr: Any) -> str:
    """An expression (the left side a student completes) as one line of Unicode."""
    return show_math(latex(expr))


def reason_text(line: Line) -> str:
    return render(line.item.reason)


def _status(line: Line) -> str:
    if line.outcome is None:
        return ""
    if line.outcome.method == "unchecked":
        return " (unchecked)"
    return "" if line.outcome.verified else " (NOT verified)"


def _reason_latex(line: Line) -> str:
    return render(" ".join((line.item.reason + _status(line)).split()), "latex")


def latex_align(title: str, lines: list[Line], assumptions: list[str] = ()) -> str:
    """A body fragment: the title, the assumptions, then an ``align*`` with one row per line;
    each reason is an ``\\intertext`` before the row it justifies (it wraps like prose)."""
    head = [f"\\noindent\\textbf{{{render(title, 'latex')}}}\\par"]
    if assumptions:
        head.append("\\noindent Assume " + "; ".join(render(a, "latex") for a in assumptions) + ".\\par")
    rows = []
    for index, line in enumerate(lines):
        reason = f"{{\\small {_reason_latex(line)}}}"
        if index == 0:
            head.append(f"\\noindent{reason}\\par")
            rows.append(f"  {_broken_rows(line)}")
        else:
            rows.append(f"  \\intertext{{{reason}}}\n  {_broken_rows(line)}")
    return "\n".join(head) + "\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


STANDALONE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
% Latin Modern where installed (sharper text, T1 hyphenation); plain TeX Live has Computer Modern
\IfFileExists{lmodern.sty}{\usepackage[T1]{fontenc}\usepackage{lmodern}}{}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\allowdisplaybreaks
\emergencystretch=2em
\begin{document}
BODY\end{document}
"""


def standalone(body: str) -> str:
    """A complete document around ``latex_align``'s fragment."""
    return STANDALONE.replace("BODY", body, 1)


def step_json(line: Line) -> dict[str, Any]:
    outcome = line.outcome
    return {"text": line_text(line), "markup": line_markup(line), "latex": line_latex(line),
            "reason": line.item.reason, "verified": bool(outcome and outcome.verified),
            "method": outcome.method if outcome else "unchecked",
            "count": outcome.count if outcome else None,
            "detail": outcome.detail if outcome else ""}


def given_json(line: Line, before_step: int) -> dict[str, Any]:
    return {"text": line_text(line), "markup": line_markup(line), "latex": line_latex(line),
            "reason": line.item.reason, "before_step": before_step}
