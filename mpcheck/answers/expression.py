"""Symbolic expression answers: read safely (``mpcheck.answers.formula``) and compared for
mathematical equivalence, with a verdict that names the method that really decided.

Equivalence, cheapest first, every "different" final only once it is certain:
1. a screen at random points in floating point; a point where the two differ is re-evaluated
   with ``HIGH_PRECISION`` digits, and only a difference that survives is final ("numeric"):
   cancellation in floats (an expanded polynomial near a root) is not a difference;
2. SymPy: a difference that reduces to 0 is a proof ("symbolic"); one that reduces to a
   non-zero number, or a non-zero rational function, is a proof of the opposite ("exact" for
   two constants, "symbolic" otherwise). Decimals are read as the exact numbers they write,
   so two different constants are never equal;
3. when SymPy cannot decide (in time, or at all), agreement at random points to
   ``HIGH_PRECISION`` digits decides ("numeric"), and the verdict says why SymPy did not.

An answer judged on a curve F(x, y) = 0 (an implicit derivative, ``Expression(curve="F")``) is
right when it equals the expected one there: F dividing the numerator of the difference is a
proof ("symbolic"), else points sampled on the curve decide ("numeric"; ``mpcheck.answers.curve``).

SymPy is imported inside the functions: ``mpcheck.api`` imports this module at CLI start.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.formula import NUMERIC_POINTS, NUMERIC_RTOL, TIME_LIMIT_S, parse_expression
from mpcheck.errors import AnswerError

#: digits of the re-evaluation that confirms a numeric difference (and twice as many to bound
#: what cancellation cost it)
HIGH_PRECISION = 40


def _complex_functions() -> dict:
    import cmath

    import sympy as sp

    return {sp.exp: cmath.exp, sp.log: cmath.log, sp.sin: cmath.sin, sp.cos: cmath.cos,
            sp.tan: cmath.tan, sp.tanh: cmath.tanh, sp.sinh: cmath.sinh, sp.cosh: cmath.cosh,
            sp.asin: cmath.asin, sp.acos: cmath.acos, sp.atan: cmath.atan, sp.Abs: abs}


def _mpmath_functions() -> dict:
    import mpmath
    import sympy as sp

    return {sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos,
            sp.tan: mpmath.tan, sp.tanh: mpmath.tanh, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh,
            sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.atan: mpmath.atan, sp.Abs: abs}


def _complex_constant(expr: Any) -> complex:
    return complex(expr)


def _mpmath_constant(expr: Any) -> Any:
    import mpmath

    if expr.is_Rational:
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    return mpmath.mpmathify(str(expr.evalf(HIGH_PRECISION + 10)))


def _compile(expr: Any, functions: dict, constant=_complex_constant):
    """A closure tree computing the (whitelisted) expression, in complex floats or in mpmath's
    numbers: built once per expression, fast at every point, and nothing is generated as source
    or executed."""
    if expr.is_Symbol:
        return lambda point: point[expr]
    if expr.is_Number or expr.is_NumberSymbol:
        value = constant(expr)
        return lambda point: value
    parts = [_compile(arg, functions, constant) for arg in expr.args]
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


@lru_cache(maxsize=1024)
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


@lru_cache(maxsize=1024)
def _mp_compiled(expr: Any):
    """The expression compiled for mpmath once, its constants to 2·``HIGH_PRECISION`` digits
    (None if the fast path does not know one of its functions)."""
    import mpmath

    with mpmath.workdps(2 * HIGH_PRECISION):
        try:
            return _compile(expr, _mpmath_functions(), _mpmath_constant)
        except (KeyError, TypeError):
            return None


def value_at(expr: Any, point: dict, digits: int = HIGH_PRECISION) -> Any:
    """The expression at ``point`` (floats, taken as the exact numbers they are; or mpmath
    numbers) computed with ``digits`` digits, as an mpmath number; None where undefined."""
    import mpmath

    compiled = _mp_compiled(expr)
    if compiled is None:
        return None
    with mpmath.workdps(digits):
        exact_point = {s: mpmath.mpmathify(v) for s, v in point.items()}
        try:
            value = +compiled(exact_point)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return None
        return value if mpmath.isfinite(value) else None


def precise(expr: Any, point: dict) -> tuple[Any, Any] | None:
    """(the value at ``point``, a bound on its error): computed with ``HIGH_PRECISION`` digits and
    with twice as many, whose gap bounds what cancellation cost the first; None where undefined."""
    import mpmath

    coarse, fine = value_at(expr, point), value_at(expr, point, 2 * HIGH_PRECISION)
    if coarse is None or fine is None:
        return None
    with mpmath.workdps(2 * HIGH_PRECISION):
        return fine, abs(fine - coarse)


def differ_at(given: Any, expected: Any, point: dict, floor: float = 1e-70) -> bool | None:
    """Whether the two certainly differ at ``point``: their difference, taken symbolically first
    (so exp(x) − exp(x) is 0 before any number is computed), exceeds what its evaluation could
    have got wrong, with ``floor`` (relative to the values) for what round-off in the point
    itself leaves; None where either is undefined."""
    import mpmath

    scale = [_scale(expr, point) for expr in (given, expected)]
    if None in scale:
        return None
    difference = given - expected
    fine = value_at(difference, point, 2 * HIGH_PRECISION)
    if fine is None:
        return None
    with mpmath.workdps(2 * HIGH_PRECISION):
        slack = floor * max(1, *scale)
        if abs(fine) <= slack:
            return False
        # not negligible: is it more than cancellation could have left? (the gap to a coarser
        # evaluation bounds that)
        coarse = value_at(difference, point)
        return coarse is not None and abs(fine) > 10 * abs(fine - coarse) + slack


def _scale(expr: Any, point: dict) -> Any:
    """|expr| at ``point``, roughly: floats where they suffice, mpmath where they overflow."""
    value = _evaluate(expr, point, _compiled(expr))
    if value is not None:
        return abs(value)
    value = value_at(expr, point, 20)
    return None if value is None else abs(value)


def _draw_point(rng: random.Random, symbols: list) -> dict:
    # keep away from 0 and ±1, where wrong formulas coincide with right ones most often
    point = {}
    for s in symbols:
        magnitude = rng.uniform(0.15, 2.6)
        sign = 1 if s.is_positive or rng.random() < 0.5 else -1
        point[s] = sign * magnitude
    return point


def numeric_agreement(given: Any, expected: Any, points: int = NUMERIC_POINTS,
                      precision: bool = False) -> bool | None:
    """True if both agree at ``points`` random points, False if they certainly differ at one
    (a floating-point difference is confirmed at ``HIGH_PRECISION`` digits first), None if too
    few points were defined for both. With ``precision`` every agreement is at high precision."""
    symbols = sorted(given.free_symbols | expected.free_symbols, key=str)
    rng = random.Random(20240611)
    fast_given, fast_expected = _compiled(given), _compiled(expected)
    agreed = 0
    for _ in range(points * 3):
        point = _draw_point(rng, symbols)
        a, b = _evaluate(given, point, fast_given), _evaluate(expected, point, fast_expected)
        if a is None and b is None:
            continue
        # one of them huge or undefined in floats: high precision tells (e^1500 beside a number
        # of size 1 is a difference, not a point to skip)
        if a is None or b is None or precision or abs(a - b) > NUMERIC_RTOL * max(1.0, abs(a), abs(b)):
            differs = differ_at(given, expected, point)
            if differs is None:
                continue
            if differs:
                return False
        agreed += 1
        if agreed >= points:
            return True
    return True if agreed >= points // 2 else None


def _nonzero_canonical(reduced: Any, reduce: Any) -> bool:
    """Whether a reduced difference is certainly not zero: a non-zero rational number, or a
    non-zero polynomial (after expand) or ratio of polynomials (after cancel), which are the
    canonical forms of those functions. Other numbers (log 6 − log 2 − log 3) prove nothing."""
    import sympy as sp

    if reduced.is_number:
        return bool(reduced.is_Rational)
    symbols = sorted(reduced.free_symbols, key=str)
    if reduce is sp.expand:
        return bool(reduced.is_polynomial(*symbols))
    if reduce is sp.cancel:
        return bool(reduced.is_rational_function(*symbols))
    return False


def symbolic_verdict(given: Any, expected: Any, seconds: float = TIME_LIMIT_S) -> tuple[bool | None, bool]:
    """(True when SymPy proves given − expected = 0, False when it proves it is not: a non-zero
    rational number, polynomial or ratio of polynomials; None when it cannot tell; whether the
    time ran out)."""
    import sympy as sp

    from mpcheck.limits import TimeLimitExceeded, time_limit

    try:
        with time_limit(seconds):
            difference = given - expected
            if difference == 0:
                return True, False
            # cheapest first: most answers are rational functions of the variables
            for reduce in (sp.expand, sp.cancel, sp.simplify):
                reduced = reduce(difference)
                if reduced == 0:
                    return True, False
                if _nonzero_canonical(reduced, reduce):
                    return False, False
    except (TimeLimitExceeded, RecursionError):
        return None, True
    return None, False


def _undecided_why(timed_out: bool) -> str:
    return "SymPy ran out of time" if timed_out else "SymPy could not simplify the difference"


def equivalence(given: Any, expected: Any) -> Match:
    """Compare two SymPy expressions; the Match says which method decided."""
    given, expected = _align_symbols(given, expected)
    screen = numeric_agreement(given, expected)
    if screen is False:
        return Match(False, "Not equivalent to the expected expression (they differ at a point, "
                     f"checked to {HIGH_PRECISION} digits).", method="numeric")
    proven, timed_out = symbolic_verdict(given, expected)
    constants = not given.free_symbols and not expected.free_symbols
    if proven is True:
        return Match(True, "Correct.", method="symbolic")
    if proven is False:
        return Match(False, "Not equivalent to the expected expression.",
                     method="exact" if constants else "symbolic")
    confirmed = numeric_agreement(given, expected, points=6, precision=True)
    why = _undecided_why(timed_out)
    if confirmed:
        return Match(True, f"Correct (equal at random points to {HIGH_PRECISION} digits; {why}).",
                     method="numeric")
    if confirmed is False:
        return Match(False, f"Not equivalent to the expected expression (they differ at a point "
                     f"checked to {HIGH_PRECISION} digits; {why}).", method="numeric")
    return Match(False, "Could not confirm equivalence: the expressions are undefined at most "
                 f"test points ({why}).", method="numeric")


def _plainly_apart(a: Any, b: Any, points: tuple[dict, ...] | None = None) -> bool:
    """Whether two formulas differ by over a millionth of their size at one of a few points (at
    ``points`` when given, e.g. points of a curve), evaluated in floats: a difference no rounding
    of such small formulas comes near. False means only "not shown apart this way"."""
    symbols_a, symbols_b = a.free_symbols, b.free_symbols
    if points is None:
        names = sorted({str(s) for s in symbols_a | symbols_b})
        draw = random.Random(len(names))
        # positive values, inside the domain of log and sqrt
        points = tuple({n: draw.uniform(0.3, 2.2) for n in names} for _ in range(2))
    else:
        points = tuple({str(s): float(v) for s, v in point.items()} for point in points[:2])
    compiled_a, compiled_b = _compiled(a), _compiled(b)
    for point in points:
        try:
            value_a = _evaluate(a, {s: point[str(s)] for s in symbols_a}, compiled_a)
            value_b = _evaluate(b, {s: point[str(s)] for s in symbols_b}, compiled_b)
        except KeyError:
            return False
        if value_a is not None and value_b is not None and \
                abs(value_a - value_b) > 1e-6 * max(1.0, abs(value_a), abs(value_b)):
            return True
    return False


def _align_symbols(given: Any, expected: Any) -> tuple[Any, Any]:
    """Same-named symbols in both (e.g. a derivation's positive σ and a typed σ) become one."""
    by_name = {str(s): s for s in expected.free_symbols}
    return given.xreplace({s: by_name[str(s)] for s in given.free_symbols if str(s) in by_name}), expected


@dataclass(frozen=True)
class Expression(AnswerKind):
    """A formula in the declared ``variables``; JSON string in plain math syntax ("-x/y").

    ``positive`` names variables known to be positive (e.g. a standard deviation), so that
    sqrt(σ²) = σ counts as right. ``curve`` names the params key of a formula F(x, y): the
    answer is then judged on the curve F = 0 only (an implicit derivative may be written with
    the curve's equation used, −y² for −y/x on xy = 1).
    """

    variables: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    curve: str | None = None
    #: the curve's F, set by ``bind``
    on: Any = None
    name = "expression"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        names = ", ".join(self.variables) or "no variables"
        where = " Any form equal to it on the curve is right." if self.curve else ""
        return (f"Type a formula in {names}, e.g. -x/y or exp(-x)*sin(y). Use * (or a space) "
                "for products and ^ for powers; functions: exp, log, sqrt, sin, cos, tanh, …." + where)

    def bind(self, params: dict[str, Any]) -> "Expression":
        if self.curve is None:
            return self
        return replace(self, on=parse_expression(params[self.curve], tuple(self.variables)))

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
        if self.on is not None:
            from mpcheck.answers.curve import equivalence_on

            return equivalence_on(given, expected, self.on)
        return equivalence(given, expected)

    def in_reach(self, given: Any, expected: Any, reach: float) -> bool:
        # telling a mistake's formula from another's, for every draw of a sampler: most differ
        # plainly at the first points, in floats, before the full comparison is paid for
        from mpcheck.answers.curve import curve_points

        if _plainly_apart(given, expected, curve_points(self.on) if self.on is not None else None):
            return False
        return super().in_reach(given, expected, reach)

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
