"""Sampling and validating small discrete distributions for the loss generators."""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.errors import ParamsError

# Parts of 8 that are powers of two: every probability is 1/2, 1/4 or 1/8, so log₂ is an integer
DYADIC_TEMPLATES = ([4, 4], [4, 2, 2], [2, 2, 2, 2], [4, 2, 1, 1], [2, 2, 2, 1, 1], [4, 1, 1, 1, 1])
MAX_CLASSES = 16


def dyadic(rng, length: int | None = None) -> list[float]:
    """A distribution whose entries are 1/2, 1/4 or 1/8, in a random order."""
    options = [t for t in DYADIC_TEMPLATES if length is None or len(t) == length]
    parts = sampling.pick(rng, options)
    return [parts[int(i)] / 8 for i in rng.permutation(len(parts))]


def tenths(rng, length: int) -> list[float]:
    """A distribution of ``length`` positive tenths, e.g. [0.6, 0.3, 0.1]."""
    # stars and bars: length − 1 distinct cuts in 1..9 split 10 into positive parts
    cuts = sorted(int(c) + 1 for c in rng.choice(9, size=length - 1, replace=False))
    bounds = [0, *cuts, 10]
    return [round((b - a) / 10, 1) for a, b in zip(bounds, bounds[1:])]


def distribution(params: dict, key: str, length: int | None = None) -> list[float]:
    """A probability vector: entries in [0, 1] summing to 1."""
    values = P.vector(params, key, length, min_length=2, max_length=MAX_CLASSES)
    if any(v < 0 or v > 1 for v in values):
        raise ParamsError(f"params: {key!r} must hold probabilities in [0, 1], got {values}")
    if not math.isclose(sum(values), 1.0, abs_tol=1e-6):
        raise ParamsError(f"params: {key!r} must sum to 1, got {sum(values):g}")
    return values


def support_covered(p: list[float], q: list[float], p_key: str = "p", q_key: str = "q") -> None:
    """q must be positive wherever p is, or the cross-entropy and KL are infinite."""
    for i, (pi, qi) in enumerate(zip(p, q)):
        if pi > 0 and qi <= 0:
            raise ParamsError(f"params: {q_key}[{i}] is 0 where {p_key}[{i}] = {pi:g} > 0, "
                              "so the loss would be infinite")
