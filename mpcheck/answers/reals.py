"""Real numbers with a tolerance: the one policy every real answer is graded by, and reading,
comparing (with the near-miss rule) and writing back.

Shared by the Real kind and by every entry of a Vector or a Matrix. The policy:

- an entry ``e`` is right when ``|given − e| ≤ tol``, with ``tol = max(rtol·|e − r|, floor)``;
- ``rtol`` is relative, ``DEFAULT_RTOL`` = 1e-3 unless a generator overrides it (with a comment
  saying why); four significant digits always land inside 1e-3 (``safe_digits``);
- ``r`` is the reference point of an update problem: for θ_new the step θ_new − θ is what is
  judged (a wrong step never hides inside a tolerance relative to θ), while the answer stays
  θ_new; ``r = 0`` everywhere else;
- the floor is scaled to the answer, never a fixed number: ``ZERO_SHARE`` of the answer's (or the
  step's) largest magnitude, so that an entry which is float round-off of 0 may be typed as 0,
  plus the float resolution of the value itself. A scalar is therefore judged purely relatively
  (0 must be typed as 0), and no floor lets a sign flip or a factor of 3 through on a small
  answer;
- ``atol`` (default 0) is an absolute floor a generator may add, with a comment saying why.

``distance`` measures how far a value is in units of its tolerance (≤ 1 is right); the checker
uses it to tell which of several candidate values (the right one, known mistakes) an answer
is clearly nearest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from functools import lru_cache

from mpcheck.answers.numeric import read_number

DEFAULT_RTOL = 1e-3
#: The default absolute floor: none. A generator may set one, with a comment saying why.
DEFAULT_ATOL = 0.0
#: Entries smaller than this share of the answer's largest magnitude count as zero (round-off).
ZERO_SHARE = 1e-12
#: The float resolution of a value: what computing it in float64 may leave behind.
ROUNDOFF = 4e-16


class ParsedReal(float):
    """A float read from text that remembers how it was written: for a plain decimal literal,
    its resolution ``decimals`` and its ``significant`` digits (None for arithmetic)."""

    decimals: int | None = None
    significant: int | None = None


#: The common case, read without the general reader: a plain ASCII decimal such as -0.25 or 1.5e-3.
_PLAIN = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,3}))?")


def read_real(text: str) -> ParsedReal:
    plain = _PLAIN.fullmatch(text.strip(" ")) if len(text) < 64 else None
    if plain and (plain[2] or plain[3]):
        whole, frac, exp = plain[2], plain[3] or "", int(plain[4] or 0)
        # correctly rounded, as the exact reader's float(Fraction); the edges of the exponent
        # range are left to that reader and its messages
        real = ParsedReal(float(plain[0]) + 0.0)
        if abs(exp) <= 300 and len(whole) + len(frac) <= 30 and math.isfinite(real):
            real.decimals, real.significant = len(frac) - exp, len((whole + frac).lstrip("0"))
            return real
    reading = read_number(text)
    real = ParsedReal(float(reading.value))
    real.decimals, real.significant = reading.decimals, reading.significant
    return real


def tolerances(expected: Sequence[float], rtol: float, atol: float = DEFAULT_ATOL,
               reference: Sequence[float] | None = None) -> list[float]:
    """The tolerance of each entry of one answer (a scalar is a list of one)."""
    steps = list(expected) if reference is None else [e - r for e, r in zip(expected, reference)]
    # the floor: a tiny share of the largest step (or entry), never a fixed number
    floor = max(atol, ZERO_SHARE * max((abs(s) for s in steps), default=0.0))
    # tol_i = max(rtol·|e_i − r_i|, floor, the float resolution of e_i)
    return [max(rtol * abs(s), floor, ROUNDOFF * abs(e)) for s, e in zip(steps, expected)]


def tolerance(expected: float, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
              reference: float | None = None) -> float:
    """The tolerance of a single real."""
    return tolerances([expected], rtol, atol, None if reference is None else [reference])[0]


def within(given: float, expected: float, tol: float) -> bool:
    return abs(given - expected) <= tol


def distance(given: float, expected: float, tol: float) -> float:
    """|given − expected| in units of ``tol``: ≤ 1 is within tolerance."""
    if given == expected:
        return 0.0
    return abs(given - expected) / tol if tol > 0 else math.inf


def round_significant(x: float, digits: int) -> float:
    return float(f"{x:.{digits - 1}e}")


def digits_needed(expected: float, tol: float) -> int:
    """The fewest significant digits whose rounding of ``expected`` is within ``tol``."""
    for digits in range(1, 18):
        if within(round_significant(expected, digits), expected, tol):
            return digits
    return 17


def near_miss(given: float, expected: float, tol: float) -> int | None:
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
    return max(digits_needed(expected, tol), significant + 1)


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


def rtol_text(rtol: float) -> str:
    """``1e-3`` for 0.001: the way the tolerance is written everywhere."""
    text = tidy_exponent(f"{rtol:.0e}")
    return text if float(text) == rtol else tidy_exponent(f"{rtol:g}")


def tolerance_words(rtol: float) -> str:
    """How the tolerance is stated everywhere (instructions, README, docs): one wording."""
    return (f"graded to a relative tolerance of {rtol_text(rtol)} "
            f"(give at least {safe_digits(rtol)} significant digits)")


def step_words(rtol: float) -> str:
    """The same statement for an update answer, whose step from the given value is judged."""
    return (f"graded by its change from the given value, to a relative tolerance of {rtol_text(rtol)} "
            f"(give the change to at least {safe_digits(rtol)} significant digits: as many decimals "
            "of the new value as that takes)")


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


def format_real(x: float, rtol: float = DEFAULT_RTOL, tol: float | None = None,
                least_digits: int = 0) -> str:
    """Canonical text: ``display_digits`` significant digits (at least ``least_digits``), more
    when the tolerance ``tol`` of this entry (a step judged relative to a reference) needs them."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    digits = min(17, max(display_digits(rtol), least_digits))
    if tol is not None and tol > 0:
        # keep rounding an order of magnitude inside the tolerance
        digits = min(17, max(digits, digits_needed(x, tol / 10)))
    return tidy_exponent(f"{x:.{digits}g}")


