"""KL divergence between diagonal Gaussians, in pure Python (no numpy: it runs on every check).

Per coordinate, with variances v = σ²,

    KL(N(μ_q, v_q) ‖ N(μ_p, v_p)) = ½ [log(v_p / v_q) + (v_q + (μ_q − μ_p)²) / v_p − 1]

and a diagonal Gaussian's KL is the sum over coordinates. The keyword switches of ``kl_terms``
replay the classic slips (σ where σ² belongs, the ½ dropped, ...) for the mistakes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from mpcheck import params as P
from mpcheck.errors import ParamsError
from mpcheck.text import exact, num, paren

Vec = Sequence[float]
MAX_DIM = 16
MAX_MEAN = 1e3
SIGMA_RANGE = (1e-3, 1e3)


def square(s: float) -> float:
    return s * s


def kl_terms(mu_q: Vec, sigma_q: Vec, mu_p: Vec, sigma_p: Vec, *,
             variance: Callable[[float], float] = square, scale: float = 0.5, log_weight: float = 1.0,
             minus_one: bool = True, mean_term: bool = True) -> list[float]:
    """KL(q ‖ p) of each coordinate; the keywords other than the defaults build mistakes."""
    terms = []
    for mq, sq, mp, sp in zip(mu_q, sigma_q, mu_p, sigma_p):
        vq, vp = variance(sq), variance(sp)
        gap = (mq - mp) ** 2 if mean_term else 0.0
        # ½ [log(σ_p²/σ_q²) + (σ_q² + (μ_q − μ_p)²)/σ_p² − 1]
        terms.append(scale * (log_weight * math.log(vp / vq) + (vq + gap) / vp - (1.0 if minus_one else 0.0)))
    return terms


def kl(mu_q: Vec, sigma_q: Vec, mu_p: Vec, sigma_p: Vec, **slip) -> float:
    return sum(kl_terms(mu_q, sigma_q, mu_p, sigma_p, **slip))


def kl_to_standard(mu: Vec, sigma: Vec, **slip) -> float:
    """KL(N(μ, diag σ²) ‖ N(0, I)) = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)."""
    return kl(mu, sigma, [0.0] * len(mu), [1.0] * len(mu), **slip)


def kl_from_standard(mu: Vec, sigma: Vec) -> float:
    """The other direction, KL(N(0, I) ‖ N(μ, diag σ²)): a mistake's answer."""
    return kl([0.0] * len(mu), [1.0] * len(mu), mu, sigma)


# --- params -----------------------------------------------------------------------------------

def means(params: dict, key: str, length: int | None = None) -> list[float]:
    values = P.vector(params, key, length, max_length=MAX_DIM)
    if any(abs(v) > MAX_MEAN for v in values):
        raise ParamsError(f"params: {key!r} entries must lie in [−{MAX_MEAN:g}, {MAX_MEAN:g}]")
    return values


def sigmas(params: dict, key: str, length: int | None = None) -> list[float]:
    """Standard deviations: positive, and within a range where every term stays finite."""
    values = P.vector(params, key, length, max_length=MAX_DIM)
    lo, hi = SIGMA_RANGE
    if any(not lo <= v <= hi for v in values):
        raise ParamsError(f"params: {key!r} holds standard deviations, which must lie in "
                          f"[{lo:g}, {hi:g}], got {values}")
    return values


# --- text -------------------------------------------------------------------------------------

def kl_formula() -> str:
    return (r"$$\mathrm{KL}(q \,\|\, p) = \sum_{j=1}^{d} \left[\log\frac{\sigma_{p,j}}{\sigma_{q,j}} + "
            r"\frac{\sigma_{q,j}^2 + (\mu_{q,j} - \mu_{p,j})^2}{2\sigma_{p,j}^2} - \frac{1}{2}\right]$$")


def kl_lines(mu_q: Vec, sigma_q: Vec, mu_p: Vec, sigma_p: Vec) -> list[str]:
    """One line per coordinate with the numbers plugged in, then the sum."""
    terms = kl_terms(mu_q, sigma_q, mu_p, sigma_p)
    lines = []
    for j, (mq, sq, mp, sp, term) in enumerate(zip(mu_q, sigma_q, mu_p, sigma_p, terms), start=1):
        log_part = math.log(sp / sq)
        fraction = (sq * sq + (mq - mp) ** 2) / (2 * sp * sp)
        lines.append(f"$j = {j}$: $\\log\\frac{{{exact(sp)}}}{{{exact(sq)}}} + "
                     f"\\frac{{{paren(sq)}^2 + ({exact(mq)} - {paren(mp)})^2}}{{2 \\cdot {paren(sp)}^2}} - \\frac{{1}}{{2}}"
                     f" = {num(log_part, 6)} + {num(fraction, 6)} - 0.5 = {num(term, 6)}$")
    if len(terms) > 1:
        lines.append(f"Sum over the coordinates: $\\mathrm{{KL}}(q \\,\\|\\, p) = "
                     f"{' + '.join(paren(t, 6) for t in terms)} = {num(sum(terms), 6)}$ nats.")
    else:
        lines.append(f"$\\mathrm{{KL}}(q \\,\\|\\, p) = {num(sum(terms), 6)}$ nats.")
    return lines
