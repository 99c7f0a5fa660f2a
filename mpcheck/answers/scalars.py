"""Single numbers: Integer (exact), Real (with tolerance), Fraction (exact rational)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction as Rational
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.answers.numeric import Reading, read_number
from mpcheck.answers.reals import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    ParsedReal,
    Tolerant,
    distance,
    format_real,
    near_message,
    near_miss,
    read_real,
    real_forms,
    real_perturbations,
    within,
)


def number_from_json(value: Any) -> float:
    """A JSON number (not a bool), finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Integer(AnswerKind):
    """An exact integer; JSON int. ``2.0``, ``10/2`` and ``1e3`` are read as the integers they equal."""

    name = "integer"
    instructions = "Answer with a whole number, e.g. 42."

    def parse(self, text: str) -> int | Rational | float:
        value = read_number(text).value
        if isinstance(value, Rational) and value.denominator == 1:
            return int(value)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value  # not whole: graded wrong, with a word on why

    def from_json(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected an integer, got {type(value).__name__} {value!r}")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"expected an integer, got {value!r}")
        return int(value)

    def format(self, value: int) -> str:
        return str(int(value))

    def compare(self, given: Any, expected: int) -> Match:
        if isinstance(given, int) and given == expected:
            return Match(True)
        if not isinstance(given, int):
            return Match(False, "The answer is a whole number.")
        return Match(False)

    def equivalent_forms(self, expected: int) -> list[str]:
        n = int(expected)
        forms = [str(n), f"  {n} ", f"{n}.0", f"({n})", f"{2 * n}/2", f"{n} * 1"]
        forms.append(f"+{n}" if n >= 0 else "\u2212" + str(-n))
        if n != 0 and n % 10 == 0:
            forms.append(f"{n // 10}e1")
        return forms

    def perturbations(self, expected: int) -> list[int]:
        return [int(expected) + 1, int(expected) - 1]


@dataclass(frozen=True)
class Real(Tolerant, AnswerKind):
    """A real number graded by the tolerance policy of ``mpcheck.answers.reals``; JSON float.

    ``rtol`` overrides the relative tolerance and ``atol`` adds an absolute floor (each with a
    comment saying why). ``step_from`` makes it an update answer: the params key, or a function
    of params, holding the value the update starts from; the step is judged, not the value.
    """

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    step_from: str | Callable[[dict], Any] | None = None
    #: the starting point of an update answer, set by ``bind``
    reference: tuple[float, ...] | None = None
    name = "real"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return self.instructions_for(None)

    def instructions_for(self, expected: Any, interactive: bool = False) -> str:
        if isinstance(expected, (int, float)) and not isinstance(expected, bool) and float(expected).is_integer():
            return "Answer with a number, e.g. 42, 0.25 or 1/3."  # a whole number: no digits to ask for
        return f"Answer with a number, e.g. 0.25, 1/3 or exp(-2); {self.policy_words()}."

    def _tol(self, expected: float) -> float:
        return self.entry_tolerances([expected])[0]

    def parse(self, text: str) -> float:
        return read_real(text)

    def from_json(self, value: Any) -> float:
        return number_from_json(value)

    def to_json(self, value: float) -> float:
        return float(value)

    def format(self, value: float) -> str:
        return self.format_digits(value, 0)

    def format_digits(self, value: float, digits: int) -> str:
        return format_real(value, self.rtol, self._tol(value) if self.reference else None, digits)

    def compare(self, given: float, expected: float) -> Match:
        tol = self._tol(expected)
        if within(given, expected, tol):
            return Match(True, method="tolerance")
        needed = near_miss(given, expected, tol)
        if needed is not None:
            return Match(False, near_message(given, needed), near=True, method="tolerance")
        return Match(False, method="tolerance")

    def distance(self, given: float, expected: float) -> float:
        return distance(given, expected, self._tol(expected))

    def rounded(self, value: float, digits: int) -> float:
        return self.round_entries([value], digits)[0]

    def equivalent_forms(self, expected: float) -> list[str]:
        return real_forms(expected, self.rtol, self._tol(expected) if self.reference else None)

    def perturbations(self, expected: float) -> list[float]:
        reference = self.reference[0] if self.reference else None
        return real_perturbations(expected, self._tol(expected), reference)


class ParsedFraction(Rational):
    """A fraction read from text; ``reading`` tells whether it was typed as a decimal."""

    reading: Reading | None = None


FRACTION_JSON = re.compile(r"\s*(-?\d+)\s*(?:/\s*(\d+)\s*)?")


def fraction_text(value: Rational) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def terminating_decimal(value: Rational) -> str | None:
    """``3/8`` → ``0.375``; None when the decimal does not end (or is long)."""
    q = value.denominator
    twos = fives = 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    places = max(twos, fives)
    if q != 1 or places > 12:
        return None
    scaled = abs(value.numerator) * 10**places // value.denominator
    sign = "-" if value < 0 else ""
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


@dataclass(frozen=True)
class Fraction(AnswerKind):
    """An exact rational; JSON string "p/q" or int."""

    name = "fraction"
    instructions = "Answer with an exact fraction, e.g. 3/8."

    def parse(self, text: str) -> Rational | float:
        reading = read_number(text)
        if not reading.exact:
            return reading.value
        value = ParsedFraction(reading.value)
        value.reading = reading
        return value

    def from_json(self, value: Any) -> Rational:
        if isinstance(value, bool):
            raise TypeError(f"expected a fraction, got {value!r}")
        if isinstance(value, int):
            return Rational(value)
        match = FRACTION_JSON.fullmatch(value) if isinstance(value, str) else None
        if not match:
            raise TypeError(f'expected an int or a string "p/q", got {value!r}')
        if match[2] is not None and int(match[2]) == 0:
            raise ValueError(f"zero denominator in {value!r}")
        return Rational(int(match[1]), int(match[2] or 1))

    def to_json(self, value: Rational) -> int | str:
        return value.numerator if value.denominator == 1 else fraction_text(value)

    def format(self, value: Rational) -> str:
        return fraction_text(value)

    def compare(self, given: Rational | float, expected: Rational) -> Match:
        if isinstance(given, float):
            # a function crept in (e.g. sqrt(1/8)·sqrt(2)): only float round-off may separate them
            if abs(given - float(expected)) <= 1e-12 * max(1.0, abs(float(expected))):
                return Match(True, method="numeric")
            return Match(False, method="numeric")
        if given == expected:
            return Match(True)
        reading = getattr(given, "reading", None)
        if reading is not None and reading.decimals is not None and reading.decimals > 0:
            if near_miss(_as_parsed_real(reading), float(expected), 0.0) is not None:
                return Match(False, "Close, but the answer is an exact fraction: write it as p/q.",
                             near=True)
        return Match(False)

    def equivalent_forms(self, expected: Rational) -> list[str]:
        p, q = expected.numerator, expected.denominator
        forms = [fraction_text(expected), f"{p} / {q}", f"({p})/({q})", f"{2 * p}/{2 * q}",
                 f" {fraction_text(expected)} "]
        if p < 0:
            forms.append(f"\u2212{-p}/{q}")
        decimal = terminating_decimal(expected)
        if decimal is not None:
            forms.append(decimal)
        return list(dict.fromkeys(forms))

    def perturbations(self, expected: Rational) -> list[Rational]:
        p, q = expected.numerator, expected.denominator
        values = [Rational(p + 1, q), Rational(p - 1, q)]
        if p != 0:
            values += [Rational(p, q + 1), -expected]
        return values


def _as_parsed_real(reading: Reading) -> ParsedReal:
    real = ParsedReal(float(reading.value))
    real.decimals, real.significant = reading.decimals, reading.significant
    return real
