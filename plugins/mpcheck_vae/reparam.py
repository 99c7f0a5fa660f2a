"""The reparameterisation trick, forward and backward (vae.reparameterize).

The encoder outputs μ and log σ² (a log-variance, so that σ > 0 needs no constraint). Sampling
z ~ N(μ, σ²) is rewritten as a deterministic function of the noise ε ~ N(0, I):

    σ = exp(½ log σ²),    z = μ + σ ⊙ ε

so that gradients reach μ and log σ² through z:

    ∂L/∂μ = ∂L/∂z,    ∂L/∂log σ² = ∂L/∂z ⊙ ε ⊙ ∂σ/∂log σ² = ∂L/∂z ⊙ ε ⊙ σ / 2
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, paren, vec
from mpcheck_vae.gaussians import MAX_DIM

KEYS = ("mu", "log_var", "eps", "grad_z")
KIND = Parts({"z": Vector(), "grad_mu": Vector(), "grad_log_var": Vector()})
MAX_LOG_VAR = 40.0   # σ up to e^20: every product stays far from overflow
MAX_ENTRY = 1e3


def sigma_of(log_var: float) -> float:
    # σ = exp(½ log σ²)
    return math.exp(0.5 * log_var)


def forward(p: dict, scale=sigma_of) -> list[float]:
    # z = μ + σ ⊙ ε
    return [m + scale(lv) * e for m, lv, e in zip(p["mu"], p["log_var"], p["eps"])]


def grad_log_var(p: dict, dscale=lambda lv: sigma_of(lv) / 2) -> list[float]:
    # ∂L/∂log σ² = ∂L/∂z ⊙ ε ⊙ ∂σ/∂log σ², with ∂σ/∂log σ² = σ/2
    return [g * e * dscale(lv) for g, e, lv in zip(p["grad_z"], p["eps"], p["log_var"])]


def solve(p: dict) -> dict:
    # ∂L/∂μ = ∂L/∂z: z moves one for one with μ
    return {"z": forward(p), "grad_mu": list(p["grad_z"]), "grad_log_var": grad_log_var(p)}


def _sample(rng) -> dict:
    d = sampling.pick(rng, [1, 2, 2, 3])
    nonzero = lambda lo, hi: [v if v != 0 else 0.5 for v in sampling.decimals(rng, lo, hi, 1, d)]  # noqa: E731
    return {"mu": sampling.decimals(rng, -1.5, 1.5, 1, d), "log_var": nonzero(-2.0, 1.2),
            "eps": nonzero(-2.0, 2.0),
            "grad_z": [float(sampling.pick(rng, [-3, -2, -1, 1, 2, 3, 0.5, -0.5])) for _ in range(d)]}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    d = len(P.vector(p, "mu", max_length=MAX_DIM))
    for key in KEYS[1:]:
        P.vector(p, key, d)
    if any(abs(v) > MAX_LOG_VAR for v in p["log_var"]):
        raise ParamsError(f"params: 'log_var' entries must lie in [−{MAX_LOG_VAR:g}, {MAX_LOG_VAR:g}]")
    for key in ("mu", "eps", "grad_z"):
        if any(abs(v) > MAX_ENTRY for v in p[key]):
            raise ParamsError(f"params: {key!r} entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def _prompt(p: dict) -> str:
    return "\n".join([
        f"A VAE encoder outputs $\\mu = {exact_vec(p['mu'])}$ and the log-variance "
        f"$\\log\\sigma^2 = {exact_vec(p['log_var'])}$. The reparameterisation trick samples "
        f"$z = \\mu + \\sigma \\odot \\epsilon$ with the noise $\\epsilon = {exact_vec(p['eps'])}$.",
        f"Backpropagation brings the gradient $\\frac{{\\partial L}}{{\\partial z}} = {exact_vec(p['grad_z'])}$.",
        "Give $z$ (part z), $\\frac{\\partial L}{\\partial \\mu}$ (part grad_mu) and "
        "$\\frac{\\partial L}{\\partial \\log\\sigma^2}$ (part grad_log_var).",
    ])


def _solution(p: dict) -> str:
    answer = solve(p)
    sig = [sigma_of(lv) for lv in p["log_var"]]
    lines = ["$\\sigma = \\exp(\\frac{1}{2}\\log\\sigma^2)$, coordinate by coordinate: "
             + ", ".join(f"$\\exp({exact(lv)}/2) = {num(s, 6)}$" for lv, s in zip(p["log_var"], sig))]
    lines.append("$z = \\mu + \\sigma \\odot \\epsilon$: " + ", ".join(
        f"${exact(m)} + {num(s, 6)} \\cdot {paren(e)} = {num(z, 6)}$"
        for m, s, e, z in zip(p["mu"], sig, p["eps"], answer["z"])))
    lines.append(f"$\\frac{{\\partial z}}{{\\partial \\mu}} = 1$, so $\\frac{{\\partial L}}{{\\partial \\mu}} = "
                 f"\\frac{{\\partial L}}{{\\partial z}} = {vec(answer['grad_mu'], 6)}$")
    lines.append("$\\frac{\\partial z}{\\partial \\log\\sigma^2} = \\epsilon \\odot \\frac{\\partial \\sigma}"
                 "{\\partial \\log\\sigma^2} = \\epsilon \\odot \\frac{\\sigma}{2}$ (as $\\sigma = e^{\\log\\sigma^2/2}$), so")
    lines.append("$\\frac{\\partial L}{\\partial \\log\\sigma^2} = \\frac{\\partial L}{\\partial z} \\odot \\epsilon "
                 "\\odot \\frac{\\sigma}{2}$: " + ", ".join(
                     f"${paren(g)} \\cdot {paren(e)} \\cdot {num(s, 6)}/2 = {num(v, 6)}$"
                     for g, e, s, v in zip(p["grad_z"], p["eps"], sig, answer["grad_log_var"])))
    lines.append("The noise $\\epsilon$ is an input like $x$: no gradient is needed for it, and the "
                 "sampling step no longer blocks backpropagation.")
    return "\n".join(lines)


def _with(z_scale=None, dscale=None, grad_mu=None):
    """A mistake's parts: a wrong forward scale (and its consistent gradient), a wrong chain factor."""
    def answer(p: dict) -> dict:
        wrong = {}
        if z_scale is not None:
            wrong["z"] = forward(p, z_scale)
        if dscale is not None:
            wrong["grad_log_var"] = grad_log_var(p, dscale)
        if grad_mu is not None:
            wrong["grad_mu"] = grad_mu(p)
        return wrong
    return answer


