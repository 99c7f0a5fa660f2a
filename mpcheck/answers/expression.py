"""Symbolic expression answers: read safely (``mpcheck.answers.formula``) and compared for
mathematical equivalence.

Equivalence: a quick numeric screen at random points rejects wrong answers; a right one is then
confirmed by ``simplify(given − expected) == 0`` under a time limit ("symbolic"), or, if SymPy
cannot decide in time, accepted on the numeric evidence ("numeric").

SymPy is imported inside the functions: ``mpcheck.api`` imports this module at CLI start.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.formula import NUMERIC_POINTS, NUMERIC_RTOL, TIME_LIMIT_S, parse_expression
from mpcheck.errors import AnswerError


def _complex_functions() -> dict:
    import cmath

    import sympy as sp

    return {sp.exp: cmath.exp, sp.log: cmath.log, sp.sin: cmath.sin, sp.cos: cmath.cos,
            sp.tan: cmath.tan, sp.tanh: cmath.tanh, sp.sinh: cmath.sinh, sp.cosh: cmath.cosh,
            sp.asin: cmath.asin, sp.acos: cmath.acos, sp.atan: cmath.atan, sp.Abs: abs}


def _compile(expr: Any, functions: dict):
    """A closure tree computing the (whitelisted) expression with complex floats: built once
    per expression, fast at every point, and nothing is generated as source or executed."""
    if expr.is_Symbol:
        return lambda point: point[expr]
    if expr.is_Number or expr.is_NumberSymbol:
        constant = complex(expr)
        return lambda point: constant
    parts = [_compile(arg, functions) for arg in expr.args]
    if expr.is_Add:
        return lambda point: sum(part(point) for part in parts)
    if expr.is_Mul:
        def product(point):
            out = 1
            for part in parts:
                out *= part(point)
            return out
        return product
    if expr.is_Pow:
        base, exponent = parts
        return lambda point: base(point) ** exponent(point)
    function = functions[expr.func]  # KeyError: not one the fast path knows
    return lambda point: function(*(part(point) for part in parts))


def _compiled(expr: Any):
    try:
        return _compile(expr, _complex_functions())
    except (KeyError, TypeError):
        return None


def _evaluate(expr: Any, point: dict, compiled=None) -> complex | None:
    """The expression at ``point`` as a complex number, None where undefined or huge."""
    import sympy as sp

    try:
        if compiled is not None:
            value = compiled(point)
        else:  # something the fast path does not know: let SymPy do it
            value = complex(expr.xreplace({s: sp.Float(v, 20) for s, v in point.items()}).evalf(20))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if value == value and abs(value) < 1e12 else None


def _draw_point(rng: random.Random, symbols: list) -> dict:
    # keep away from 0 and ±1, where wrong formulas coincide with right ones most often
    point = {}
    for s in symbols:
        magnitude = rng.uniform(0.15, 2.6)
        sign = 1 if s.is_positive or rng.random() < 0.5 else -1
        point[s] = sign * magnitude
    return point


def numeric_agreement(given: Any, expected: Any, points: int = NUMERIC_POINTS) -> bool | None:
    """True if both agree at ``points`` random points, False if they differ at one,
    None if too few points were defined for both."""
    symbols = sorted(given.free_symbols | expected.free_symbols, key=str)
    rng = random.Random(20240611)
    fast_given, fast_expected = _compiled(given), _compiled(expected)
    agreed = 0
    for _ in range(points * 3):
        point = _draw_point(rng, symbols)
        a, b = _evaluate(given, point, fast_given), _evaluate(expected, point, fast_expected)
        if a is None or b is None:
            continue
        if abs(a - b) > NUMERIC_RTOL * max(1.0, abs(a), abs(b)):
            return False
        agreed += 1
        if agreed >= points:
            return True
    return True if agreed >= points // 2 else None


def symbolically_equal(given: Any, expected: Any, seconds: float = TIME_LIMIT_S) -> bool | None:
    """True if SymPy proves given − expected = 0 in time; None if it cannot tell."""
    import sympy as sp

    from mpcheck.limits import TimeLimitExceeded, time_limit

    try:
        with time_limit(seconds):
            difference = given - expected
            # cheapest first: most answers are rational functions of the variables
            for reduce in (lambda e: e, sp.expand, sp.cancel, sp.simplify):
                if reduce(difference) == 0:
                    return True
    except (TimeLimitExceeded, RecursionError):
        return None
    return None


def equivalence(given: Any, expected: Any) -> Match:
    """Compare two SymPy expressions; the Match says which method decided."""
    given, expected = _align_symbols(given, expected)
    screen = numeric_agreement(given, expected)
    if screen is False:
        return Match(False, "Not equivalent to the expected expression.", method="numeric")
    if symbolically_equal(given, expected):
        return Match(True, "Correct.", method="symbolic")
    if screen:
        return Match(True, "Correct (checked at random points; SymPy could not simplify the "
                     "difference in time).", method="numeric")
    return Match(False, "Could not confirm equivalence: the expressions are undefined at most "
                 "test points.", method="numeric")


def _align_symbols(given: Any, expected: Any) -> tuple[Any, Any]:
    """Same-named symbols in both (e.g. a derivation's positive σ and a typed σ) become one."""
    by_name = {str(s): s for s in expected.free_symbols}
    return given.xreplace({s: by_name[str(s)] for s in given.free_symbols if str(s) in by_name}), expected


@dataclass(frozen=True)
class Expression(AnswerKind):
    """A formula in the declared ``variables``; JSON string in plain math syntax ("-x/y").

    ``positive`` names variables known to be positive (e.g. a standard deviation), so that
    sqrt(σ²) = σ counts as right.
    """

    variables: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    name = "expression"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        names = ", ".join(self.variables) or "no variables"
        return (f"Type a formula in {names}, e.g. -x/y or exp(-x)*sin(y). Use * (or a space) "
                "for products and ^ for powers; functions: exp, log, sqrt, sin, cos, tanh, ….")

    def parse(self, text: str) -> Any:
        return parse_expression(text, tuple(self.variables), tuple(self.positive))

    def from_json(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise AnswerError(f"an expression answer must be a string, got {type(value).__name__}")
        return self.parse(str(value))

    def to_json(self, value: Any) -> str:
        return self.format(value)

    def format(self, value: Any) -> str:
        """What a student would type: ``(8*x + 3)*exp(x^2)`` (``^`` for powers, as on screen)."""
        import sympy as sp

        return sp.sstr(value).replace("**", "^")

    def compare(self, given: Any, expected: Any) -> Match:
        return equivalence(given, expected)

    def equivalent_forms(self, expected: Any) -> list[str]:
        """The canonical text and rewritings a student might type: negated twice, expanded,
        factored, over a common denominator, with ^ for powers, with a Unicode minus."""
        import sympy as sp

        text = self.format(expected)
        forms = [text, f"-({sp.sstr(-expected)})", sp.sstr(expected),
                 text.replace("-", "−").replace("*", "·")]
        for rewrite in (sp.expand, sp.factor, sp.together):
            try:
                forms.append(sp.sstr(rewrite(expected)))
            except Exception:  # a rewrite SymPy cannot do is just one form fewer
                continue
        return list(dict.fromkeys(forms))

    def perturbations(self, expected: Any) -> list[Any]:
        """Near misses that must be rejected: sign flipped, plus one, times a variable, doubled."""
        import sympy as sp

        out = [expected + 1]
        if expected != 0:
            out += [-expected, 2 * expected]
            if self.variables:
                out.append(expected * sp.Symbol(self.variables[0], real=True))
        return out
