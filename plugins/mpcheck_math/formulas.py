"""Reading formulas from params (user text: the same safe parser as answers) and writing them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from mpcheck.errors import AnswerError, ParamsError


@lru_cache(maxsize=256)
def read(text: str, variables: tuple[str, ...], key: str) -> Any:
    """A params formula as a SymPy expression; a clear ParamsError naming ``key`` otherwise."""
    from mpcheck.answers.formula import parse_expression

    if not isinstance(text, str):
        raise ParamsError(f"params: {key!r} must be a formula as a string, e.g. \"x^2 + y^2 - 1\"")
    try:
        return parse_expression(text, variables)
    except AnswerError as exc:
        raise ParamsError(f"params: {key!r} is not a formula in {', '.join(variables)}: {exc}") from None


def show(expr: Any) -> str:
    """A formula for the text markup (LaTeX by ``sympy.latex``, to go inside ``$…$``)."""
    import sympy as sp

    return sp.latex(expr)


@lru_cache(maxsize=512)
def simplest(expr: Any, seconds: float = 2.0) -> Any:
    """``simplify`` within a time limit; the expression as it is if that takes too long."""
    import sympy as sp

    from mpcheck.limits import TimeLimitExceeded, time_limit

    try:
        with time_limit(seconds):
            return sp.simplify(expr)
    except TimeLimitExceeded:
        return expr


@lru_cache(maxsize=512)
def tidy(expr: Any) -> Any:
    """A quick, readable form for answers: one fraction with common factors pulled out, unless
    the expression as differentiated is shorter (``(10x + 5)(1 − tanh²(…))`` stays factored).
    Much cheaper than ``simplify``."""
    import sympy as sp

    combined = sp.factor_terms(sp.powsimp(sp.cancel(expr)))
    return min((combined, expr), key=sp.count_ops)


@lru_cache(maxsize=512)
def canonical(expr: Any) -> str:
    """The JSON-native answer: SymPy's plain text (``**`` for powers)."""
    import sympy as sp

    return sp.sstr(expr)
