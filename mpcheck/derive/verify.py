"""Checking each step of a walkthrough: symbolically where SymPy can, else on random instances."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp

from mpcheck.limits import TimeLimitExceeded, time_limit
from mpcheck.derive.steps import Check, Given, Step, Walkthrough

#: minimum share of random draws where both sides must be finite for a numeric verdict
MIN_VALID_SHARE = 0.5
INEQUALITIES = (sp.StrictLessThan, sp.StrictGreaterThan, sp.LessThan, sp.GreaterThan)


@dataclass
class Outcome:
    verified: bool
    #: "symbolic": SymPy proved the step in general; "instances": checked on ``count`` cases;
    #: "numeric": checked at ``count`` random draws; "unchecked": not checked
    method: str
    detail: str = ""
    count: int | None = None


@dataclass
class Line:
    """A rendered line of a walkthrough with its verification outcome (None for a premise)."""

    item: Step | Given
    lhs: Any  # the chain's left-hand side this line continues (None at the start)
    value: Any  # the expression later lines continue from
    outcome: Outcome | None

    @property
    def is_step(self) -> bool:
        return isinstance(self.item, Step)


def expand_definitions(expr: Any, where: dict) -> Any:
    """Substitute the walkthrough's shorthand symbols until none is left."""
    for _ in range(10):
        new = expr.xreplace(where) if where else expr
        if new == expr:
            return new
        expr = new
    return expr


def _claim(step: Step, previous: Any) -> tuple[str, Any, Any]:
    """("equation" | "inequality", left, right) for the step's claim."""
    math_ = step.math
    if isinstance(math_, INEQUALITIES):
        return "inequality", math_.lhs, math_.rhs
    if isinstance(math_, sp.Equality):
        if step.claim == "follows":
            return "equation", previous, math_.rhs
        return "equation", math_.lhs, math_.rhs
    if previous is None:
        raise ValueError(f"step {step.reason!r} is a bare expression but nothing precedes it; "
                         "start with Given(...) or an equation")
    return "equation", previous, math_


def _is_zero(expr: Any) -> bool:
    expr = expr.doit()
    if expr == 0:
        return True
    if sp.expand(expr) == 0:
        return True
    # logs of products and powers split under the symbols' assumptions (never forced)
    expr = sp.expand(sp.expand_log(expr))
    return expr == 0 or sp.simplify(expr) == 0


def _holds_symbolically(kind: str, left: Any, right: Any, op: Any) -> bool:
    if kind == "equation":
        return _is_zero(left - right)
    # the inequality itself, as left − right compared with 0 (never a side identity)
    truth = op.func(sp.simplify((left - right).doit()), 0)
    return truth is sp.true


def check_symbolic(kind, left, right, op, check: Check) -> Outcome | None:
    """An Outcome if SymPy decided within the limit, else None (inconclusive)."""
    try:
        with time_limit(check.timeout):
            if _holds_symbolically(kind, left, right, op):
                return Outcome(True, "symbolic", "SymPy simplifies the difference to 0"
                               if kind == "equation" else "SymPy proves the inequality")
    except (TimeLimitExceeded, RecursionError):
        return None
    return None


def _domain_for(symbol: Any, domain: dict) -> tuple[float, float]:
    for key in (symbol, str(symbol)):
        if key in domain:
            return domain[key]
    return (0.2, 3.0) if symbol.is_positive else (-2.0, 2.0)


#: integrand of an Integral -> (its parameters, compiled for mpmath, compiled for floats or None)
_COMPILED: dict = {}


def _compiled_integrand(integral: Any) -> tuple[list, Any, Any]:
    from mpcheck.answers.expression import _compiled

    if integral not in _COMPILED:
        var = integral.limits[0][0]
        params = sorted(integral.function.free_symbols - {var}, key=str)
        # log of a density becomes a polynomial: cheaper, and no underflow inside the log
        integrand = sp.expand_log(integral.function)
        _COMPILED[integral] = (params, sp.lambdify([var, *params], integrand, "mpmath"),
                               _compiled(integrand))
    return _COMPILED[integral]


