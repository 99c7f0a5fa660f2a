"""The forward posterior q(x_{t−1} | x_t, x_0) and one reverse (sampling) step of a DDPM.

    q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t I)
    μ̃_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t) · x_0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t
    β̃_t = (1 − ᾱ_{t−1}) β_t/(1 − ᾱ_t)

    x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε_θ(x_t, t))/√α_t + σ_t z,   σ_t² = β_t,  z = 0 at t = 1
(Ho et al., 2020, equations 6–7 and Algorithm 2.)
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real, Vector
from mpcheck.text import num, vec
from mpcheck_diffusion.common import (
    alpha_bar_gaps,
    alpha_bars,
    betas,
    betas_text,
    clean,
    combine,
    short_betas,
    short_vector,
    vector,
)

# --- diffusion.posterior ---------------------------------------------------------------------


def posterior_coefficients(schedule: list[float], root=math.sqrt, shift: int = 0) -> tuple[float, float, float]:
    """(coefficient of x_0, coefficient of x_t, variance); ``shift`` = 1 reads ᾱ_t where ᾱ_{t−1} belongs."""
    bars, gaps = alpha_bars(schedule), alpha_bar_gaps(schedule)  # ᾱ and 1 − ᾱ, each to its last digit
    t = len(schedule)
    beta, prev, prev_gap, now_gap = schedule[-1], bars[t - 1 + shift], gaps[t - 1 + shift], gaps[t]
    # √ᾱ_{t−1} β_t/(1 − ᾱ_t),  √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t),  (1 − ᾱ_{t−1}) β_t/(1 − ᾱ_t)
    return (root(prev) * beta / now_gap, root(1 - beta) * prev_gap / now_gap, prev_gap * beta / now_gap)


def posterior(p: dict, swap: bool = False, **variant) -> dict:
    c0, ct, variance = posterior_coefficients(p["betas"], **variant)
    if swap:
        c0, ct = ct, c0
    return {"mean": combine(c0, p["x0"], ct, p["xt"]), "variance": clean(variance)}


def _sample_posterior(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2])
    while True:
        p = {"x0": short_vector(rng, n), "xt": short_vector(rng, n),
             "betas": short_betas(rng, sampling.pick(rng, [2, 2, 3]))}
        c0, ct, _ = posterior_coefficients(p["betas"])
        # swapping the coefficients must move the mean clearly, not by a rounding slip
        if abs(c0 - ct) > 0.1 and all(abs(a - b) >= 0.5 for a, b in zip(p["x0"], p["xt"])):
            return p


def _validate_posterior(p: dict) -> None:
    P.check_keys(p, ("x0", "xt", "betas"))
    n = len(vector(p, "x0"))
    vector(p, "xt", n)
    betas(p, min_length=2)


def _posterior_prompt(p: dict) -> str:
    t = len(p["betas"])
    return "\n".join([
        f"A DDPM's forward process has {betas_text(p['betas'])}. Given $x_0 = {vec(p['x0'], 15)}$ and "
        f"$x_{{{t}}} = {vec(p['xt'], 15)}$,",
        f"give the mean (a vector) and the variance (one number per coordinate, the same for all) of the "
        f"posterior $q(x_{{{t - 1}}} \\mid x_{{{t}}}, x_0)$.",
    ])


def _posterior_solution(p: dict) -> str:
    t = len(p["betas"])
    bars = alpha_bars(p["betas"])
    beta = p["betas"][-1]
    c0, ct, variance = posterior_coefficients(p["betas"])
    right = posterior(p)
    return "\n".join([
        f"$\\alpha_{{{t}}} = 1 - \\beta_{{{t}}} = {num(1 - beta, 6)}$, "
        f"$\\bar\\alpha_{{{t - 1}}} = {num(bars[t - 1], 6)}$, $\\bar\\alpha_{{{t}}} = {num(bars[t], 6)}$",
        r"$\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1 - \bar\alpha_t} x_0 + "
        r"\frac{\sqrt{\alpha_t}\,(1 - \bar\alpha_{t-1})}{1 - \bar\alpha_t} x_t$",
        f"coefficient of $x_0$: $\\frac{{\\sqrt{{{num(bars[t - 1], 6)}}} \\cdot {num(beta)}}}{{1 - {num(bars[t], 6)}}} "
        f"= {num(c0, 6)}$",
        f"coefficient of $x_t$: $\\frac{{\\sqrt{{{num(1 - beta, 6)}}} \\cdot (1 - {num(bars[t - 1], 6)})}}"
        f"{{1 - {num(bars[t], 6)}}} = {num(ct, 6)}$",
        f"mean: ${num(c0, 6)} \\cdot {vec(p['x0'])} + {num(ct, 6)} \\cdot {vec(p['xt'])} = {vec(right['mean'], 6)}$",
        f"variance: $\\tilde\\beta_{{{t}}} = \\frac{{(1 - \\bar\\alpha_{{{t - 1}}})\\,\\beta_{{{t}}}}}{{1 - \\bar\\alpha_{{{t}}}}} = "
        f"\\frac{{(1 - {num(bars[t - 1], 6)}) \\cdot {num(beta)}}}{{1 - {num(bars[t], 6)}}} = {num(variance, 6)}$",
        r"The variance is smaller than $\beta_t$: knowing $x_0$ pins $x_{t-1}$ down more than one noising step spreads it.",
    ])


POSTERIOR = Generator(
    id="diffusion.posterior",
    title="The forward posterior q(x_{t-1} | x_t, x_0): mean and variance",
    answer_kind=Parts({"mean": Vector(), "variance": Real()}),
    sample_params=_sample_posterior,
    validate_params=_validate_posterior,
    solve=posterior,
    prompt=_posterior_prompt,
    solution=_posterior_solution,
    hints=lambda p: [r"You need $\alpha_t$, $\bar\alpha_{t-1}$ and $\bar\alpha_t$; work them out first.",
                     r"$x_0$ is weighted by $\sqrt{\bar\alpha_{t-1}}\,\beta_t/(1 - \bar\alpha_t)$, $x_t$ by "
                     r"$\sqrt{\alpha_t}(1 - \bar\alpha_{t-1})/(1 - \bar\alpha_t)$; the variance is "
                     r"$(1 - \bar\alpha_{t-1})\beta_t/(1 - \bar\alpha_t)$."],
    mistakes=(
        Mistake("alpha-bar-off-by-one", r"The posterior of $x_{t-1}$ uses $\bar\alpha_{t-1}$ (one factor "
                r"fewer) beside $\bar\alpha_t$; you used $\bar\alpha_t$ in both places.",
                lambda p: posterior(p, shift=1)),
        Mistake("coefficients-swapped", r"$x_0$ gets $\sqrt{\bar\alpha_{t-1}}\,\beta_t/(1 - \bar\alpha_t)$ and "
                r"$x_t$ gets $\sqrt{\alpha_t}(1 - \bar\alpha_{t-1})/(1 - \bar\alpha_t)$; you swapped them.",
                lambda p: {"mean": posterior(p, swap=True)["mean"]}),
        Mistake("forgot-sqrt", r"The mean's coefficients carry square roots: $\sqrt{\bar\alpha_{t-1}}$ and "
                r"$\sqrt{\alpha_t}$.", lambda p: {"mean": posterior(p, root=lambda v: v)["mean"]}),
        Mistake("variance-is-beta", r"$\beta_t$ is the variance of the forward step $q(x_t \mid x_{t-1})$ "
                r"(and a common choice of $\sigma_t^2$ when sampling); the posterior's variance is "
                r"$\tilde\beta_t = (1 - \bar\alpha_{t-1})\beta_t/(1 - \bar\alpha_t)$.",
                lambda p: {"variance": p["betas"][-1]}),
    ),
    tags=("diffusion", "posterior"),
    difficulty=2,
)


# --- diffusion.reverse-step ------------------------------------------------------------------


def reverse_step(p: dict, *, bar_for_alpha: bool = False, eps_root: bool = True, divide: bool = True,
                 sigma=math.sqrt, noise: bool | None = None, beta_for_bar: bool = False) -> list[float]:
    """One step of DDPM sampling; the keywords replay the mistakes."""
    schedule = p["betas"]
    t = len(schedule)
    beta = schedule[-1]
    alpha = 1 - beta
    bar = alpha_bars(schedule)[-1]
    one_minus = beta if beta_for_bar else 1 - bar
    # μ_θ = (x_t − β_t/√(1 − ᾱ_t) ε_θ)/√α_t
    eps_coef = beta / (math.sqrt(one_minus) if eps_root else one_minus)
    inv = 1 / math.sqrt(bar if bar_for_alpha else alpha) if divide else 1.0
    mean = combine(inv, p["xt"], -inv * eps_coef, p["eps"])
    # + σ_t z with σ_t = √β_t, except at t = 1 (z = 0)
    add_noise = t > 1 if noise is None else noise
    return combine(1.0, mean, sigma(beta), p["z"]) if add_noise else mean


def _sample_reverse(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2, 3])
    return {"xt": short_vector(rng, n), "eps": short_vector(rng, n, -1.5, 1.5), "z": short_vector(rng, n, -1.5, 1.5),
            "betas": short_betas(rng, sampling.pick(rng, [1, 1, 2, 3]))}


def _validate_reverse(p: dict) -> None:
    P.check_keys(p, ("xt", "eps", "z", "betas"))
    n = len(vector(p, "xt"))
    vector(p, "eps", n)
    vector(p, "z", n)
    betas(p)


def _reverse_prompt(p: dict) -> str:
    t = len(p["betas"])
    return "\n".join([
        f"A DDPM sampler (ancestral sampling, $\\sigma_t^2 = \\beta_t$) is at step $t = {t}$ with "
        f"{betas_text(p['betas'])}.",
        f"The current sample is $x_{{{t}}} = {vec(p['xt'], 15)}$ and the network predicts the noise "
        f"$\\epsilon_\\theta(x_{{{t}}}, {t}) = {vec(p['eps'], 15)}$.",
        f"The sampler's standard normal draw for this step is $z = {vec(p['z'], 15)}$. Give $x_{{{t - 1}}}$.",
    ])


def _reverse_solution(p: dict) -> str:
    t = len(p["betas"])
    beta = p["betas"][-1]
    bar = alpha_bars(p["betas"])[-1]
    coef = beta / math.sqrt(1 - bar)
    mean = reverse_step(p, noise=False)
    lines = [r"$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\left(x_t - \frac{\beta_t}{\sqrt{1 - \bar\alpha_t}}\, "
             r"\epsilon_\theta(x_t, t)\right) + \sigma_t z$, with $z = 0$ at $t = 1$",
             f"$\\alpha_{{{t}}} = {num(1 - beta, 6)}$, $\\bar\\alpha_{{{t}}} = {num(bar, 6)}$, "
             f"$\\frac{{\\beta_{{{t}}}}}{{\\sqrt{{1 - \\bar\\alpha_{{{t}}}}}}} = \\frac{{{num(beta)}}}{{{num(math.sqrt(1 - bar), 6)}}} "
             f"= {num(coef, 6)}$",
             f"mean: $({vec(p['xt'])} - {num(coef, 6)} \\cdot {vec(p['eps'])}) / {num(math.sqrt(1 - beta), 6)} "
             f"= {vec(mean, 6)}$"]
    if t > 1:
        lines.append(f"noise: $\\sigma_{{{t}}} z = \\sqrt{{{num(beta)}}} \\cdot {vec(p['z'])} = "
                     f"{vec([math.sqrt(beta) * v for v in p['z']], 6)}$")
        lines.append(f"$x_{{{t - 1}}} = {vec(reverse_step(p), 6)}$")
    else:
        lines.append(f"At $t = 1$ the last step returns the mean: no noise is added (the drawn $z$ is not used), "
                     f"so $x_0 = {vec(mean, 6)}$.")
    return "\n".join(lines)


def _if_noisy(p: dict, value):
    return value if len(p["betas"]) > 1 else None


REVERSE_STEP = Generator(
    id="diffusion.reverse-step",
    title="One DDPM sampling step in the epsilon-parameterisation",
    answer_kind=Vector(),
    sample_params=_sample_reverse,
    validate_params=_validate_reverse,
    solve=reverse_step,
    prompt=_reverse_prompt,
    solution=_reverse_solution,
    hints=lambda p: [r"Compute $\alpha_t$ and $\bar\alpha_t$ first; the mean is "
                     r"$(x_t - \beta_t \epsilon_\theta/\sqrt{1 - \bar\alpha_t})/\sqrt{\alpha_t}$.",
                     r"Noise $\sigma_t z$ with $\sigma_t = \sqrt{\beta_t}$ is added at every step except the last ($t = 1$)."],
    mistakes=(
        Mistake("noise-at-last-step", r"At $t = 1$ DDPM's sampler adds no noise: $x_0$ is the mean "
                r"$\mu_\theta(x_1, 1)$ (noise there would only blur the final sample).",
                lambda p: reverse_step(p, noise=True) if len(p["betas"]) == 1 else None),
        Mistake("forgot-noise", r"Before the last step the sampler adds $\sigma_t z$ with $\sigma_t = \sqrt{\beta_t}$.",
                lambda p: _if_noisy(p, reverse_step(p, noise=False))),
        Mistake("std-as-variance", r"$\sigma_t^2 = \beta_t$ is the variance: the noise is scaled by "
                r"$\sigma_t = \sqrt{\beta_t}$, not by $\beta_t$.", lambda p: _if_noisy(p, reverse_step(p, sigma=lambda b: b))),
        Mistake("alpha-bar-for-alpha", r"The division is by $\sqrt{\alpha_t}$ of this step alone, "
                r"not by $\sqrt{\bar\alpha_t}$.", lambda p: _if_noisy(p, reverse_step(p, bar_for_alpha=True))),
        Mistake("beta-for-one-minus-alpha-bar", r"The noise coefficient is $\beta_t/\sqrt{1 - \bar\alpha_t}$: "
                r"$1 - \bar\alpha_t$ (all steps' noise), not $\beta_t$ (this step's).",
                lambda p: _if_noisy(p, reverse_step(p, beta_for_bar=True))),
        Mistake("forgot-sqrt", r"Divide $\beta_t$ by $\sqrt{1 - \bar\alpha_t}$, the standard deviation of the "
                r"noise in $x_t$, not by $1 - \bar\alpha_t$.", lambda p: reverse_step(p, eps_root=False)),
        Mistake("forgot-one-over-sqrt-alpha", r"The bracket is divided by $\sqrt{\alpha_t}$: each forward "
                r"step shrank the signal by that factor.", lambda p: reverse_step(p, divide=False)),
    ),
    tags=("diffusion", "sampling"),
    difficulty=2,
)

GENERATORS = [POSTERIOR, REVERSE_STEP]
