"""Real numbers with a tolerance: reading, comparing (with the near-miss rule), writing back.

Shared by the Real kind and by every entry of a Vector or a Matrix.
"""

from __future__ import annotations

import math
from fractions import Fraction

from mpcheck.answers.numeric import read_number

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-6


class ParsedReal(float):
    """A float read from text that remembers how it was written: for a plain decimal literal,
    its resolution ``decimals`` and its ``significant`` digits (None for arithmetic)."""

    decimals: int | None = None
    significant: int | None = None


def read_real(text: str) -> ParsedReal:
    reading = read_number(text)
    real = ParsedReal(float(reading.value))
    real.decimals, real.significant = reading.decimals, reading.significant
    return real


def tolerance(expected: float, rtol: float, atol: float) -> float:
    # tol = max(rtol·|expected|, atol): relative, with a floor for values near 0
    return max(rtol * abs(expected), atol)


def within(given: float, expected: float, rtol: float, atol: float) -> bool:
    return abs(given - expected) <= tolerance(expected, rtol, atol)


def round_significant(x: float, digits: int) -> float:
    return float(f"{x:.{digits - 1}e}")


def digits_needed(expected: float, rtol: float, atol: float) -> int:
    """The fewest significant digits whose rounding of ``expected`` is within tolerance."""
    for digits in range(1, 18):
        if within(round_significant(expected, digits), expected, rtol, atol):
            return digits
    return 17


def near_miss(given: float, expected: float, rtol: float, atol: float) -> int | None:
    """For a wrong answer typed as a plain decimal: when it is the right value rounded to the
    digits the student wrote (|given − expected| ≤ ½·10^−d), how many significant digits are
    needed instead; None when it is simply wrong."""
    decimals = getattr(given, "decimals", None)
    significant = getattr(given, "significant", None)
    if decimals is None or not significant or given == 0 or not -300 <= decimals <= 300:
        return None
    # half a unit in the last place written, with a hair of slack for binary rounding
    half_unit = 0.5 * 10.0 ** -decimals
    if abs(given - expected) > half_unit * (1 + 1e-9) + 1e-15 * abs(expected):
        return None
    return max(digits_needed(expected, rtol, atol), significant + 1)


def near_message(given: float, needed: int) -> str:
    written = getattr(given, "significant", 0)
    plural = "s" if written != 1 else ""
    return (f"Right to {written} significant digit{plural}, but not precise enough: "
            f"give at least {needed} significant digits.")


def safe_digits(rtol: float) -> int:
    """Significant digits that always land within ``rtol``: rounding to K digits is off by at
    most 5·10^−K relatively, so K = ⌈log10(5 / rtol)⌉."""
    if rtol <= 0:
        return 17
    return min(17, max(1, math.ceil(math.log10(5 / rtol) - 1e-9)))


def display_digits(rtol: float) -> int:
    """Significant digits in canonical text: comfortably inside the relative tolerance."""
    if rtol <= 0:
        return 17
    return min(17, max(6, math.ceil(-math.log10(rtol)) + 3))


def tidy_exponent(text: str) -> str:
    """``1e-07`` → ``1e-7``, ``2.5e+20`` → ``2.5e20``."""
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def format_real(x: float, rtol: float = DEFAULT_RTOL) -> str:
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return tidy_exponent(f"{x:.{display_digits(rtol)}g}")


def simple_fraction(x: float, max_denominator: int = 64) -> Fraction | None:
    """``0.25`` → 1/4 when x is (to float precision) a fraction with a small denominator."""
    guess = Fraction(x).limit_denominator(max_denominator)
    if guess.denominator > 1 and abs(float(guess) - x) <= 1e-12 * max(1.0, abs(x)):
        return guess
    return None


def real_forms(x: float, rtol: float = DEFAULT_RTOL) -> list[str]:
    """Different texts a student might type for x, all within tolerance."""
    canonical = format_real(x, rtol)
    digits = display_digits(rtol)
    forms = [canonical, f" {canonical} ", f"({canonical})", repr(float(x)),
             tidy_exponent(f"{x:.{digits + 2}g}"), f"{x:.{digits}e}", f"{x:.{digits - 1}E}"]
    if x < 0:
        forms.append("\u2212" + format_real(-x, rtol))
    if x >= 0:
        forms.append("+" + canonical)
    if float(x).is_integer() and abs(x) < 1e15:
        forms.append(f"{int(x)}.0")
    fraction = simple_fraction(x)
    if fraction is not None:
        forms += [f"{fraction.numerator}/{fraction.denominator}",
                  f"{fraction.numerator} / {fraction.denominator}"]
    return list(dict.fromkeys(forms))


def shift(x: float, rtol: float, atol: float) -> float:
    """Five tolerances: clearly outside, yet close."""
    step = 5 * tolerance(x, rtol, atol)
    return step if step > 0 else 1e-9 * max(1.0, abs(x))


def real_perturbations(x: float, rtol: float, atol: float) -> list[float]:
    step = shift(x, rtol, atol)
    values = [x + step, x - step]
    if abs(x) > 2 * tolerance(x, rtol, atol):
        values += [-x, x * 10]
    return [v for v in values if math.isfinite(v)]
