"""Discrete distributions and their divergences, in pure Python (answers in nats), and the
params checks and text helpers the gan generators share.

    KL(p ‖ q)  = Σ_x p(x) log(p(x) / q(x))           (terms with p(x) = 0 add nothing)
    JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),  m = (p + q)/2
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.errors import ParamsError
from mpcheck.text import num

MAX_OUTCOMES = 32
SUM_TOLERANCE = 1e-6
MIN_PROBABILITY = 1e-300


def kl(p: Sequence[float], q: Sequence[float], log=math.log) -> float | None:
    """KL(p ‖ q) in nats; None where it is infinite (p(x) > 0 = q(x))."""
    total = 0.0
    for pi, qi in zip(p, q):
        if pi > 0:
            if qi <= 0:
                return None
            total += pi * log(pi / qi)
    return total


def mixture(p: Sequence[float], q: Sequence[float]) -> list[float]:
    # m = (p + q)/2: the distribution both are compared with
    return [(pi + qi) / 2 for pi, qi in zip(p, q)]


def jsd(p: Sequence[float], q: Sequence[float]) -> float:
    # JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m): always finite, since m > 0 wherever p or q is
    return math.fsum(_jsd_term(pi, qi) for pi, qi in zip(p, q))


def _jsd_term(pi: float, qi: float) -> float:
    """½ p log(p/m) + ½ q log(q/m) at one x, m = (p + q)/2. With d = (p − q)/(p + q) it is
    ((p + q)/4)·((1 + d) log(1 + d) + (1 − d) log(1 − d)) = ((p + q)/4)·(2d atanh d + log(1 − d²)):
    of order d², worked out without the cancellation of two logs near log 1 when p ≈ q."""
    total = pi + qi
    if total == 0:
        return 0.0
    d = (pi - qi) / total
    if abs(d) < 0.5:
        return total / 4 * (2 * d * math.atanh(d) + math.log1p(-d * d))
    m = total / 2
    return 0.5 * ((pi * math.log(pi / m) if pi else 0.0) + (qi * math.log(qi / m) if qi else 0.0))


def finite(value):
    """A mistake's answer, or None where it overflows (a ratio by a probability near 0)."""
    values = value if isinstance(value, list) else [value]
    return value if value is not None and all(v is not None and math.isfinite(v) for v in values) else None


def xlogy(x: float, y: float) -> float:
    """x log y with 0 · log 0 = 0 (the convention of every expectation here)."""
    return 0.0 if x == 0 else x * math.log(y)


# --- sampling --------------------------------------------------------------------------------

def distribution(rng, n: int, total: int = 10, allow_zero: bool = False) -> list[float]:
    """n probabilities in steps of 1/total that sum to 1, e.g. [0.2, 0.5, 0.3]."""
    low = 0 if allow_zero else 1
    while True:
        cuts = sorted(sampling.ints(rng, 0, total, n - 1)) if n > 1 else []
        counts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
        if all(c >= low for c in counts):
            return [round(c / total, 4) for c in counts]


def distribution_pair(rng, allow_zero: bool = True) -> tuple[list[float], list[float]]:
    """Two distributions on 2 to 4 outcomes, different somewhere, never both 0 at one outcome."""
    n = sampling.pick(rng, [2, 3, 3, 4])
    total = sampling.pick(rng, [10, 10, 20])
    while True:
        zeros = allow_zero and sampling.pick(rng, [False, False, False, True])
        p, q = distribution(rng, n, total, zeros), distribution(rng, n, total, zeros)
        if p != q and all(a + b > 0 for a, b in zip(p, q)):
            return p, q


# --- params ----------------------------------------------------------------------------------

def probabilities(params: dict, key: str, length: int | None = None) -> list[float]:
    """A discrete distribution: non-negative entries that sum to 1."""
    values = P.vector(params, key, length, max_length=MAX_OUTCOMES)
    if any(v < 0 for v in values):
        raise ParamsError(f"params: {key!r} is a distribution, so its entries must be ≥ 0")
    if any(0 < v < MIN_PROBABILITY for v in values):
        raise ParamsError(f"params: {key!r} entries must be 0 or at least {MIN_PROBABILITY:g} "
                          "(smaller ones underflow when halved)")
    if abs(sum(values) - 1) > SUM_TOLERANCE:
        raise ParamsError(f"params: {key!r} is a distribution, so it must sum to 1 "
                          f"(it sums to {sum(values):.10g})")
    return values


def distribution_pair_params(params: dict, first: str, second: str) -> None:
    """Two distributions over the same outcomes, not both 0 at any outcome."""
    p = probabilities(params, first)
    q = probabilities(params, second, len(p))
    for i, (a, b) in enumerate(zip(p, q), start=1):
        if a == 0 and b == 0:
            raise ParamsError(f"params: outcome {i} has probability 0 under both {first!r} and "
                              f"{second!r}; leave it out")


# --- text ------------------------------------------------------------------------------------

def table(header: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]],
          digits: int = 4) -> str:
    """A display table in the markup: one column per outcome, one row per named distribution."""
    spec = "|c|" + "c|" * len(columns)
    lines = [header + " & " + " & ".join(columns) + r" \\ \hline"]
    lines += [name + " & " + " & ".join(num(v, digits) for v in values) + r" \\ \hline"
              for name, values in rows]
    return "$$\n\\begin{array}{" + spec + "}\\hline\n" + "\n".join(lines) + "\n\\end{array}\n$$"


def outcome_table(rows: Sequence[tuple[str, Sequence[float]]], digits: int = 15) -> str:
    n = len(rows[0][1])
    return table("x", [str(i) for i in range(1, n + 1)], rows, digits)


def signed(x: float, digits: int = 4) -> str:
    """A term that follows an operator: "+ 0.3" or "- 0.3"."""
    return f"- {num(-x, digits)}" if x < 0 else f"+ {num(x, digits)}"


def paren(x: float, digits: int = 4) -> str:
    """A number ready to be multiplied: negatives in parentheses."""
    return f"({num(x, digits)})" if x < 0 else num(x, digits)
