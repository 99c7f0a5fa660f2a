"""The VAE objective from its pieces: the ELBO's two terms (vae.elbo-terms) and the β-VAE loss
(vae.beta-vae-loss), with the prior p(z) = N(0, I) and the encoder's q(z|x) = N(μ, diag σ²).

    ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z))        (maximised; the loss is −ELBO)
    β-VAE loss = −E_q[log p(x|z)] + β · KL(q(z|x) ‖ p(z))

The reconstruction term is estimated with the one sample of z the prompt decodes, as in training.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, paren
from mpcheck_vae.gaussians import kl_from_standard, kl_to_standard, means, sigmas

LOG_2PI = math.log(2 * math.pi)
DECODERS = ("bernoulli", "gaussian")
MAX_PIXELS = 16
#: Bernoulli means this close to 0 or 1 make log(1 − x̂) or log x̂ meaningless in a short exercise
SMALLEST_PROBABILITY = 1e-9


def kl_lines(mu: list[float], sigma: list[float]) -> list[str]:
    """−KL(q ‖ N(0, I)) = ½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), one coordinate per line."""
    lines = [r"$$\mathrm{KL}(q(z|x) \,\|\, \mathcal{N}(0, I)) = -\frac{1}{2}\sum_{j} "
             r"\left(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\right)$$"]
    terms = []
    for j, (m, s) in enumerate(zip(mu, sigma), start=1):
        term = 1 + math.log(s * s) - m * m - s * s
        terms.append(term)
        lines.append(f"$j = {j}$: $1 + \\log {paren(s)}^2 - {paren(m)}^2 - {paren(s)}^2 = {num(term, 6)}$")
    total = f"({' + '.join(paren(t, 6) for t in terms)})" if len(terms) > 1 else f"\\cdot {paren(terms[0], 6)}"
    lines.append(f"$\\mathrm{{KL}} = -\\frac{{1}}{{2}} {total} = {num(kl_to_standard(mu, sigma), 6)}$")
    return lines


def _kl_mistakes(kl_part: str, rebuild):
    """The KL slips, each with the dependent parts recomputed by ``rebuild(p, wrong_kl)``."""
    def slip(wrong):
        return lambda p: rebuild(p, wrong(p))

    mu_sigma = lambda f: slip(lambda p: f(p["mu"], p["sigma"]))  # noqa: E731
    return (
        Mistake("kl-direction-swapped", f"Your {kl_part} is $\\mathrm{{KL}}(p(z) \\,\\|\\, q(z|x))$: the ELBO "
                "subtracts $\\mathrm{KL}(q(z|x) \\,\\|\\, p(z))$, the expectation taken under the encoder's $q$.",
                mu_sigma(kl_from_standard)),
        Mistake("kl-sigma-for-variance", f"In the {kl_part} you used $\\sigma$ where the formula has the "
                "variance $\\sigma^2$: square the standard deviations.",
                mu_sigma(lambda m, s: kl_to_standard(m, s, variance=lambda v: v))),
        Mistake("kl-dropped-the-half", f"Your {kl_part} is twice too large: "
                "$-\\mathrm{KL} = \\frac{1}{2}\\sum_j (1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2)$, "
                "mind the $\\frac{1}{2}$.", mu_sigma(lambda m, s: kl_to_standard(m, s, scale=1.0))),
    )


# ---------------------------------------------------------------------------------------------
# ELBO terms
# ---------------------------------------------------------------------------------------------

ELBO_KIND = Parts({"reconstruction": Real(), "kl": Real(), "elbo": Real()})


def log_likelihood(p: dict, *, zero_pixels: bool = True, constant: bool = True) -> float:
    x, x_hat = p["x"], p["x_hat"]
    if p["decoder"] == "bernoulli":
        # log p(x|z) = Σ_i x_i log x̂_i + (1 − x_i) log(1 − x̂_i)
        return sum(xi * math.log(h) + ((1 - xi) * math.log(1 - h) if zero_pixels else 0.0)
                   for xi, h in zip(x, x_hat))
    # log N(x; x̂, I) = −½ Σ_i (x_i − x̂_i)² − (D/2) log 2π
    return -0.5 * sum((xi - h) ** 2 for xi, h in zip(x, x_hat)) - (len(x) / 2 * LOG_2PI if constant else 0.0)


def _terms(p: dict, reconstruction: float | None = None, kl: float | None = None) -> dict:
    rec = log_likelihood(p) if reconstruction is None else reconstruction
    kl = kl_to_standard(p["mu"], p["sigma"]) if kl is None else kl
    # ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z))
    return {"reconstruction": rec, "kl": kl, "elbo": rec - kl}


def _solve_elbo(p: dict) -> dict:
    return _terms(p)


def _sample_elbo(rng) -> dict:
    decoder = sampling.pick(rng, list(DECODERS))
    n, d = sampling.pick(rng, [3, 4]), sampling.pick(rng, [1, 2, 2])
    if decoder == "bernoulli":
        # a binary image with both values, so that both halves of the likelihood matter
        while True:
            x = sampling.ints(rng, 0, 1, n)
            if 0 < sum(x) < n:
                break
        x_hat = [sampling.decimals(rng, 0.6, 0.9, 1) if xi else sampling.decimals(rng, 0.1, 0.4, 1) for xi in x]
    else:
        x = sampling.decimals(rng, -1, 1, 1, n)
        x_hat = [round(v + sampling.decimals(rng, -0.5, 0.5, 1), 1) for v in x]
    return {"decoder": decoder, "x": [float(v) if decoder == "gaussian" else int(v) for v in x],
            "x_hat": x_hat, "mu": sampling.decimals(rng, -1.5, 1.5, 1, d),
            "sigma": [sampling.pick(rng, [0.5, 0.8, 1.2, 1.5, 0.4, 0.6, 2.0]) for _ in range(d)]}


def _validate_elbo(p: dict) -> None:
    P.check_keys(p, ("decoder", "x", "x_hat", "mu", "sigma"))
    decoder = P.one_of(p, "decoder", DECODERS)
    x = P.vector(p, "x", max_length=MAX_PIXELS)
    x_hat = P.vector(p, "x_hat", len(x))
    d = len(means(p, "mu"))
    sigmas(p, "sigma", d)
    if decoder == "bernoulli":
        if any(v not in (0, 1) for v in x):
            raise ParamsError("params: a Bernoulli decoder models binary pixels: 'x' must hold 0s and 1s")
        if any(not SMALLEST_PROBABILITY <= h <= 1 - SMALLEST_PROBABILITY for h in x_hat):
            raise ParamsError("params: 'x_hat' holds the decoder's Bernoulli means: each must lie strictly "
                              f"between 0 and 1 (within [{SMALLEST_PROBABILITY:g}, 1 − {SMALLEST_PROBABILITY:g}])")
    elif any(abs(v) > 1e3 for v in x + x_hat):
        raise ParamsError("params: 'x' and 'x_hat' entries must lie in [−1000, 1000]")


def _decoder_text(p: dict) -> str:
    if p["decoder"] == "bernoulli":
        return (f"The decoder models each pixel as a Bernoulli variable; for one sample $z \\sim q(z|x)$ "
                f"it outputs the means $\\hat{{x}} = {exact_vec(p['x_hat'])}$.")
    return (f"The decoder is Gaussian with unit variance, $p(x|z) = \\mathcal{{N}}(\\hat{{x}}, I)$; for one "
            f"sample $z \\sim q(z|x)$ it outputs $\\hat{{x}} = {exact_vec(p['x_hat'])}$.")


def _prompt_elbo(p: dict) -> str:
    return "\n".join([
        f"A VAE with prior $p(z) = \\mathcal{{N}}(0, I)$ encodes the input $x = {exact_vec(p['x'])}$ as "
        f"$q(z|x) = \\mathcal{{N}}(\\mu, \\operatorname{{diag}}(\\sigma^2))$ with $\\mu = {exact_vec(p['mu'])}$ "
        f"and $\\sigma = {exact_vec(p['sigma'])}$ (standard deviations).",
        _decoder_text(p),
        "Using that one sample to estimate $\\mathbb{E}_{q}[\\log p(x|z)]$, give the reconstruction term "
        "(part reconstruction), $\\mathrm{KL}(q(z|x) \\,\\|\\, p(z))$ (part kl) and the ELBO (part elbo), in nats.",
    ])


def _reconstruction_lines(p: dict) -> list[str]:
    x, x_hat = p["x"], p["x_hat"]
    rec = log_likelihood(p)
    if p["decoder"] == "bernoulli":
        pieces = [f"\\log {exact(h)}" if xi else f"\\log(1 - {exact(h)})" for xi, h in zip(x, x_hat)]
        return ["Bernoulli likelihood: $\\log p(x|z) = \\sum_i x_i \\log\\hat{x}_i + (1 - x_i)\\log(1 - \\hat{x}_i)$; "
                "each pixel contributes the log-probability of its own value:",
                f"$\\log p(x|z) = {' + '.join(pieces)} = {num(rec, 6)}$"]
    squares = sum((xi - h) ** 2 for xi, h in zip(x, x_hat))
    pieces = [f"({exact(xi)} - {paren(h)})^2" for xi, h in zip(x, x_hat)]
    return ["Gaussian likelihood with unit variance: $\\log p(x|z) = -\\frac{1}{2}\\sum_i (x_i - \\hat{x}_i)^2 "
            "- \\frac{D}{2}\\log 2\\pi$ with $D$ the number of pixels:",
            f"$\\sum_i (x_i - \\hat{{x}}_i)^2 = {' + '.join(pieces)} = {num(squares, 6)}$",
            f"$\\log p(x|z) = -\\frac{{1}}{{2}} \\cdot {num(squares, 6)} - \\frac{{{len(x)}}}{{2}}\\log 2\\pi = {num(rec, 6)}$"]


def _solution_elbo(p: dict) -> str:
    t = _terms(p)
    return "\n".join([
        *_reconstruction_lines(p),
        "KL to the standard normal prior, coordinate by coordinate:",
        *kl_lines(p["mu"], p["sigma"]),
        f"$\\mathrm{{ELBO}} = \\mathbb{{E}}_q[\\log p(x|z)] - \\mathrm{{KL}} = {num(t['reconstruction'], 6)} - "
        f"{paren(t['kl'], 6)} = {num(t['elbo'], 6)}$",
        "The ELBO is maximised in training (the loss is its negative); it bounds $\\log p(x)$ from below.",
    ])


def _elbo_rebuild(p: dict, wrong_kl: float) -> dict:
    return {"kl": wrong_kl, "elbo": log_likelihood(p) - wrong_kl}


def _reconstruction_slip(p: dict, **switches) -> dict | None:
    rec = log_likelihood(p, **switches)
    return {"reconstruction": rec, "elbo": rec - kl_to_standard(p["mu"], p["sigma"])}


ELBO_TERMS = Generator(
    id="vae.elbo-terms",
    title="The two terms of the ELBO",
    answer_kind=ELBO_KIND,
    sample_params=_sample_elbo,
    validate_params=_validate_elbo,
    solve=_solve_elbo,
    prompt=_prompt_elbo,
    solution=_solution_elbo,
    hints=lambda p: [
        "$\\mathrm{ELBO} = \\mathbb{E}_q[\\log p(x|z)] - \\mathrm{KL}(q(z|x) \\,\\|\\, p(z))$: reconstruction minus regulariser.",
        "Against $\\mathcal{N}(0, I)$: $\\mathrm{KL} = -\\frac{1}{2}\\sum_j (1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2)$."],
    mistakes=(
        Mistake("kl-added", "The ELBO subtracts the KL term: $\\mathrm{ELBO} = \\mathbb{E}_q[\\log p(x|z)] - "
                "\\mathrm{KL}(q(z|x) \\,\\|\\, p(z))$.",
                lambda p: {"elbo": _terms(p)["reconstruction"] + _terms(p)["kl"]}),
        *_kl_mistakes("KL", _elbo_rebuild),
        Mistake("reconstruction-as-loss", "Your reconstruction term has the wrong sign: it is the "
                "log-likelihood $\\log p(x|z)$ (at most 0 for binary pixels), not the loss $-\\log p(x|z)$.",
                lambda p: {"reconstruction": -log_likelihood(p), "elbo": -log_likelihood(p) - _terms(p)["kl"]}),
        Mistake("dropped-zero-pixels", "You only counted the pixels equal to 1: a pixel with $x_i = 0$ "
                "contributes $\\log(1 - \\hat{x}_i)$.",
                lambda p: _reconstruction_slip(p, zero_pixels=False) if p["decoder"] == "bernoulli" else None),
        Mistake("dropped-gaussian-constant", "You left out $-\\frac{D}{2}\\log 2\\pi$: the log-density of a "
                "Gaussian has a normalising constant (it does not change the gradients, but it is part of "
                "the value).",
                lambda p: _reconstruction_slip(p, constant=False) if p["decoder"] == "gaussian" else None),
    ),
    tags=("elbo", "kl"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# β-VAE loss
# ---------------------------------------------------------------------------------------------

BETAS = [0.5, 2.0, 4.0, 0.1, 10.0, 5.0]


def beta_loss(p: dict, kl: float | None = None, *, kl_weight: float | None = None,
              reconstruction_weight: float = 1.0) -> float:
    """The loss; other weights than (1, β) replay the mistakes."""
    kl = kl_to_standard(p["mu"], p["sigma"]) if kl is None else kl
    kl_weight = p["beta"] if kl_weight is None else kl_weight
    # L = −E_q[log p(x|z)] + β · KL(q(z|x) ‖ p(z))
    return reconstruction_weight * p["reconstruction_loss"] + kl_weight * kl


def _sample_beta(rng) -> dict:
    d = sampling.pick(rng, [1, 2, 2, 3])
    return {"reconstruction_loss": sampling.decimals(rng, 5, 80, 1), "beta": sampling.pick(rng, BETAS),
            "mu": sampling.decimals(rng, -1.5, 1.5, 1, d),
            "sigma": [sampling.pick(rng, [0.5, 0.8, 1.2, 1.5, 0.4, 0.6, 2.0]) for _ in range(d)]}


def _validate_beta(p: dict) -> None:
    P.check_keys(p, ("reconstruction_loss", "beta", "mu", "sigma"))
    P.real(p, "reconstruction_loss", -1e6, 1e6)
    P.real(p, "beta", 0, 1e4, strict_lo=True)
    d = len(means(p, "mu"))
    sigmas(p, "sigma", d)


def _prompt_beta(p: dict) -> str:
    return "\n".join([
        f"A $\\beta$-VAE with $\\beta = {exact(p['beta'])}$ and prior $p(z) = \\mathcal{{N}}(0, I)$ encodes an input "
        f"as $q(z|x) = \\mathcal{{N}}(\\mu, \\operatorname{{diag}}(\\sigma^2))$ with $\\mu = {exact_vec(p['mu'])}$ "
        f"and $\\sigma = {exact_vec(p['sigma'])}$ (standard deviations).",
        f"The decoder's reconstruction loss is $-\\log p(x|z) = {exact(p['reconstruction_loss'])}$ nats.",
        "What is the $\\beta$-VAE loss (the quantity minimised) for this input?",
    ])


def _solution_beta(p: dict) -> str:
    kl = kl_to_standard(p["mu"], p["sigma"])
    return "\n".join([
        "The $\\beta$-VAE maximises the reconstruction subject to $\\mathrm{KL}(q(z|x) \\,\\|\\, p(z)) < \\delta$; the KKT "
        "conditions turn the constraint into a penalty with multiplier $\\beta$, so the loss is",
        "$$\\mathcal{L} = -\\mathbb{E}_q[\\log p(x|z)] + \\beta\\, \\mathrm{KL}(q(z|x) \\,\\|\\, p(z))$$",
        *kl_lines(p["mu"], p["sigma"]),
        f"$\\mathcal{{L}} = {exact(p['reconstruction_loss'])} + {exact(p['beta'])} \\cdot {num(kl, 6)} = "
        f"{num(beta_loss(p), 6)}$",
        "With $\\beta > 1$ the KL term weighs more, pushing $q$ towards the factorised prior (disentanglement, "
        "at the cost of reconstruction); $\\beta = 1$ is the plain VAE.",
    ])


BETA_VAE_LOSS = Generator(
    id="vae.beta-vae-loss",
    title="The β-VAE loss",
    answer_kind=Real(),
    sample_params=_sample_beta,
    validate_params=_validate_beta,
    solve=beta_loss,
    prompt=_prompt_beta,
    solution=_solution_beta,
    hints=lambda p: ["$\\beta$ multiplies the KL term only: $\\mathcal{L} = -\\log p(x|z) + \\beta\\,\\mathrm{KL}$.",
                     "Against $\\mathcal{N}(0, I)$: $\\mathrm{KL} = -\\frac{1}{2}\\sum_j (1 + \\log\\sigma_j^2 - "
                     "\\mu_j^2 - \\sigma_j^2)$."],
    mistakes=(
        Mistake("beta-on-reconstruction", "$\\beta$ weighs the KL term, not the reconstruction: "
                "$\\mathcal{L} = -\\log p(x|z) + \\beta\\,\\mathrm{KL}$.",
                lambda p: beta_loss(p, kl_weight=1.0, reconstruction_weight=p["beta"])),
        Mistake("forgot-beta", "That is the plain VAE loss ($\\beta = 1$): multiply the KL term by $\\beta$.",
                lambda p: beta_loss(p, kl_weight=1.0)),
        Mistake("divided-by-beta", "The KL term is multiplied by $\\beta$, not divided.",
                lambda p: beta_loss(p, kl_weight=1.0 / p["beta"])),
        Mistake("kl-subtracted", "The loss adds the KL penalty (the objective subtracts it): "
                "$\\mathcal{L} = -\\log p(x|z) + \\beta\\,\\mathrm{KL}$.", lambda p: beta_loss(p, kl_weight=-p["beta"])),
        *_kl_mistakes("KL term", lambda p, wrong_kl: beta_loss(p, wrong_kl)),
    ),
    tags=("beta-vae", "kl"),
)

GENERATORS = [ELBO_TERMS, BETA_VAE_LOSS]