REPARAMETERIZE = Generator(
    id="vae.reparameterize",
    title="The reparameterisation trick: sample and backpropagate",
    answer_kind=KIND,
    sample_params=_sample,
    validate_params=_validate,
    solve=solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["$\\sigma = \\exp(\\frac{1}{2}\\log\\sigma^2)$, the standard deviation.",
                     "Chain rule through $z = \\mu + \\sigma\\epsilon$ and $\\sigma = e^{\\log\\sigma^2/2}$: "
                     "$\\frac{d\\sigma}{d\\log\\sigma^2} = \\frac{\\sigma}{2}$."],
    mistakes=(
        Mistake("used-variance", "You scaled the noise by the variance $\\sigma^2 = e^{\\log\\sigma^2}$; "
                "$z = \\mu + \\sigma \\odot \\epsilon$ needs the standard deviation $\\sigma = e^{\\log\\sigma^2/2}$.",
                _with(z_scale=math.exp, dscale=math.exp)),
        Mistake("log-variance-as-sigma", "You multiplied $\\epsilon$ by $\\log\\sigma^2$ itself: exponentiate "
                "first, $\\sigma = \\exp(\\frac{1}{2}\\log\\sigma^2)$.",
                _with(z_scale=lambda lv: lv, dscale=lambda lv: 1.0)),
        Mistake("gradient-wrt-sigma", "That is $\\frac{\\partial L}{\\partial \\sigma} = \\frac{\\partial L}"
                "{\\partial z} \\odot \\epsilon$; the encoder outputs $\\log\\sigma^2$, so multiply by "
                "$\\frac{\\partial \\sigma}{\\partial \\log\\sigma^2} = \\frac{\\sigma}{2}$.",
                _with(dscale=lambda lv: 1.0)),
        Mistake("forgot-half-in-gradient", "The derivative of $\\sigma = e^{\\log\\sigma^2/2}$ with respect "
                "to $\\log\\sigma^2$ is $\\frac{\\sigma}{2}$, not $\\sigma$.", _with(dscale=sigma_of)),
        Mistake("forgot-sigma-in-gradient", "You kept the $\\frac{1}{2}$ but dropped $\\sigma$: "
                "$\\frac{d}{du} e^{u/2} = \\frac{1}{2} e^{u/2} = \\frac{\\sigma}{2}$.",
                _with(dscale=lambda lv: 0.5)),
        Mistake("mean-gradient-times-noise", "$z$ moves one for one with $\\mu$: "
                "$\\frac{\\partial L}{\\partial \\mu} = \\frac{\\partial L}{\\partial z}$, no $\\epsilon$ in it.",
                _with(grad_mu=lambda p: [g * e for g, e in zip(p["grad_z"], p["eps"])])),
    ),
    tags=("reparameterisation", "backprop"),
    difficulty=2,
)

GENERATORS = [REPARAMETERIZE]