def _double_exponential(f: Any, h: float) -> float:
    # ∫ f(x) dx over ℝ with x = sinh(π/2 · sinh t): the integrand decays double-exponentially in t,
    # so the trapezoid rule in t converges fast (Takahasi–Mori)
    total = 0.0
    for k in range(-int(3.5 / h), int(3.5 / h) + 1):
        u = math.pi / 2 * math.sinh(k * h)
        value = f(math.sinh(u))
        if value != 0:
            total += value * math.pi / 2 * math.cosh(k * h) * math.cosh(u)
    return total * h


def _fast_real_line(integral: Any, fast: Any, point: dict) -> float | None:
    """The float path for ∫ over ℝ; None (use mpmath) unless two successive step sizes agree to
    1e-9 (the error of the finer rule is then far smaller: it falls exponentially with 1/h)."""
    var = integral.limits[0][0]
    values = {s: complex(v) for s, v in point.items()}

    def f(x: float) -> float:
        value = fast({**values, var: complex(x)})
        if not (math.isfinite(value.real) and abs(value.imag) < 1e-300 + 1e-12 * abs(value.real)):
            raise ValueError("not a finite real value")
        return value.real

    try:
        coarse = _double_exponential(f, 1 / 16)
        # halve the step until two agree (a narrow peak away from 0 needs finer steps), at most
        # twice: each halving costs twice the float evaluations, still far less than mpmath
        for h in (1 / 32, 1 / 64):
            fine = _double_exponential(f, h)
            if abs(fine - coarse) <= 1e-9 * max(1.0, abs(fine)):
                return fine
            coarse = fine
    except (ValueError, ZeroDivisionError, OverflowError, KeyError, TypeError):
        return None
    return None


def _quadrature(integral: Any, point: dict) -> Any:
    """A definite 1-D integral at ``point``: a float double-exponential rule over the real line
    when it converges, else mpmath quadrature."""
    import mpmath

    if len(integral.limits) != 1 or len(integral.limits[0]) != 3 or integral.function.has(sp.Integral):
        raise ValueError("only definite one-dimensional integrals can be evaluated numerically")
    params, integrand, fast = _compiled_integrand(integral)
    missing = [p for p in params if p not in point]
    if missing:
        raise ValueError(f"no value drawn for {', '.join(map(str, missing))}")
    _, lo, hi = integral.limits[0]
    if fast is not None and lo == -sp.oo and hi == sp.oo:
        value = _fast_real_line(integral, fast, {p: point[p] for p in params})
        if value is not None:
            return sp.Float(value, 15)
    values = [mpmath.mpf(point[p]) for p in params]
    lo, hi = (mpmath.inf if b == sp.oo else -mpmath.inf if b == -sp.oo
              else mpmath.mpf(float(b.xreplace(point))) for b in (lo, hi))
    # Gauss–Legendre after mpmath's change of variables: smooth, fast-decaying integrands
    # (densities times polynomials and logs) converge with a few hundred evaluations
    return sp.Float(mpmath.quad(lambda t: integrand(t, *values), [lo, hi], method="gauss-legendre"), 15)


@lru_cache(maxsize=256)
def _symbolic_part_done(expr: Any) -> Any:
    """``expr`` with its derivatives and substitutions done: the same at every draw, so done once."""
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    return expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), lambda e: e.doit())


def evaluate_number(expr: Any, point: dict) -> complex:
    """``expr`` at ``point`` as a complex number (nan where undefined).

    Derivatives and substitutions are done symbolically first; integrals by quadrature.
    """
    expr = _symbolic_part_done(expr)
    if expr.has(sp.Integral):
        expr = expr.replace(lambda e: isinstance(e, sp.Integral), lambda e: _quadrature(e, point))
    value = expr.xreplace({s: sp.Float(v, 20) for s, v in point.items()}).evalf(15)
    try:
        return complex(value)
    except (TypeError, ValueError):
        if value.free_symbols:
            raise ValueError(f"no value drawn for {', '.join(sorted(map(str, value.free_symbols)))}")
        return complex("nan")


