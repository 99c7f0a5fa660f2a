"""Small 2-D grids as nested Python lists: the arithmetic behind the cnn problems.

Exam grids are a few entries wide, so plain lists are faster here than numpy and keep every
answer JSON-native. Indices follow the deep-learning convention: a "conv" layer computes

    Y[i, j] = Σ_m Σ_n K[m, n] · X[i·s + m, j·s + n]        (cross-correlation)

and a true convolution is the same sum with the kernel rotated by 180°.
"""

from __future__ import annotations

Grid = list[list[float]]


def at(*indices: int) -> str:
    """A position as students read it, in prompts, feedback and worked solutions alike: counted
    from 1 (the code counts from 0). ``at(0, 2)`` is ``"1,3"``."""
    return ",".join(str(i + 1) for i in indices)


def zeros(rows: int, cols: int) -> Grid:
    return [[0] * cols for _ in range(rows)]


def shape(grid: Grid) -> tuple[int, int]:
    return len(grid), len(grid[0])


def rot180(grid: Grid) -> Grid:
    # rot180(K)[m, n] = K[k₁−1−m, k₂−1−n]: flip rows and columns
    return [list(reversed(row)) for row in reversed(grid)]


def transpose(grid: Grid) -> Grid:
    return [list(col) for col in zip(*grid)]


def pad(grid: Grid, p: int) -> Grid:
    """Zero padding of ``p`` on every side."""
    if p == 0:
        return [list(row) for row in grid]
    width = len(grid[0]) + 2 * p
    blank = [[0] * width for _ in range(p)]
    return blank + [[0] * p + list(row) + [0] * p for row in grid] + [[0] * width for _ in range(p)]


def crop(grid: Grid, p: int) -> Grid:
    """Drop ``p`` rows and columns from every side (the inverse of ``pad``)."""
    if p == 0:
        return [list(row) for row in grid]
    return [list(row[p:-p]) for row in grid[p:-p]]


def dilate(grid: Grid, s: int) -> Grid:
    """Insert s − 1 zeros between neighbouring entries (what a stride looks like from behind)."""
    if s == 1:
        return [list(row) for row in grid]
    rows, cols = shape(grid)
    out = zeros((rows - 1) * s + 1, (cols - 1) * s + 1)
    for i in range(rows):
        for j in range(cols):
            out[i * s][j * s] = grid[i][j]
    return out


def out_size(size: int, kernel: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    # out = ⌊(in + 2p − d(k−1) − 1) / s⌋ + 1
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def correlate(x: Grid, k: Grid, stride: int = 1) -> Grid:
    """Valid cross-correlation: Y[i, j] = Σ_m Σ_n K[m, n] · X[i·s + m, j·s + n]."""
    (h, w), (kh, kw) = shape(x), shape(k)
    rows, cols = (h - kh) // stride + 1, (w - kw) // stride + 1
    return [[sum(k[m][n] * x[i * stride + m][j * stride + n] for m in range(kh) for n in range(kw))
             for j in range(cols)] for i in range(rows)]


def scatter(x: Grid, k: Grid, stride: int = 1) -> Grid:
    """Copies of the kernel weighted by each input entry, overlaps summed (transposed conv):
    out[i·s + m, j·s + n] += X[i, j] · K[m, n]."""
    (h, w), (kh, kw) = shape(x), shape(k)
    out = zeros((h - 1) * stride + kh, (w - 1) * stride + kw)
    for i in range(h):
        for j in range(w):
            for m in range(kh):
                for n in range(kw):
                    out[i * stride + m][j * stride + n] += x[i][j] * k[m][n]
    return out


def windows(h: int, w: int, size: int, stride: int):
    """Top-left corners (r, c) of the pooling windows, row by row."""
    for i in range((h - size) // stride + 1):
        for j in range((w - size) // stride + 1):
            yield i, j, i * stride, j * stride


def argmax_in_window(x: Grid, top: int, left: int, size: int) -> tuple[int, int]:
    """Position of the window's maximum; on a tie the first in row-major order wins, which is
    the entry PyTorch's max_pool2d keeps (it only replaces on a strictly larger value)."""
    best = (top, left)
    for r in range(top, top + size):
        for c in range(left, left + size):
            if x[r][c] > x[best[0]][best[1]]:
                best = (r, c)
    return best


def has_tie(x: Grid, top: int, left: int, size: int) -> bool:
    values = [x[r][c] for r in range(top, top + size) for c in range(left, left + size)]
    return values.count(max(values)) > 1


def as_numbers(grid: Grid) -> Grid:
    """Integral floats back to ints, so answers and solutions read like a hand computation."""
    return [[_tidy(v) for v in row] for row in grid]


def _tidy(v: float) -> float:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    # float noise off (to 12 significant digits, so a tiny entry keeps its value)
    return float(f"{v:.12g}") + 0.0 if isinstance(v, float) else v
