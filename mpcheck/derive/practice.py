"""``derive --practice``: which steps a student can type, and checking what they typed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import sympy as sp

from mpcheck.answers.base import Match
from mpcheck.derive.steps import Step
from mpcheck.derive.render import lhs_text
from mpcheck.derive.verify import INEQUALITIES, Line, expand_definitions

#: SymPy function classes a student can type (see mpcheck.answers.formula.FUNCTIONS)
TYPABLE_FUNCTIONS = (sp.exp, sp.log, sp.Abs, sp.sin, sp.cos, sp.tan, sp.tanh, sp.sinh, sp.cosh,
                     sp.asin, sp.acos, sp.atan)


@dataclass(frozen=True)
class Question:
    """What the student is asked to type for one step.

    ``prompt`` shows what to complete (``∂ŷ₁/∂x₁ = ?``); ``cue`` says what the step does (its
    reason, text markup) and never gives the expression away; ``typing_guide`` says how to type
    the symbols (``yhat_1 for ŷ₁``)."""

    target: Any
    prompt: str
    variables: tuple[str, ...]
    positive: tuple[str, ...]
    symbols: tuple = ()
    cue: str = ""

    @property
    def typing_guide(self) -> str:
        from mpcheck.derive.render import lhs_text

        shown = []
        for symbol, name in zip(self.symbols, self.variables):
            glyph = lhs_text(symbol)
            # x_1 for x₁ goes without saying; yhat_1 for ŷ₁ and sigma for σ do not
            obvious = unicodedata.normalize("NFKC", glyph).replace("_", "") == name.replace("_", "")
            shown.append(name if obvious else f"{name} for {glyph}")
        return ", ".join(shown)


def _typable(expr: Any) -> bool:
    if not isinstance(expr, sp.Expr) or expr.has(sp.Integral, sp.Derivative, sp.Sum, sp.Piecewise):
        return False
    if any(not isinstance(f, TYPABLE_FUNCTIONS) for f in expr.atoms(sp.Function)):
        return False
    return all(str(s).isidentifier() for s in expr.free_symbols)


def question_for(line: Line, where: dict | None = None) -> Question | None:
    """The question for a step, or None where it is shown rather than asked."""
    step, where = line.item, where or {}
    if not isinstance(step, Step) or step.practice is None or isinstance(step.math, INEQUALITIES):
        return None
    math_ = step.math
    mode = step.practice
    if mode == "auto":
        mode = "rhs" if isinstance(math_, sp.Equality) else "expression"
    if isinstance(math_, sp.Equality):
        if mode == "difference":
            target = math_.lhs - math_.rhs
            prompt = f"type left side − right side of the next equation ({lhs_text(math_.lhs)} − …) ="
        else:
            target, prompt = math_.rhs, f"{lhs_text(math_.lhs)} = ?"
    else:
        target = math_
        prompt = f"{lhs_text(line.lhs)} = ?" if line.lhs is not None else "= ?"
    if not _typable(target) or not target.free_symbols:
        return None  # shown, not asked: nothing a student could type, or a bare constant
    # the student may use any symbol of the line, and shorthands the walkthrough defines
    known = target.free_symbols | math_.free_symbols | {s for s in where if isinstance(s, sp.Symbol)}
    symbols = sorted((s for s in known if str(s).isidentifier()), key=str)
    return Question(target, prompt, tuple(map(str, symbols)),
                    tuple(str(s) for s in symbols if s.is_positive), tuple(symbols),
                    cue=safe_cue(step.reason, target))


def gives_away(text: str, target: Any) -> bool:
    """True if the text (markup) shows the expression the student is to type: a formula of the
    text ends in "= target", or the target (three characters or more) appears in it."""
    from mpcheck.derive.render import latex, lhs_text
    from mpcheck.markup import math, render
    from mpcheck.markup.segments import split

    def squeeze(s: str) -> str:
        return "".join(s.split())

    wanted = squeeze(lhs_text(target))
    for segment in split(text):
        if segment.kind != "prose" and squeeze(math(segment.text)).endswith("=" + wanted):
            return True
    if len(wanted) < 3:
        return False  # a single symbol may be named without giving the step away
    return wanted in squeeze(render(text)) or squeeze(latex(target)) in squeeze(text)


def safe_cue(reason: str, target: Any) -> str:
    """The step's reason as the cue, unless it contains the answer."""
    return "the next step (its reason would give the answer away)" if gives_away(reason, target) else reason


def grade(question: Question, text: str, where: dict) -> Match:
    """Read the typed line (safely) and compare with the hidden step. Raises AnswerError."""
    from mpcheck.answers.expression import equivalence
    from mpcheck.answers.formula import parse_expression

    typed = parse_expression(text, question.variables, question.positive)
    # the typed symbols stand for the step's own symbols (same names, same assumptions)
    by_name = {str(s): s for s in (*question.symbols, *question.target.free_symbols)}
    typed = typed.xreplace({s: by_name[str(s)] for s in typed.free_symbols})
    return equivalence(expand_definitions(typed, where), expand_definitions(question.target, where))


def hint_for(step: Step, question: Question) -> str:
    if step.hint and not gives_away(step.hint, question.target):
        return step.hint
    names = question.typing_guide or "no variables"
    cue = question.cue or step.reason
    return f"{cue[:1].upper()}{cue[1:]}. The answer uses {names}."
