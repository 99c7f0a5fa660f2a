"""Small pure-Python maths shared by the ml generators (no numpy: sampling is the only numpy use).

Answers are computed here in float64, from the formulas, so that each generator's ``solve`` is a
few readable lines and the tests can compare them against PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mpcheck.text import exact, num

Vec = list[float]


def sigmoid(x: float) -> float:
    # σ(x) = 1 / (1 + e^(−x)), written so that neither branch overflows
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def softmax(z: Sequence[float]) -> Vec:
    # softmax(z)_i = e^(z_i − max z) / Σ_j e^(z_j − max z); the shift cancels and avoids overflow
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


def one_hot(index: int, length: int) -> Vec:
    return [1.0 if i == index else 0.0 for i in range(length)]


def log(x: float, bits: bool = False) -> float:
    """ln x, or log₂ x when the unit is bits."""
    return math.log2(x) if bits else math.log(x)


def entropy(p: Sequence[float], bits: bool = False) -> float:
    # H(p) = −Σ p_i log p_i, with 0 · log 0 = 0
    return -sum(pi * log(pi, bits) for pi in p if pi > 0)


def cross_entropy(p: Sequence[float], q: Sequence[float], bits: bool = False) -> float:
    # H(p, q) = −Σ p_i log q_i (terms with p_i = 0 contribute nothing)
    return -sum(pi * log(qi, bits) for pi, qi in zip(p, q) if pi > 0)


def kl(p: Sequence[float], q: Sequence[float], bits: bool = False) -> float:
    # KL(p‖q) = Σ p_i log(p_i / q_i)
    return sum(pi * log(pi / qi, bits) for pi, qi in zip(p, q) if pi > 0)


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def matvec(m: Sequence[Sequence[float]], v: Sequence[float]) -> Vec:
    return [dot(row, v) for row in m]


def outer(a: Sequence[float], b: Sequence[float]) -> list[Vec]:
    return [[x * y for y in b] for x in a]


def transpose(m: Sequence[Sequence[float]]) -> list[Vec]:
    return [list(col) for col in zip(*m)]


def add(a: Sequence[float], b: Sequence[float]) -> Vec:
    return [x + y for x, y in zip(a, b)]


def sub(a: Sequence[float], b: Sequence[float]) -> Vec:
    return [x - y for x, y in zip(a, b)]


def scale(c: float, a: Sequence[float]) -> Vec:
    return [c * x for x in a]


def hadamard(a: Sequence[float], b: Sequence[float]) -> Vec:
    return [x * y for x, y in zip(a, b)]


def clean(x: float) -> float:
    """Round off float noise (0.30000000000000004 → 0.3) so answers and mistakes print tidily:
    to 12 significant digits, never to a number of decimals, so that a tiny answer such as
    σ'(−30) ≈ 9.4e-14 keeps its value."""
    return float(f"{x:.12g}") + 0.0


def clean_vec(values: Sequence[float]) -> Vec:
    return [clean(v) for v in values]


def clean_mat(rows: Sequence[Sequence[float]]) -> list[Vec]:
    return [clean_vec(row) for row in rows]


def log_name(x: float) -> str | None:
    """``\\ln 3`` when x is ±ln k for a small integer k ≥ 2 (the very float math.log(k) gives), else
    None: prompts show exact logs, and only for the number they stand for."""
    for k in range(2, 21):
        if abs(x) == math.log(k):
            return ("-" if x < 0 else "") + f"\\ln {k}"
    return None


def show(x: float) -> str:
    """A param for a prompt (LaTeX, inside ``$…$``): ``\\ln 3 \\;(\\approx 1.099)`` for logs of small
    integers, else every digit."""
    name = log_name(x)
    return f"{name} \\;(\\approx {num(x)})" if name else exact(x)


def paren(x: float, write=num) -> str:
    """A number ready to follow an operator: negatives in parentheses, "2 + (−3)"."""
    return f"({write(x)})" if x < 0 else write(x)


def show_vec(values: Sequence[float]) -> str:
    return "[" + ", ".join(show(v) for v in values) + "]"
