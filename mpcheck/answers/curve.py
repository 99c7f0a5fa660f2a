"""Comparing two expressions in x and y on a curve F(x, y) = 0, where an implicit derivative
lives: −y² and −y/x are the same answer on xy = 1.

- a difference whose numerator F divides vanishes on the whole curve: a proof ("symbolic");
- otherwise both are evaluated at points of the curve, found to ``ROOT_DIGITS`` digits (a
  scan in y for sign changes of F, each refined by bisection and Newton's method in mpmath), and
  compared there at high precision ("numeric"); a difference at a curve point is final.

Points are chosen deterministically and cached per curve, so a problem's checks are repeatable
and cheap after the first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from mpcheck.answers.base import Match
from mpcheck.answers.expression import (
    HIGH_PRECISION,
    _align_symbols,
    _compiled,
    differ_at,
    value_at,
)

#: curve points compared, and the x values tried to find them
POINTS = 4
X_TRIES = 40
#: digits of the points found on the curve, and how far from 0 two answers equal on the curve
#: may then differ at one (relative to their values)
ROOT_DIGITS = 60
OFF_CURVE = 1e-40
#: where along y a scan looks for the curve, and how finely
Y_RANGE = 8.0
Y_STEPS = 320


def _xy(F: Any) -> tuple[Any, Any]:
    import sympy as sp

    by_name = {str(s): s for s in F.free_symbols}
    return by_name.get("x", sp.Symbol("x", real=True)), by_name.get("y", sp.Symbol("y", real=True))


def _real(value: complex | None) -> float | None:
    if value is None or abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return None
    return value.real


def _numpy_functions() -> dict:
    import numpy as np
    import sympy as sp

    return {sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
            sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh, sp.asin: np.arcsin,
            sp.acos: np.arccos, sp.atan: np.arctan, sp.Abs: np.abs}


@lru_cache(maxsize=64)
def _numpy_compiled(F: Any):
    from mpcheck.answers.expression import _compile

    return _compile(F, _numpy_functions())


def _scan(F: Any, x: Any, y: Any, x0: float):
    """F(x0, y) on a grid of y, all at once (complex, so a log of a negative is not an error);
    NaN where it is not a real number."""
    import numpy as np

    grid = np.linspace(-Y_RANGE, Y_RANGE, Y_STEPS + 1)
    try:
        values = _numpy_compiled(F)({x: complex(x0), y: grid.astype(complex)})
    except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return grid, np.full(grid.shape, np.nan)
    values = np.broadcast_to(np.asarray(values, dtype=complex), grid.shape)
    real = np.where(np.abs(values.imag) <= 1e-12 * np.maximum(1.0, np.abs(values.real)), values.real, np.nan)
    return grid, np.where(np.isfinite(real), real, np.nan)


def _roots_in_y(F: Any, slope: Any, fast: Any, x: Any, y: Any, x0: float) -> Iterator[Any]:
    """The y where F(x0, y) = 0 changes sign in [−Y_RANGE, Y_RANGE], to ``ROOT_DIGITS``
    digits: a scan in floats, bisection to float precision, then Newton's method in mpmath
    (each step doubles the digits)."""
    import numpy as np

    from mpcheck.answers.expression import _evaluate

    def f(t: float) -> float | None:
        return _real(_evaluate(F, {x: x0, y: t}, fast))

    with np.errstate(all="ignore"):
        grid, values = _scan(F, x, y, x0)
        crossings = np.nonzero(values[:-1] * values[1:] < 0)[0]
    for k in crossings:
        low, high = float(grid[k]), float(grid[k + 1])
        root = _refine(F, slope, x, y, x0, _bisect(f, low, high, float(values[k])))
        if root is not None and low - (high - low) <= root <= high + (high - low):
            yield root


def _bisect(f, low: float, high: float, f_low: float) -> float:
    for _ in range(45):  # to about 1e-13 of the scan's step; Newton does the rest
        middle = (low + high) / 2
        value = f(middle)
        if value is None or middle in (low, high):
            break
        if (value < 0) == (f_low < 0):
            low, f_low = middle, value
        else:
            high = middle
    return (low + high) / 2


def _refine(F: Any, slope: Any, x: Any, y: Any, x0: float, y0: float) -> Any:
    import mpmath

    digits = ROOT_DIGITS
    with mpmath.workdps(digits):
        root = mpmath.mpf(y0)
        for _ in range(8):
            value, gradient = value_at(F, {x: x0, y: root}, digits), value_at(slope, {x: x0, y: root}, digits)
            if value is None or gradient is None or gradient == 0:
                return None
            # Newton: y ← y − F/F_y
            correction = value.real / gradient.real
            root -= correction
            if abs(correction) <= mpmath.mpf(10) ** (10 - digits) * max(1, abs(root)):
                return root
        return None  # not converging: no point here


@lru_cache(maxsize=64)
def curve_points(F: Any) -> tuple[dict, ...]:
    """Points (x, y) of F = 0 where ∂F/∂y ≠ 0 (so the curve is a graph y(x) there), found to
    ``ROOT_DIGITS`` digits; deterministic for a given F."""
    import sympy as sp

    x, y = _xy(F)
    fast, slope = _compiled(F), sp.diff(F, y)
    rng = random.Random(20260111)
    points: list[dict] = []
    for _ in range(X_TRIES):
        x0 = rng.choice([-1, 1]) * rng.uniform(0.2, 3.0)
        # every root at this x: one point on each branch the line x = x0 crosses (an ellipse's
        # upper and lower halves), so that an answer right on one branch only is caught
        for root in _roots_in_y(F, slope, fast, x, y, x0):
            point = {x: x0, y: root}
            gradient = value_at(slope, point)
            if gradient is not None and abs(gradient) > 1e-6:
                points.append(point)
        if len(points) >= POINTS:
            break
    return tuple(points)


def _identical(given: Any, expected: Any) -> bool:
    import sympy as sp

    difference = given - expected
    return difference == 0 or sp.expand(difference) == 0


def _divides(F: Any, difference: Any) -> bool:
    """Whether F divides the numerator of the difference (so it vanishes wherever F does)."""
    import sympy as sp

    from mpcheck.limits import TimeLimitExceeded, time_limit

    x, y = _xy(F)
    try:
        with time_limit(1.0):
            numerator, _ = sp.fraction(sp.cancel(sp.together(difference)))
            if not (F.is_polynomial(x, y) and numerator.is_polynomial(x, y)):
                return False
            _, remainder = sp.reduced(sp.expand(numerator), [sp.expand(F)], x, y)
            return remainder == 0
    except (TimeLimitExceeded, RecursionError, sp.PolynomialError):
        return False


def equivalence_on(given: Any, expected: Any, F: Any) -> Match:
    """Whether ``given`` equals ``expected`` on the curve F = 0; the Match names the method."""
    given, expected = _align_symbols(given, expected)
    given, F = _align_symbols(given, F)[0], _align_symbols(F, expected)[0]
    points = curve_points(F)
    agreed = 0
    for point in points:
        differs = differ_at(given, expected, point, floor=OFF_CURVE)
        if differs is None:
            continue
        if differs:
            where = ", ".join(f"{s} = {float(v):.4g}" for s, v in point.items())
            return Match(False, f"Not equal to the expected expression on the curve (at {where}, "
                         f"checked to {HIGH_PRECISION} digits).", method="numeric")
        agreed += 1
    if agreed >= max(2, len(points) // 2):
        # equal at every point: a proof when the two are the same everywhere or F divides their
        # difference, else the points decide
        if _identical(given, expected):
            return Match(True, "Correct.", method="symbolic")
        if _divides(F, given - expected):
            return Match(True, "Correct (equal on the curve: F divides the difference).", method="symbolic")
        return Match(True, f"Correct (equal at {agreed} points of the curve to {HIGH_PRECISION} digits).",
                     method="numeric")
    return Match(False, "Could not confirm equivalence: too few points of the curve where both "
                 "are defined.", method="numeric")
