"""Small pure-Python vector maths for the generators: exam sizes need no numpy, and staying in
plain floats keeps every answer JSON-native."""

from __future__ import annotations

import math
from collections.abc import Sequence

Vec = list[float]
Mat = list[list[float]]


def matvec(matrix: Sequence[Sequence[float]], vector: Sequence[float]) -> Vec:
    # (M v)_i = Σ_j M_ij v_j
    return [sum(m * v for m, v in zip(row, vector, strict=True)) for row in matrix]


def add(*vectors: Sequence[float]) -> Vec:
    return [sum(entries) for entries in zip(*vectors, strict=True)]


def hadamard(a: Sequence[float], b: Sequence[float]) -> Vec:
    # (a ⊙ b)_i = a_i b_i
    return [x * y for x, y in zip(a, b, strict=True)]


def transpose(matrix: Sequence[Sequence[float]]) -> Mat:
    return [list(column) for column in zip(*matrix, strict=True)]


def sigmoid(z: float) -> float:
    # σ(z) = 1 / (1 + e^{−z}), written so that neither branch overflows
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def tanh_all(vector: Sequence[float]) -> Vec:
    return [math.tanh(v) for v in vector]


def sigmoid_all(vector: Sequence[float]) -> Vec:
    return [sigmoid(v) for v in vector]


def norm2(vector: Sequence[float]) -> float:
    # ‖v‖₂ = √(Σ v_i²), scaled as it is summed (math.hypot): squaring 1e-200 would underflow to 0
    return math.hypot(*vector)


def clean(vector: Sequence[float]) -> Vec:
    """Plain floats without a negative zero, so answers print as a student writes them."""
    return [float(v) + 0.0 for v in vector]