def _sides_agree(kind: str, op: Any, a: complex, b: complex, rtol: float) -> bool:
    if kind == "inequality":
        return abs(a.imag) < 1e-12 and abs(b.imag) < 1e-12 and bool(op.func(a.real, b.real))
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def check_numeric(kind, left, right, op, check: Check, seed: int) -> Outcome:
    """Compare both sides at random draws; every finite draw must agree."""
    symbols = sorted((left - right).free_symbols, key=str)
    domain = dict(check.domain or {})
    rng = random.Random(seed)
    evaluate = check.evaluate or evaluate_number
    agreed = tried = 0
    for _ in range(check.draws):
        point = {s: rng.uniform(*_domain_for(s, domain)) for s in symbols}
        tried += 1
        try:
            a, b = complex(evaluate(left, point)), complex(evaluate(right, point))
        except (ZeroDivisionError, OverflowError, ValueError) as exc:
            if isinstance(exc, ValueError) and "no value drawn" in str(exc):
                return Outcome(False, "numeric", str(exc))
            continue
        if not all(map(math.isfinite, (a.real, a.imag, b.real, b.imag))):
            continue
        if not _sides_agree(kind, op, a, b, check.rtol):
            where = ", ".join(f"{s}={v:.4g}" for s, v in point.items())
            return Outcome(False, "numeric", f"sides differ at {where}: {a.real:.6g} vs {b.real:.6g}")
        agreed += 1
    if agreed < max(1, MIN_VALID_SHARE * tried):
        return Outcome(False, "numeric", f"only {agreed} of {tried} draws gave finite values")
    if kind == "inequality":
        return Outcome(True, "numeric", f"the inequality holds at {agreed} random draws", agreed)
    return Outcome(True, "numeric", f"agrees at {agreed} random draws (rtol {check.rtol:g})", agreed)


def check_predicate(check: Check) -> Outcome:
    try:
        result = check.test()
    except Exception as exc:  # a failing test is an unverified step, shown with its reason
        return Outcome(False, check.method, f"{check.description}: {type(exc).__name__}: {exc}")
    ok, detail = result if isinstance(result, tuple) else (result, check.description)
    return Outcome(bool(ok), check.method, str(detail), check.count)


def verify_step(step: Step, previous: Any, where: dict, seed: int) -> Outcome:
    check = step.check
    if isinstance(step.math, sp.logic.boolalg.BooleanAtom):
        return Outcome(False, "unchecked", "the relation was evaluated to True/False when it was "
                       "built; write it with evaluate=False so that it can be checked")
    if check.kind == "unchecked":
        return Outcome(False, "unchecked", check.description)
    if check.kind == "predicate":
        return check_predicate(check)
    try:
        kind, left, right = _claim(step, previous)
    except ValueError as exc:
        return Outcome(False, "unchecked", str(exc))
    left, right = expand_definitions(left, where), expand_definitions(right, where)
    if check.kind == "symbolic":
        outcome = check_symbolic(kind, left, right, step.math, check)
        if outcome is not None:
            return outcome
        if not check.fallback:
            return Outcome(False, "symbolic", "SymPy could not prove it within the time limit")
    return check_numeric(kind, left, right, step.math, check, seed)


def value_of(math_: Any) -> Any:
    """What the next bare expression continues from: an equation's rhs, else the expression."""
    return math_.rhs if isinstance(math_, sp.Equality) else math_


def lines_of(walk: Walkthrough, verify: bool = True) -> list[Line]:
    """Each premise and step with its chain context and (when ``verify``) its outcome."""
    where = dict(walk.where)
    lines: list[Line] = []
    previous = lhs = None
    for index, item in enumerate(walk.steps):
        outcome = None
        if isinstance(item, Step) and verify:
            outcome = verify_step(item, previous, where, seed=1000 + index)
        if isinstance(item.math, (sp.Equality, *INEQUALITIES)):
            lhs = item.math.lhs
        lines.append(Line(item, lhs, value_of(item.math), outcome))
        previous = value_of(item.math)
    return lines


def all_verified(lines: list[Line]) -> bool:
    return all(line.outcome is not None and line.outcome.verified for line in lines if line.is_step)
