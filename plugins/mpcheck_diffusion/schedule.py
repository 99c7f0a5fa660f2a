"""ᾱ_t of DDPM's linear noise schedule (Ho et al., 2020), t counted from 1:

    β_t = β_start + (t − 1)(β_end − β_start)/(T − 1)      β_1 = β_start, β_T = β_end
    ᾱ_t = Π_{s=1}^{t} (1 − β_s)

This is torch.linspace(β_start, β_end, T) read from index t − 1, as diffusers' DDPMScheduler
builds it (its timesteps count from 0).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import num
from mpcheck_diffusion.common import alpha_bars

KEYS = ("schedule", "beta_start", "beta_end", "T", "t")
MAX_T = 100_000
SMALLEST = 1e-300
LOG_SMALLEST = math.log(SMALLEST)


def linear_betas(beta_start: float, beta_end: float, T: int, steps: int, denominator: int | None = None,
                 first: int = 1) -> list[float]:
    """β_first, …, β_{first + steps − 1} of the linear schedule; ``denominator`` replays a mistake."""
    if T == 1:
        return [beta_start] * steps
    width = (beta_end - beta_start) / (denominator or T - 1)
    # β_s = β_start + (s − 1) Δ
    return [beta_start + (s - 1) * width for s in range(first, first + steps)]


def alpha_bar(p: dict, steps: int | None = None, **variant) -> float:
    # ᾱ_t = Π_{s ≤ t} (1 − β_s)
    t = p["t"] if steps is None else steps
    return alpha_bars(linear_betas(p["beta_start"], p["beta_end"], p["T"], t, **variant))[-1]


def _betas(p: dict) -> list[float]:
    return linear_betas(p["beta_start"], p["beta_end"], p["T"], p["t"])


def _sample(rng) -> dict:
    # T − 1 divides the range into short decimals: e.g. 0.1 to 0.3 over T = 5 steps by 0.05
    gaps = sampling.pick(rng, [4, 4, 5, 10])
    step = sampling.pick(rng, [0.01, 0.02, 0.05])
    start = sampling.pick(rng, [0.01, 0.02, 0.05, 0.1])
    T = gaps + 1
    return {"schedule": "linear", "beta_start": start, "beta_end": round(start + gaps * step, 4), "T": T,
            "t": sampling.ints(rng, 1, min(T, 4))}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    P.one_of(p, "schedule", ["linear"])
    for key in ("beta_start", "beta_end"):
        P.real(p, key, 0, 1)
    P.integer(p, "T", 1, MAX_T)
    P.integer(p, "t", 1, p["T"])
    if p["T"] == 1 and p["beta_end"] != p["beta_start"]:
        raise ParamsError("params: with T = 1 the schedule has the single value beta_start; "
                          "set beta_end equal to it")
    betas = _betas(p)
    # ᾱ_t = Π (1 − β_s) = 0 exactly when some β_s = 1; otherwise it must stay a normal float
    if all(b < 1 for b in betas) and math.fsum(map(math.log1p, (-b for b in betas))) < LOG_SMALLEST:
        raise ParamsError(f"params: ᾱ_t is below {SMALLEST:g} for this schedule and t (too small to "
                          "compute or type); choose a smaller t or smaller betas")


def _prompt(p: dict) -> str:
    return "\n".join([
        f"A DDPM uses the linear noise schedule from $\\beta_1 = {num(p['beta_start'], 15)}$ to "
        f"$\\beta_T = {num(p['beta_end'], 15)}$ over $T = {p['T']}$ steps "
        r"($\beta_t = \beta_1 + (t - 1)\frac{\beta_T - \beta_1}{T - 1}$, timesteps counted from 1).",
        f"Compute $\\bar\\alpha_t$ for $t = {p['t']}$.",
    ])


def _solution(p: dict) -> str:
    betas = _betas(p)
    t = p["t"]
    lines = []
    if p["T"] > 1:
        width = (p["beta_end"] - p["beta_start"]) / (p["T"] - 1)
        lines.append(f"Step of the schedule: $\\frac{{{num(p['beta_end'])} - {num(p['beta_start'])}}}{{{p['T']} - 1}} "
                     f"= {num(width, 6)}$")
    lines.append(", ".join(f"$\\beta_{{{s}}} = {num(b, 6)}$" for s, b in enumerate(betas, start=1)))
    lines.append(", ".join(f"$\\alpha_{{{s}}} = 1 - \\beta_{{{s}}} = {num(1 - b, 6)}$"
                           for s, b in enumerate(betas, start=1)))
    factors = r" \cdot ".join(num(1 - b, 6) for b in betas)
    lines.append(f"$\\bar\\alpha_{{{t}}} = \\prod_{{s=1}}^{{{t}}} \\alpha_s = {factors} = {num(alpha_bar(p), 6)}$")
    lines.append(f"So $q(x_{{{t}}} \\mid x_0)$ keeps $\\sqrt{{\\bar\\alpha_{{{t}}}}} = {num(math.sqrt(alpha_bar(p)), 6)}$ "
                 "of the signal.")
    return "\n".join(lines)


def _beta_product(p: dict) -> float:
    return math.prod(_betas(p))


def _first_order(p: dict) -> float | None:
    return 1 - sum(_betas(p)) if p["t"] > 1 else None


ALPHA_BAR = Generator(
    id="diffusion.alpha-bar",
    title="Alpha-bar (the cumulative signal share) of a linear noise schedule",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=alpha_bar,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"List $\beta_1, \dots, \beta_t$ first: $\beta_1$ is the start value and each step adds "
                     r"$(\beta_T - \beta_1)/(T - 1)$.",
                     r"$\bar\alpha_t$ multiplies the $\alpha_s = 1 - \beta_s$ of every step up to and including $t$."],
    mistakes=(
        Mistake("beta-product", r"You multiplied the $\beta_s$; $\bar\alpha_t$ multiplies "
                r"$\alpha_s = 1 - \beta_s$, the share of the signal each step keeps.", _beta_product),
        Mistake("alpha-not-cumulative", r"That is $\alpha_t = 1 - \beta_t$ of the last step alone; "
                r"$\bar\alpha_t$ is the product over all steps $1, \dots, t$.",
                lambda p: 1 - _betas(p)[-1] if p["t"] > 1 else None),
        Mistake("one-minus-sum-of-betas", r"$1 - \sum_s \beta_s$ is only the first-order approximation; "
                r"multiply the factors $1 - \beta_s$.", _first_order),
        Mistake("sqrt-alpha-bar", r"You gave $\sqrt{\bar\alpha_t}$, the coefficient of $x_0$ in $x_t$; "
                r"the question asks for $\bar\alpha_t$ itself.", lambda p: math.sqrt(alpha_bar(p))),
        Mistake("t-read-as-zero-based", r"Timesteps count from 1: $\bar\alpha_t$ has $t$ factors, "
                r"not $t + 1$ (as when $t$ indexes a 0-based array of $\bar\alpha$).",
                lambda p: alpha_bar(p, p["t"] + 1) if p["t"] < p["T"] else None),
        Mistake("one-factor-short", r"$\bar\alpha_t$ includes step $t$ itself: "
                r"$\prod_{s=1}^{t}$, not $\prod_{s=1}^{t-1}$.", lambda p: alpha_bar(p, p["t"] - 1)),
        Mistake("schedule-step-over-T", r"The linear schedule goes from $\beta_1$ to $\beta_T$ in "
                r"$T - 1$ steps: divide the range by $T - 1$, not $T$.",
                lambda p: alpha_bar(p, denominator=p["T"]) if p["T"] > 1 and p["t"] > 1 else None),
    ),
    tags=("diffusion", "schedule"),
)

GENERATORS = [ALPHA_BAR]
