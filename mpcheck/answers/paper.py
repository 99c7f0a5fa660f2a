"""Answers and answer instructions as they appear on paper, in the text markup.

The terminal shows an answer in the syntax a student types (``[[1, 2], [3, 4]]``, ``(8*x + 3)*exp(x)``);
a sheet shows it as math: a ``bmatrix``, ``sympy.latex`` of a formula, ``32 \\times 29``.
Instructions on paper say what to give (digits, variables), never how to type it.
"""

from __future__ import annotations

from typing import Any

from mpcheck.answers.base import AnswerKind
from mpcheck.answers.reals import format_real, safe_digits


def _number(x: float, kind: AnswerKind) -> str:
    text = format_real(x, getattr(kind, "rtol", 1e-3))
    if "e" in text:  # 1.5e-07 → 1.5 \cdot 10^{-7}
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
    return text


def answer_markup(kind: AnswerKind, answer_json: Any) -> str:
    """The expected answer (JSON-native, as ``solve`` returns it) in the text markup."""
    name = kind.name
    value = kind.from_json(answer_json)
    if name == "integer":
        return f"${int(value)}$"
    if name == "real":
        return f"${_number(value, kind)}$"
    if name == "fraction":
        sign = "-" if value < 0 else ""
        value = abs(value)
        if value.denominator == 1:
            return f"${sign}{value.numerator}$"
        return f"${sign}\\frac{{{value.numerator}}}{{{value.denominator}}}$"
    if name == "vector":
        return "$(" + ",\\ ".join(_number(v, kind) for v in value) + ")$"
    if name == "matrix":
        rows = " \\\\ ".join(" & ".join(_number(v, kind) for v in row) for row in value)
        return "$$\\begin{bmatrix} " + rows + " \\end{bmatrix}$$"
    if name == "shape":
        return "$" + " \\times ".join(str(d) for d in value) + "$"
    if name == "expression":
        import sympy as sp

        return "$" + sp.latex(value) + "$"
    if name == "choice":
        letters = [value] if isinstance(value, str) else list(value)
        return ", ".join(f"({letter})" for letter in letters)
    if name == "boolean":
        return "true" if value else "false"
    if name == "multi-part":
        lines = []
        for part, part_kind in kind.parts.items():
            if part in answer_json:
                shown = answer_markup(part_kind, answer_json[part])
                lines.append(f"{part}:\n{shown}" if shown.startswith("$$") else f"{part}: {shown}")
        return "\n".join(lines)
    return kind.format(value)


def paper_instructions(kind: AnswerKind) -> str:
    """What to give, for a sheet: digits and variables, no typing syntax."""
    name = kind.name
    if name in ("real", "vector", "matrix"):
        digits = safe_digits(getattr(kind, "rtol", 1e-3))
        what = {"real": "", "vector": " in each entry", "matrix": " in each entry"}[name]
        return f"Give at least {digits} significant digits{what}."
    if name == "fraction":
        return "Give an exact fraction."
    if name == "expression":
        import sympy as sp

        names = [f"${sp.latex(sp.Symbol(v))}$" for v in getattr(kind, "variables", ())]
        return f"Give a formula in {', '.join(names)}." if names else "Give a formula."
    if name == "choice":  # several: the question says so itself
        return "" if getattr(kind, "multiple", False) else "Select one option."
    if name == "boolean":
        return "True or false?"
    if name == "multi-part":
        notes = {paper_instructions(part) for part in kind.parts.values()} - {""}
        parts = ", ".join(kind.parts)
        return f"Give every part ({parts}). " + " ".join(sorted(notes)) if notes else f"Give every part ({parts})."
    return ""
