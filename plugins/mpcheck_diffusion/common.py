"""The noise schedule of a DDPM (Ho et al., 2020) in pure Python, and the params checks and text
helpers the diffusion generators share. Timesteps count from 1, as in the paper:

    α_t = 1 − β_t,   ᾱ_t = Π_{s=1}^{t} α_s,   ᾱ_0 = 1
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import round_off, tidy
from mpcheck.errors import ParamsError
from mpcheck.text import num

MAX_STEPS = 64          # β lists a user types
MAX_DIM = 16
MAX_ENTRY = 1e6

Vec = list[float]


def alpha_bars(betas: Sequence[float]) -> Vec:
    """[ᾱ_0, ᾱ_1, …, ᾱ_t]: ᾱ_0 = 1, then ᾱ_s = ᾱ_{s−1}(1 − β_s)."""
    out = [1.0]
    for beta in betas:
        out.append(out[-1] * (1 - beta))
    return out


def alpha_bar_gaps(betas: Sequence[float]) -> Vec:
    """[1 − ᾱ_0, 1 − ᾱ_1, …, 1 − ᾱ_t] = −expm1(Σ_{s ≤ t} log(1 − β_s)): to the last digit even
    when every β is tiny, where 1 − ᾱ_t taken from ᾱ_t would be a difference of two numbers near 1."""
    out, log_bar = [0.0], 0.0
    for beta in betas:
        log_bar += math.log1p(-beta)
        out.append(-math.expm1(log_bar))
    return out


def clean(x: float) -> float:
    """Round off float noise (0.30000000000000004 → 0.3) so answers and mistakes print tidily:
    to 13 significant digits, so that a tiny answer keeps its value."""
    return round_off(x, 0.0)


def combine(a: float, u: Sequence[float], b: float, v: Sequence[float]) -> Vec:
    # a u + b v, entry by entry; an entry where the two terms cancel is 0, not their float residue
    return tidy([a * x + b * y for x, y in zip(u, v)], [max(abs(a * x), abs(b * y)) for x, y in zip(u, v)])


def scale(a: float, u: Sequence[float]) -> Vec:
    return tidy([a * x for x in u])


# --- sampling --------------------------------------------------------------------------------

def short_vector(rng, n: int, lo: float = -2.0, hi: float = 2.0) -> Vec:
    """n one-decimal entries, none of them 0 (so no coefficient can hide)."""
    while True:
        v = [sampling.decimals(rng, lo, hi, 1) for _ in range(n)]
        if all(v):
            return v


def short_betas(rng, t: int) -> Vec:
    """β_1, …, β_t: increasing short decimals, large enough that every step shows."""
    start = sampling.pick(rng, [0.05, 0.1, 0.1, 0.2])
    step = sampling.pick(rng, [0.05, 0.1])
    return [round(start + s * step, 4) for s in range(t)]


# --- params ----------------------------------------------------------------------------------

def vector(p: dict, key: str, length: int | None = None) -> Vec:
    values = P.vector(p, key, length, max_length=MAX_DIM)
    if any(abs(v) > MAX_ENTRY for v in values):
        raise ParamsError(f"params: {key!r} entries must be at most {MAX_ENTRY:g} in size")
    return values


MIN_BETA = 1e-12


def betas(p: dict, key: str = "betas", min_length: int = 1) -> Vec:
    """β_1, …, β_t with 0 < β_s < 1 (α_s = 1 − β_s is divided by, and its root taken)."""
    values = P.vector(p, key, min_length=min_length, max_length=MAX_STEPS)
    if any(not 0 < b < 1 for b in values):
        raise ParamsError(f"params: every entry of {key!r} is a noise variance β_s, so it must lie "
                          "strictly between 0 and 1")
    if any(b < MIN_BETA for b in values):
        # 1 − ᾱ_t is divided by: below this, 1 − β rounds to 1 and the variance to 0
        raise ParamsError(f"params: every entry of {key!r} must be at least {MIN_BETA:g} (a smaller β_s "
                          "vanishes next to 1 in floating point)")
    return values


def probability(p: dict, key: str) -> float:
    value = P.real(p, key, 0, 1)
    if not 0 < value < 1:
        raise ParamsError(f"params: {key!r} must lie strictly between 0 and 1 (both √{key} and "
                          f"√(1 − {key}) appear), got {value}")
    return value


# --- text ------------------------------------------------------------------------------------

def betas_text(values: Sequence[float]) -> str:
    """"$\\beta_1 = 0.1$, $\\beta_2 = 0.2$"."""
    return ", ".join(f"$\\beta_{{{s}}} = {num(b, 15)}$" for s, b in enumerate(values, start=1))


def alpha_bar_lines(values: Sequence[float]) -> list[str]:
    """The worked product ᾱ_t = Π (1 − β_s), one line."""
    bars = alpha_bars(values)
    t = len(values)
    factors = r" \cdot ".join(f"(1 - {num(b)})" for b in values)
    return [f"$\\bar\\alpha_{{{t}}} = \\prod_{{s=1}}^{{{t}}} (1 - \\beta_s) = {factors} = {num(bars[-1], 6)}$"]


def root(x: float, digits: int = 6) -> str:
    """"\\sqrt{0.64} = 0.8" for a solution line."""
    return f"\\sqrt{{{num(x, digits)}}} = {num(math.sqrt(x), digits)}"


def paren(x: float, digits: int = 6) -> str:
    """A number ready to be squared or multiplied: negatives in parentheses."""
    return f"({num(x, digits)})" if x < 0 else num(x, digits)
