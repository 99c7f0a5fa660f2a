"""Adaptive instance normalisation (Huang & Belongie, 2017), as StyleGAN injects the style:

    AdaIN(c, s) = γ(s) ⊙ (c − μ(c)) / σ(c) + β(s)

μ(c) and σ(c) are the mean and standard deviation of each channel of one instance over its
spatial positions (population statistics, divided by N, as instance normalisation computes them);
γ(s), β(s) come from the style (an affine map of w in StyleGAN, the style image's statistics in
Huang & Belongie).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, num, vec
from mpcheck_gan.common import paren

KEYS = ("content", "gamma", "beta")
MAX_CHANNELS, MAX_POSITIONS = 8, 64
MAX_ENTRY = 1e6


def channel_stats(values: list[float], ddof: int = 0) -> tuple[float, float]:
    # μ = (1/N) Σ c_i,  σ² = (1/(N − ddof)) Σ (c_i − μ)²
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - ddof)
    return mean, variance


def adain(p: dict, ddof: int = 0, root=math.sqrt, swap: bool = False, centre: bool = True,
          pooled: bool = False) -> list[list[float]]:
    """AdaIN per channel; the keywords replay the mistakes."""
    rows = p["content"]
    everything = [v for row in rows for v in row]
    out = []
    for row, gamma, beta in zip(rows, p["gamma"], p["beta"]):
        mean, variance = channel_stats(everything if pooled else row, ddof)
        scale, shift = (beta, gamma) if swap else (gamma, beta)
        # c′ = γ (c − μ)/σ + β
        out.append([scale * ((v - mean) if centre else v) / root(variance) + shift for v in row])
    return out


def _sample(rng) -> dict:
    channels = sampling.pick(rng, [1, 2, 2])
    while True:
        content = [[float(v) for v in sampling.ints(rng, -3, 6, 4)] for _ in range(channels)]
        if all(channel_stats(row)[1] > 0 for row in content):
            return {"content": content,
                    "gamma": [sampling.decimals(rng, 0.5, 3, 1) for _ in range(channels)],
                    "beta": [sampling.decimals(rng, -2, 2, 1) for _ in range(channels)]}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    rows = P.matrix(p, "content", max_dim=MAX_POSITIONS)
    if len(rows) > MAX_CHANNELS:
        raise ParamsError(f"params: 'content' has at most {MAX_CHANNELS} channels (rows)")
    if len(rows[0]) < 2:
        raise ParamsError("params: each channel of 'content' needs at least 2 positions to have a spread")
    P.vector(p, "gamma", len(rows))
    P.vector(p, "beta", len(rows))
    if any(abs(v) > MAX_ENTRY for key in KEYS for v in _flat(p[key])):
        raise ParamsError(f"params: entries must be at most {MAX_ENTRY:g} in size")
    for c, row in enumerate(rows, start=1):
        mean, variance = channel_stats(row)
        if variance <= 1e-12 * max(1.0, mean * mean):
            raise ParamsError(f"params: channel {c} of 'content' is constant, so σ(c) = 0 and "
                              "the normalisation divides by zero")


def _flat(value) -> list[float]:
    return [v for row in value for v in row] if value and isinstance(value[0], list) else value


def _prompt(p: dict) -> str:
    rows = p["content"]
    per = "each row is one channel" if len(rows) > 1 else "one channel"
    return "\n".join([
        f"A content feature map with {len(rows)} channel{'s' if len(rows) > 1 else ''} of {len(rows[0])} "
        f"positions ({per}):",
        f"$$c = {bmatrix(rows, 15)}$$",
        f"The style gives $\\gamma(s) = {vec(p['gamma'], 15)}$ and $\\beta(s) = {vec(p['beta'], 15)}$ (one per channel).",
        r"Compute $\mathrm{AdaIN}(c, s) = \gamma(s) \odot \frac{c - \mu(c)}{\sigma(c)} + \beta(s)$, with $\mu$ and "
        r"$\sigma$ the mean and standard deviation of each channel over its positions (divide by $N$; no $\epsilon$).",
    ])


def _solution(p: dict) -> str:
    lines = []
    n = len(p["content"][0])
    for c, (row, gamma, beta, result) in enumerate(zip(p["content"], p["gamma"], p["beta"], adain(p)), start=1):
        mean, variance = channel_stats(row)
        lines += [f"Channel {c}: $\\mu = \\frac{{1}}{{{n}}}({' + '.join(paren(v) for v in row)}) = {num(mean)}$, "
                  f"$\\sigma^2 = \\frac{{1}}{{{n}}}\\sum_i (c_i - \\mu)^2 = {num(variance, 6)}$, "
                  f"$\\sigma = {num(math.sqrt(variance), 6)}$",
                  f"  normalised: $(c - \\mu)/\\sigma = {vec([(v - mean) / math.sqrt(variance) for v in row])}$",
                  f"  $\\times\\, \\gamma = {num(gamma)}$, $+\\, \\beta = {num(beta)}$: ${vec(result)}$"]
    lines.append(f"$$\\mathrm{{AdaIN}}(c, s) = {bmatrix(adain(p))}$$")
    lines.append(r"Each channel now has mean $\beta$ and standard deviation $\gamma$: the style sets the "
                 r"statistics, the content keeps only its normalised pattern.")
    return "\n".join(lines)


ADAIN = Generator(
    id="gan.adain",
    title="Adaptive instance normalisation (AdaIN)",
    answer_kind=Matrix(),
    sample_params=_sample,
    validate_params=_validate,
    solve=adain,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"Normalise each channel on its own: subtract its mean, divide by its standard "
                     r"deviation (population: divide by $N$).",
                     r"Then scale by that channel's $\gamma(s)$ and shift by its $\beta(s)$: the output "
                     r"has mean $\beta$ and standard deviation $\gamma$."],
    mistakes=(
        Mistake("unbiased-std", r"Instance normalisation uses the population standard deviation "
                r"(divide by $N$), not the sample one (divide by $N - 1$).", lambda p: adain(p, ddof=1)),
        Mistake("variance-not-std", r"Divide by the standard deviation $\sigma$, not the variance $\sigma^2$.",
                lambda p: adain(p, root=lambda v: v)),
        Mistake("gamma-beta-swapped", r"$\gamma(s)$ scales and $\beta(s)$ shifts: "
                r"$\gamma \odot \hat{c} + \beta$.", lambda p: adain(p, swap=True)),
        Mistake("mean-not-subtracted", r"Subtract the channel mean before dividing: "
                r"$(c - \mu(c))/\sigma(c)$.", lambda p: adain(p, centre=False)),
        Mistake("statistics-over-all-channels", r"AdaIN normalises each channel with its own statistics; "
                r"you pooled all channels (that is layer normalisation).",
                lambda p: adain(p, pooled=True) if len(p["content"]) > 1 else None),
    ),
    tags=("gan", "stylegan", "adain"),
    difficulty=2,
)

GENERATORS = [ADAIN]
