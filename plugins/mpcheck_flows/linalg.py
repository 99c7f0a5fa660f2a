"""Small dense linear algebra in pure Python (no numpy: it runs on every check of a problem).

Matrices here are at most a few rows: a 1×1 conv's channel mixing, a 2-D affine map, a coupling
layer's conditioner. Determinants come from Gaussian elimination with partial pivoting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mpcheck import params as P
from mpcheck.errors import ParamsError

Matrix = Sequence[Sequence[float]]


def matvec(a: Matrix, x: Sequence[float]) -> list[float]:
    return [sum(aij * xj for aij, xj in zip(row, x)) for row in a]


def matmul(a: Matrix, b: Matrix) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def det(a: Matrix) -> float:
    """det A by elimination: the product of the pivots, with a sign flip per row swap."""
    m = [list(map(float, row)) for row in a]
    n, sign, product = len(m), 1.0, 1.0
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if m[pivot][col] == 0:
            return 0.0
        if pivot != col:
            m[col], m[pivot] = m[pivot], m[col]
            sign = -sign
        product *= m[col][col]
        for r in range(col + 1, n):
            factor = m[r][col] / m[col][col]
            m[r] = [v - factor * p for v, p in zip(m[r], m[col])]
    return sign * product


def inverse(a: Matrix) -> list[list[float]]:
    """A⁻¹ by Gauss–Jordan elimination (callers have checked that A is invertible)."""
    n = len(a)
    m = [list(map(float, row)) + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        m[col] = [v / m[col][col] for v in m[col]]
        for r in range(n):
            if r != col:
                factor = m[r][col]
                m[r] = [v - factor * p for v, p in zip(m[r], m[col])]
    return [row[n:] for row in m]


def invertible(params: dict, key: str, size: int | None = None, max_size: int = 8, max_entry: float = 1e3) -> list[list[float]]:
    """A square, well-conditioned-enough matrix param: its determinant is not lost to round-off."""
    a = P.matrix(params, key, size, size, max_dim=max_size)
    if len(a) != len(a[0]):
        raise ParamsError(f"params: {key!r} must be square, got {len(a)}×{len(a[0])}")
    if any(abs(v) > max_entry for row in a for v in row):
        raise ParamsError(f"params: {key!r} entries must lie in [−{max_entry:g}, {max_entry:g}]")
    # Hadamard: |det A| ≤ Π ‖row‖; far below that bound, det A is round-off and A is singular
    bound = math.prod(math.sqrt(sum(v * v for v in row)) for row in a)
    if bound == 0 or abs(det(a)) <= 1e-9 * bound:
        raise ParamsError(f"params: {key!r} must be invertible (its determinant is 0 or lost to round-off)")
    return a
