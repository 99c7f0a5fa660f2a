"""Classifier-free guidance (Ho & Salimans, 2022): one network, trained with the condition dropped
now and then, predicts the noise with and without the condition c; sampling extrapolates away
from the unconditional prediction:

    ε̃(x, c) = (1 + ρ) ε(x, c) − ρ ε(x) = ε(x, c) + ρ (ε(x, c) − ε(x))

ρ = 0 is the plain conditional model. Libraries often use a guidance scale s = 1 + ρ instead:
ε(x) + s (ε(x, c) − ε(x)).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.text import num, vec
from mpcheck_diffusion.common import combine, short_vector, vector


def guided(p: dict, rho: float | None = None, swap: bool = False) -> list[float]:
    rho = p["rho"] if rho is None else rho
    cond, uncond = (p["eps_uncond"], p["eps_cond"]) if swap else (p["eps_cond"], p["eps_uncond"])
    # ε̃ = (1 + ρ) ε(x, c) − ρ ε(x)
    return combine(1 + rho, cond, -rho, uncond)


def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 2, 3])
    return {"eps_cond": short_vector(rng, n, -1.5, 1.5), "eps_uncond": short_vector(rng, n, -1.5, 1.5),
            "rho": sampling.pick(rng, [1.0, 2.0, 3.0, 1.5, 4.0])}


def _validate(p: dict) -> None:
    P.check_keys(p, ("eps_cond", "eps_uncond", "rho"))
    n = len(vector(p, "eps_cond"))
    vector(p, "eps_uncond", n)
    P.real(p, "rho", 0, 1000)


def _prompt(p: dict) -> str:
    return "\n".join([
        r"A diffusion model with classifier-free guidance predicts the noise with the condition $c$, "
        f"$\\epsilon(x, c) = {vec(p['eps_cond'], 15)}$, and without it, $\\epsilon(x) = {vec(p['eps_uncond'], 15)}$.",
        f"With the guidance weight $\\rho = {num(p['rho'], 15)}$ in "
        r"$\tilde\epsilon(x, c) = (1 + \rho)\,\epsilon(x, c) - \rho\,\epsilon(x)$, give the guided prediction $\tilde\epsilon$.",
    ])


def _solution(p: dict) -> str:
    rho = p["rho"]
    diff = combine(1.0, p["eps_cond"], -1.0, p["eps_uncond"])
    return "\n".join([
        f"$\\tilde\\epsilon = (1 + {num(rho)}) \\cdot {vec(p['eps_cond'])} - {num(rho)} \\cdot {vec(p['eps_uncond'])} "
        f"= {vec(guided(p), 6)}$",
        f"Equivalently $\\epsilon(x, c) + \\rho\\,(\\epsilon(x, c) - \\epsilon(x))$ with the difference "
        f"${vec(diff, 6)}$: the prediction is pushed further in the direction the condition moves it.",
        r"Larger $\rho$ follows the condition more closely (sharper, more typical samples) at the cost of "
        r"diversity; in a library's guidance scale $s = 1 + \rho$ " + f"(here $s = {num(1 + rho)}$).",
    ])


CFG = Generator(
    id="diffusion.cfg",
    title="Classifier-free guidance: the guided noise prediction",
    answer_kind=Vector(),
    sample_params=_sample,
    validate_params=_validate,
    solve=guided,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"Weight the conditional prediction by $1 + \rho$ and subtract $\rho$ times the "
                     r"unconditional one, entry by entry."],
    mistakes=(
        Mistake("roles-swapped", r"The conditional prediction gets the weight $1 + \rho$; you gave it to the "
                r"unconditional one, which guides away from the condition.", lambda p: guided(p, swap=True)),
        Mistake("scale-convention", r"You used $\rho$ as a guidance scale, $\epsilon(x) + \rho(\epsilon(x, c) - "
                r"\epsilon(x))$; in this formula $\rho$ is added on top of the conditional prediction: "
                r"$\epsilon(x, c) + \rho(\epsilon(x, c) - \epsilon(x))$, i.e. a scale of $1 + \rho$.",
                lambda p: guided(p, rho=p["rho"] - 1)),
        Mistake("forgot-unconditional", r"Subtract $\rho\,\epsilon(x)$: guidance is the difference between the "
                r"two predictions.", lambda p: combine(1 + p["rho"], p["eps_cond"], 0.0, p["eps_uncond"])),
        Mistake("sign-flipped", r"The unconditional prediction is subtracted: $(1 + \rho)\epsilon(x, c) - "
                r"\rho\,\epsilon(x)$, not $(1 - \rho)\epsilon(x, c) + \rho\,\epsilon(x)$.",
                lambda p: guided(p, rho=-p["rho"])),
    ),
    tags=("diffusion", "guidance", "conditional"),
)

GENERATORS = [CFG]
