"""Numeric and structured answer kinds, gathered in one place for the plugin API.

Each kind lives in a small module of its area:
- ``scalars``: Integer, Real, Fraction (numbers read by the safe evaluator in ``numeric``);
- ``arrays``: Vector, Matrix, Shape;
- ``choices``: Choice, Boolean;
- ``parts``: Parts (multi-part answers).
"""

from __future__ import annotations

from mpcheck.answers.arrays import Matrix, Shape, Vector
from mpcheck.answers.choices import Boolean, Choice
from mpcheck.answers.parts import Parts
from mpcheck.answers.reals import DEFAULT_ATOL, DEFAULT_RTOL
from mpcheck.answers.scalars import Fraction, Integer, Real

__all__ = [
    "DEFAULT_ATOL", "DEFAULT_RTOL", "Boolean", "Choice", "Fraction", "Integer", "Matrix", "Parts",
    "Real", "Shape", "Vector",
]
