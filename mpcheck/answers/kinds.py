"""Numeric and structured answer kinds. (Interface only; implementation in progress.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mpcheck.answers.base import AnswerKind

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-6


@dataclass(frozen=True)
class Integer(AnswerKind):
    """An exact integer; JSON int."""

    name = "integer"


@dataclass(frozen=True)
class Real(AnswerKind):
    """A real number within ``rtol`` (``atol`` near 0); JSON float."""

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    name = "real"


@dataclass(frozen=True)
class Fraction(AnswerKind):
    """An exact rational; JSON string "p/q" or int."""

    name = "fraction"


@dataclass(frozen=True)
class Vector(AnswerKind):
    """A list of reals; JSON list of numbers."""

    length: int | None = None
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    name = "vector"


@dataclass(frozen=True)
class Matrix(AnswerKind):
    """A 2-D array of reals; JSON list of rows."""

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    name = "matrix"


@dataclass(frozen=True)
class Shape(AnswerKind):
    """A tensor shape such as 32x29x29; JSON list of ints."""

    name = "shape"


@dataclass(frozen=True)
class Choice(AnswerKind):
    """One option (or several, with ``multiple``) by letter; JSON "b" or ["a", "c"]."""

    options: tuple[str, ...] = ()
    multiple: bool = False
    name = "choice"


@dataclass(frozen=True)
class Boolean(AnswerKind):
    """True or false; JSON bool."""

    name = "boolean"


@dataclass(frozen=True, eq=False)
class Parts(AnswerKind):
    """Named parts, each its own kind, e.g. ``Parts({"h": Vector(), "c": Vector()})``; JSON object."""

    parts: Mapping[str, AnswerKind] = field(default_factory=dict)
    name = "multi-part"
