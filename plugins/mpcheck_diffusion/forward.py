"""The forward (noising) process in closed form, and what the network is trained on.

    q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)              one jump from x_0 to any t
    x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε,   ε ∼ N(0, I)          the reparameterised sample
    L_simple = ‖ε − ε_θ(x_t, t)‖²                          the network predicts the noise ε
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
    paren,
    probability,
    root,
    scale,
    short_betas,
    short_vector,
    vector,
)

# --- diffusion.forward-marginal --------------------------------------------------------------


def marginal(p: dict, mean_root: bool = True, variance_root: bool = False) -> dict:
    """Mean and variance of q(x_t | x_0); the switches replay the mistakes."""
    a = alpha_bars(p["betas"])[-1]
    # mean √ᾱ_t x_0, variance 1 − ᾱ_t (per coordinate)
    mean = scale(math.sqrt(a) if mean_root else a, p["x0"])
    gap = alpha_bar_gaps(p["betas"])[-1]  # 1 − ᾱ_t
    variance = math.sqrt(gap) if variance_root else gap
    return {"mean": mean, "variance": clean(variance)}


def _one_step(p: dict) -> dict | None:
    # q(x_t | x_{t−1}) read as if x_{t−1} were x_0: mean √α_t x_0, variance β_t
    if len(p["betas"]) == 1:
        return None
    beta = p["betas"][-1]
    return {"mean": scale(math.sqrt(1 - beta), p["x0"]), "variance": beta}


def _sample_marginal(rng) -> dict:
    t = sampling.pick(rng, [2, 2, 3, 3, 4])
    return {"x0": short_vector(rng, sampling.pick(rng, [1, 2, 2, 3])), "betas": short_betas(rng, t)}


def _validate_marginal(p: dict) -> None:
    P.check_keys(p, ("x0", "betas"))
    vector(p, "x0")
    betas(p)


def _marginal_prompt(p: dict) -> str:
    t = len(p["betas"])
    return "\n".join([
        r"The forward process adds noise step by step, $q(x_s \mid x_{s-1}) = "
        r"\mathcal{N}(\sqrt{1 - \beta_s}\, x_{s-1}, \beta_s I)$, with " + betas_text(p["betas"]) + ".",
        f"Starting from $x_0 = {vec(p['x0'], 15)}$, give the mean (a vector) and the variance (one number, the "
        f"same for every coordinate) of $q(x_{{{t}}} \\mid x_0)$.",
    ])


def _marginal_solution(p: dict) -> str:
    t = len(p["betas"])
    a = alpha_bars(p["betas"])[-1]
    right = marginal(p)
    factors = r" \cdot ".join(f"(1 - {num(b)})" for b in p["betas"])
    return "\n".join([
        r"Composing the Gaussian steps gives $q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, "
        r"(1 - \bar\alpha_t) I)$ with $\bar\alpha_t = \prod_{s \le t} (1 - \beta_s)$.",
        f"$\\bar\\alpha_{{{t}}} = {factors} = {num(a, 6)}$",
        f"mean: $\\sqrt{{\\bar\\alpha_{{{t}}}}}\\, x_0 = {num(math.sqrt(a), 6)} \\cdot {vec(p['x0'])} = {vec(right['mean'], 6)}$",
        f"variance: $1 - \\bar\\alpha_{{{t}}} = {num(right['variance'], 6)}$ (standard deviation "
        f"${root(right['variance'])}$)",
        r"The signal shrinks by $\sqrt{\bar\alpha_t}$ exactly as fast as noise grows, so that a unit-variance "
        r"$x_0$ keeps unit variance: $\bar\alpha_t + (1 - \bar\alpha_t) = 1$.",
    ])


FORWARD_MARGINAL = Generator(
    id="diffusion.forward-marginal",
    title="The forward marginal q(x_t | x_0): mean and variance",
    answer_kind=Parts({"mean": Vector(), "variance": Real()}),
    sample_params=_sample_marginal,
    validate_params=_validate_marginal,
    solve=marginal,
    prompt=_marginal_prompt,
    solution=_marginal_solution,
    hints=lambda p: [r"$\bar\alpha_t = \prod_{s=1}^{t} (1 - \beta_s)$.",
                     r"$q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, (1 - \bar\alpha_t) I)$: "
                     r"a square root on the mean's coefficient, none on the variance."],
    mistakes=(
        Mistake("one-step-only", r"That is the one-step kernel $q(x_t \mid x_{t-1})$ (mean $\sqrt{\alpha_t}\,"
                r"x_{t-1}$, variance $\beta_t$); from $x_0$ the steps compose into $\bar\alpha_t$.", _one_step),
        Mistake("coefficients-swapped", r"The mean keeps $\sqrt{\bar\alpha_t}$ of $x_0$ and the variance is "
                r"$1 - \bar\alpha_t$, not the other way round.",
                lambda p: {"mean": scale(math.sqrt(1 - alpha_bars(p["betas"])[-1]), p["x0"]),
                           "variance": clean(alpha_bars(p["betas"])[-1])}),
        Mistake("variance-sum-of-betas", r"The variances do not simply add up: each step also shrinks the "
                r"noise already there by $1 - \beta_s$; the variance is $1 - \bar\alpha_t$.",
                lambda p: {"variance": clean(sum(p["betas"]))} if len(p["betas"]) > 1 else None),
        Mistake("mean-without-sqrt", r"The mean is $\sqrt{\bar\alpha_t}\, x_0$: you forgot the square root.",
                lambda p: {"mean": marginal(p, mean_root=False)["mean"]}),
        Mistake("std-not-variance", r"You gave the standard deviation $\sqrt{1 - \bar\alpha_t}$; the variance "
                r"is $1 - \bar\alpha_t$.", lambda p: {"variance": marginal(p, variance_root=True)["variance"]}),
    ),
    tags=("diffusion", "forward-process"),
)


# --- diffusion.noisy-sample ------------------------------------------------------------------

def noisy(p: dict, signal=math.sqrt, noise=math.sqrt, swap: bool = False) -> list[float]:
    a = p["alpha_bar"]
    c_signal, c_noise = signal(a), noise(1 - a)
    if swap:
        c_signal, c_noise = c_noise, c_signal
    # x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε
    return combine(c_signal, p["x0"], c_noise, p["eps"])


ALPHA_BARS = [0.36, 0.64, 0.81, 0.19, 0.9, 0.75, 0.3]


def _sample_noisy(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 3])
    return {"x0": short_vector(rng, n), "eps": short_vector(rng, n), "alpha_bar": sampling.pick(rng, ALPHA_BARS)}


def _validate_noisy(p: dict) -> None:
    P.check_keys(p, ("x0", "eps", "alpha_bar"))
    n = len(vector(p, "x0"))
    vector(p, "eps", n)
    probability(p, "alpha_bar")


def _noisy_prompt(p: dict) -> str:
    return "\n".join([
        f"At a timestep with $\\bar\\alpha_t = {num(p['alpha_bar'], 15)}$, the forward process is sampled in one "
        f"jump from $x_0 = {vec(p['x0'], 15)}$ with the standard normal draw $\\epsilon = {vec(p['eps'], 15)}$.",
        r"Give $x_t$.",
    ])


def _noisy_solution(p: dict) -> str:
    a = p["alpha_bar"]
    return "\n".join([
        r"$x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \epsilon$, the reparameterisation of "
        r"$q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, (1 - \bar\alpha_t) I)$",
        f"${root(a)}$, $\\sqrt{{1 - {num(a)}}} = {num(math.sqrt(1 - a), 6)}$",
        f"$x_t = {num(math.sqrt(a), 6)} \\cdot {vec(p['x0'])} + {num(math.sqrt(1 - a), 6)} \\cdot {vec(p['eps'])} "
        f"= {vec(noisy(p), 6)}$",
    ])


NOISY_SAMPLE = Generator(
    id="diffusion.noisy-sample",
    title="A noisy sample x_t from x_0 in one jump",
    answer_kind=Vector(),
    sample_params=_sample_noisy,
    validate_params=_validate_noisy,
    solve=noisy,
    prompt=_noisy_prompt,
    solution=_noisy_solution,
    hints=lambda p: [r"$x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \epsilon$: both "
                     r"coefficients are square roots, and their squares add up to 1."],
    mistakes=(
        Mistake("forgot-sqrt", r"Both coefficients are square roots: $\sqrt{\bar\alpha_t}$ and "
                r"$\sqrt{1 - \bar\alpha_t}$ (they are standard deviations and scales, not variances).",
                lambda p: noisy(p, signal=lambda a: a, noise=lambda a: a)),
        Mistake("forgot-sqrt-on-noise", r"The noise is scaled by the standard deviation "
                r"$\sqrt{1 - \bar\alpha_t}$, not by the variance $1 - \bar\alpha_t$.",
                lambda p: noisy(p, noise=lambda a: a)),
        Mistake("coefficients-swapped", r"$x_0$ keeps $\sqrt{\bar\alpha_t}$ and the noise gets "
                r"$\sqrt{1 - \bar\alpha_t}$, not the other way round.", lambda p: noisy(p, swap=True)),
        Mistake("noise-not-scaled", r"Scale the noise too: $\sqrt{1 - \bar\alpha_t}\, \epsilon$.",
                lambda p: noisy(p, noise=lambda a: 1.0)),
        Mistake("signal-not-scaled", r"Scale the signal too: $\sqrt{\bar\alpha_t}\, x_0$; otherwise the "
                r"variance grows instead of staying 1.", lambda p: noisy(p, signal=lambda a: 1.0)),
    ),
    tags=("diffusion", "forward-process"),
)


# --- diffusion.training-target ---------------------------------------------------------------

# (√ᾱ, √(1 − ᾱ)) with both roots short decimals, so that x_t can be shown exactly
ROOT_PAIRS = [(0.6, 0.8), (0.8, 0.6), (0.28, 0.96), (0.96, 0.28)]


def target(p: dict, root_=math.sqrt, divide: bool = True) -> list[float]:
    a = p["alpha_bar"]
    # ε = (x_t − √ᾱ_t x_0)/√(1 − ᾱ_t): solve the forward sample for the noise
    residual = combine(1.0, p["xt"], -root_(a), p["x0"])
    return scale(1 / root_(1 - a), residual) if divide else residual


def simple_loss(eps: list[float], pred: list[float], square: bool = True, mean: bool = False) -> float:
    # ‖ε − ε_θ‖² = Σ_i (ε_i − ε_θ,i)²
    total = sum((e - q) ** 2 for e, q in zip(eps, pred))
    value = total if square else math.sqrt(total)
    return clean(value / len(eps) if mean else value)


def training(p: dict, **variant) -> dict:
    eps = target(p, **variant)
    return {"target": eps, "loss": simple_loss(eps, p["eps_pred"])}


def _sample_training(rng) -> dict:
    n = sampling.pick(rng, [2, 2, 3])
    s, c = sampling.pick(rng, ROOT_PAIRS)
    x0, eps = short_vector(rng, n), short_vector(rng, n)
    pred = [round(e + sampling.pick(rng, [-0.3, -0.2, -0.1, 0.1, 0.2, 0.3]), 4) for e in eps]
    return {"x0": x0, "xt": combine(s, x0, c, eps), "alpha_bar": round(s * s, 6), "eps_pred": pred}


def _validate_training(p: dict) -> None:
    P.check_keys(p, ("x0", "xt", "alpha_bar", "eps_pred"))
    n = len(vector(p, "x0"))
    vector(p, "xt", n)
    vector(p, "eps_pred", n)
    probability(p, "alpha_bar")


def _training_prompt(p: dict) -> str:
    return "\n".join([
        r"A DDPM in the $\epsilon$-parameterisation is trained on $x_t = \sqrt{\bar\alpha_t}\, x_0 + "
        r"\sqrt{1 - \bar\alpha_t}\, \epsilon$ with the simple loss $\|\epsilon - \epsilon_\theta(x_t, t)\|^2$.",
        f"One training example has $x_0 = {vec(p['x0'], 15)}$, $\\bar\\alpha_t = {num(p['alpha_bar'], 15)}$ and "
        f"$x_t = {vec(p['xt'], 15)}$; the network outputs $\\epsilon_\\theta(x_t, t) = {vec(p['eps_pred'], 15)}$.",
        r"Give the regression target (the noise $\epsilon$ the network should predict) and the loss "
        r"(the squared norm, summed over the coordinates).",
    ])


def _training_solution(p: dict) -> str:
    a = p["alpha_bar"]
    right = training(p)
    diff = [e - q for e, q in zip(right["target"], p["eps_pred"])]
    return "\n".join([
        r"Solve the forward sample for the noise: $\epsilon = (x_t - \sqrt{\bar\alpha_t}\, x_0)/\sqrt{1 - \bar\alpha_t}$",
        f"${root(a)}$, $\\sqrt{{1 - {num(a)}}} = {num(math.sqrt(1 - a), 6)}$",
        f"$\\epsilon = ({vec(p['xt'])} - {num(math.sqrt(a), 6)} \\cdot {vec(p['x0'])}) / {num(math.sqrt(1 - a), 6)} "
        f"= {vec(right['target'], 6)}$",
        f"$\\epsilon - \\epsilon_\\theta = {vec(diff, 6)}$, "
        f"$\\|\\epsilon - \\epsilon_\\theta\\|^2 = {' + '.join(f'{paren(d)}^2' for d in diff)} = {num(right['loss'], 6)}$",
        r"The target is the noise, not the image: predicting $\epsilon$ gives the mean of the reverse step "
        r"$\mu_\theta = (x_t - \beta_t \epsilon_\theta/\sqrt{1 - \bar\alpha_t})/\sqrt{\alpha_t}$.",
    ])


TRAINING_TARGET = Generator(
    id="diffusion.training-target",
    title="The training target and simple loss of an epsilon-prediction DDPM",
    answer_kind=Parts({"target": Vector(), "loss": Real()}),
    sample_params=_sample_training,
    validate_params=_validate_training,
    solve=training,
    prompt=_training_prompt,
    solution=_training_solution,
    hints=lambda p: [r"Invert $x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \epsilon$ for $\epsilon$.",
                     r"The loss is $\sum_i (\epsilon_i - \epsilon_{\theta,i})^2$."],
    mistakes=(
        Mistake("target-is-x0", r"In the $\epsilon$-parameterisation the network predicts the noise "
                r"$\epsilon$, not the clean image $x_0$.",
                lambda p: {"target": list(p["x0"]), "loss": simple_loss(p["x0"], p["eps_pred"])}),
        Mistake("forgot-division", r"After subtracting $\sqrt{\bar\alpha_t}\, x_0$, divide by "
                r"$\sqrt{1 - \bar\alpha_t}$: the noise in $x_t$ is scaled.", lambda p: training(p, divide=False)),
        Mistake("forgot-sqrt", r"The coefficients are $\sqrt{\bar\alpha_t}$ and $\sqrt{1 - \bar\alpha_t}$, "
                r"not $\bar\alpha_t$ and $1 - \bar\alpha_t$.", lambda p: training(p, root_=lambda v: v)),
        Mistake("loss-mean-not-sum", r"The question asks for the squared norm, summed over the coordinates "
                r"(code often averages instead, which only rescales the loss).",
                lambda p: {"loss": simple_loss(target(p), p["eps_pred"], mean=True)}),
        Mistake("loss-not-squared", r"The loss is the squared norm $\|\epsilon - \epsilon_\theta\|^2$.",
                lambda p: {"loss": simple_loss(target(p), p["eps_pred"], square=False)}),
    ),
    tags=("diffusion", "training"),
    difficulty=2,
)

GENERATORS = [FORWARD_MARGINAL, NOISY_SAMPLE, TRAINING_TARGET]