def simple_fraction(x: float, max_denominator: int = 64) -> Fraction | None:
    """``0.25`` → 1/4 when x is (to float precision) a fraction with a small denominator."""
    guess = Fraction(x).limit_denominator(max_denominator)
    if guess.denominator > 1 and abs(float(guess) - x) <= 1e-12 * max(1.0, abs(x)):
        return guess
    return None


def real_forms(x: float, rtol: float = DEFAULT_RTOL, tol: float | None = None) -> list[str]:
    """Different texts a student might type for x, all within tolerance."""
    canonical = format_real(x, rtol, tol)
    digits = display_digits(rtol)
    if tol is not None and tol > 0:
        digits = min(15, max(digits, digits_needed(x, tol / 10)))
    forms = [canonical, f" {canonical} ", f"({canonical})", repr(float(x)),
             tidy_exponent(f"{x:.{digits + 2}g}"), f"{x:.{digits}e}", f"{x:.{digits - 1}E}"]
    if x < 0:
        forms.append("\u2212" + format_real(-x, rtol, tol))
    if x >= 0:
        forms.append("+" + canonical)
    if float(x).is_integer() and abs(x) < 1e15:
        forms.append(f"{int(x)}.0")
    fraction = simple_fraction(x)
    if fraction is not None:
        forms += [f"{fraction.numerator}/{fraction.denominator}",
                  f"{fraction.numerator} / {fraction.denominator}"]
    return list(dict.fromkeys(forms))


def shift(x: float, tol: float) -> float:
    """Five tolerances: clearly outside, yet close."""
    step = 5 * tol
    return step if step > 0 else 1e-9 * max(1.0, abs(x))


def real_perturbations(x: float, tol: float, reference: float | None = None, *,
                       far: bool = True) -> list[float]:
    """Near misses: five tolerances either side; with ``far`` also the sign flipped and ten times
    too large; for an update answer the step 3 % too long and too short (a wrong step must not
    hide inside a tolerance)."""
    step = shift(x, tol)
    values = [x + step, x - step]
    if far and abs(x) > 2 * tol:
        values += [-x, x * 10]
    if reference is not None and x != reference:
        values += [reference + 1.03 * (x - reference), reference + 0.97 * (x - reference)]
    return [v for v in values if math.isfinite(v) and abs(v - x) > tol]


@lru_cache(maxsize=4096)
def _cached_tolerances(flat: tuple[float, ...], rtol: float, atol: float,
                       reference: tuple[float, ...] | None) -> tuple[float, ...]:
    # the checker measures many answers against the same few values (the right one, each
    # mistake's): their tolerances are worked out once
    return tuple(tolerances(flat, rtol, atol, reference))


def _flat(value) -> tuple[float, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(v for item in value for v in _flat(item))
    return (float(value),)


class Tolerant:
    """What Real, Vector and Matrix share: the policy above, and ``bind`` for update answers.

    A kind with ``step_from`` (a params key, or a function of params, giving the point the update
    starts from) is bound to one problem's params by ``bind``: the bound kind holds that point as
    ``reference`` and judges every entry's step from it. The fields live in each dataclass."""

    rtol: float
    atol: float
    step_from: object
    reference: tuple[float, ...] | None
    tolerant = True

    def bind(self, params: dict):
        if self.step_from is None:
            return self
        point = params[self.step_from] if isinstance(self.step_from, str) else self.step_from(params)
        return replace(self, reference=_flat(point))

    def reference_for(self, flat: Sequence[float]) -> tuple[float, ...] | None:
        """The starting point, when it fits these entries (a wrong-sized answer has none)."""
        return self.reference if self.reference is not None and len(self.reference) == len(flat) else None

    def entry_tolerances(self, flat: Sequence[float]) -> tuple[float, ...]:
        return _cached_tolerances(tuple(flat), self.rtol, self.atol, self.reference_for(flat))

    def round_entries(self, flat: Sequence[float], digits: int) -> list[float]:
        """Each entry to ``digits`` significant digits of what is graded: the value, or for an
        update answer its step from the starting point."""
        reference = self.reference_for(flat)
        if reference is None:
            return [round_significant(v, digits) if v else 0.0 for v in flat]
        return [r + round_significant(v - r, digits) if v != r else v for v, r in zip(flat, reference)]

    def policy_words(self) -> str:
        return tolerance_words(self.rtol) if self.step_from is None else step_words(self.rtol)
