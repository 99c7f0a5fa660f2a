"""NeRF's volume rendering, discretised along one ray (Mildenhall et al., 2020, eq. 3):

    α_i = 1 − exp(−σ_i δ_i)              opacity of segment i (density σ_i over its length δ_i)
    T_i = Π_{j<i} (1 − α_j)               transmittance: the light that reaches segment i unblocked
    w_i = T_i α_i,   c = Σ_i w_i c_i      the colour is the weighted sum of the samples' colours
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, num, vec

MAX_SAMPLES = 64
MAX_OPTICAL_DEPTH = 700.0  # exp(−700) is still a float; beyond it α is exactly 1


# α = 1 − exp(−σ δ)
def alpha(sigma: float, delta: float) -> float:
    return -math.expm1(-sigma * delta)


def alphas(p: dict, use_delta: bool = True) -> list[float]:
    return [alpha(s, d if use_delta else 1.0) for s, d in zip(p["sigma"], p["delta"])]


# T_i = Π_{j<i} (1 − α_j) = exp(−Σ_{j<i} σ_j δ_j)   (with include_own: j ≤ i, a mistake)
def transmittance(p: dict, use_delta: bool = True, include_own: bool = False) -> list[float]:
    # summed as optical depth: 1 − α_j taken from α_j ≈ 1 would lose what gets through
    out, depth = [], 0.0
    for s, d in zip(p["sigma"], p["delta"]):
        step = s * (d if use_delta else 1.0)
        if include_own:
            depth += step
        out.append(math.exp(-depth))
        if not include_own:
            depth += step
    return out


def weights(p: dict, use_delta: bool = True, **kwargs) -> list[float]:
    a = alphas(p, use_delta)
    return [t * ai for t, ai in zip(transmittance(p, use_delta, **kwargs), a)]


def composite(p: dict, w: list[float] | None = None, **kwargs) -> list[float]:
    w = weights(p, **kwargs) if w is None else w
    # c = Σ_i T_i α_i c_i
    return [sum(wi * c[k] for wi, c in zip(w, p["colors"])) for k in range(3)]


def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 3, 3, 4])
    return {"sigma": [sampling.pick(rng, [0.5, 1.0, 2.0, 3.0, 5.0]) for _ in range(n)],
            "delta": [sampling.pick(rng, [0.1, 0.2, 0.25, 0.5]) for _ in range(n)],
            "colors": [sampling.decimals(rng, 0, 1, 1, shape=3) for _ in range(n)]}


def _validate(p: dict) -> None:
    P.check_keys(p, ("sigma", "delta", "colors"))
    sigma = P.vector(p, "sigma", max_length=MAX_SAMPLES)
    delta = P.vector(p, "delta", len(sigma))
    P.matrix(p, "colors", rows=len(sigma), cols=3)
    if any(s < 0 for s in sigma) or any(d <= 0 for d in delta):
        raise ParamsError("params: densities 'sigma' must be ≥ 0 and segment lengths 'delta' > 0")
    if any(s * d > MAX_OPTICAL_DEPTH or s > 1e6 or d > 1e6 for s, d in zip(sigma, delta)):
        raise ParamsError(f"params: σ·δ must stay below {MAX_OPTICAL_DEPTH:g} per segment (the segment is opaque long before)")
    if any(abs(v) > 1e3 for row in p["colors"] for v in row):
        raise ParamsError("params: colour values must lie in [−1000, 1000]")


def _table(p: dict) -> str:
    rows = " \\\\ ".join(f"{i + 1} & {exact(s)} & {exact(d)} & ({', '.join(exact(v) for v in c)})"
                         for i, (s, d, c) in enumerate(zip(p["sigma"], p["delta"], p["colors"])))
    return ("$$\\begin{array}{|c|c|c|c|}\\hline i & \\sigma_i & \\delta_i & c_i \\\\ \\hline "
            f"{rows} \\\\ \\hline\\end{{array}}$$")


def _prompt(p: dict) -> str:
    return ("A ray passes through these samples, nearest first:\n" + _table(p) + "\n"
            "Render its colour with NeRF's quadrature: $\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$, "
            "$T_i = \\prod_{j<i} (1 - \\alpha_j)$, $c = \\sum_i T_i \\alpha_i c_i$. Give $c$ as $[r, g, b]$.")


def _solution(p: dict) -> str:
    a, w = alphas(p), weights(p)
    t = transmittance(p)
    lines = [f"$\\alpha_{{{i + 1}}} = 1 - e^{{-{num(s)} \\cdot {num(d)}}} = {num(ai, 6)}$"
             for i, (s, d, ai) in enumerate(zip(p["sigma"], p["delta"], a))]
    lines.append("$T_1 = 1$ (nothing in front of the first sample); each later $T_i$ multiplies in "
                 "$1 - \\alpha_j$ of the samples in front: "
                 f"$T = ({', '.join(num(x, 6) for x in t)})$.")
    lines.append(f"Weights $w_i = T_i \\alpha_i = ({', '.join(num(x, 6) for x in w)})$, "
                 f"summing to ${num(sum(w), 6)} \\le 1$ (the rest is the background's share).")
    lines.append(f"$c = \\sum_i w_i c_i = {vec(composite(p), 6)}$")
    return "\n".join(lines)


NERF_COMPOSITE = Generator(
    id="implicit.nerf-composite",
    title="NeRF volume rendering along one ray",
    answer_kind=Vector(length=3),
    sample_params=_sample,
    validate_params=_validate,
    solve=composite,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["First turn each density into an opacity: $\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$.",
                     "$T_i$ only counts the samples strictly in front of sample $i$; $T_1 = 1$."],
    mistakes=(
        Mistake("transmittance-includes-own-alpha", "$T_i = \\prod_{j<i}(1 - \\alpha_j)$ stops before sample "
                "$i$: a sample does not block its own light.", lambda p: composite(p, include_own=True)),
        Mistake("forgot-delta", "The opacity depends on how long the ray stays in the segment: "
                "$\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$.",
                lambda p: composite(p, use_delta=False) if any(d != 1 for d in p["delta"]) else None),
        Mistake("forgot-transmittance", "Samples behind others are partly hidden: weight each by $T_i$ too.",
                lambda p: composite(p, w=alphas(p)) if len(p["sigma"]) > 1 else None),
        Mistake("density-as-weight", "Densities are not weights: convert them to opacities and "
                "transmittances first.",
                lambda p: composite(p, w=[s * d for s, d in zip(p["sigma"], p["delta"])])),
    ),
    tags=("nerf", "volume rendering"),
    difficulty=2,
)


# --- the weights and transmittances alone --------------------------------------------------------

def _weights_solve(p: dict) -> dict:
    return {"transmittance": transmittance(p), "weights": weights(p)}


NERF_WEIGHTS = Generator(
    id="implicit.nerf-weights",
    title="NeRF transmittances and sample weights",
    answer_kind=Parts({"transmittance": Vector(), "weights": Vector()}),
    sample_params=lambda rng: {k: v for k, v in _sample(rng).items()},
    validate_params=_validate,
    solve=_weights_solve,
    prompt=lambda p: ("A ray passes through these samples, nearest first:\n" + _table(p) + "\n"
                      "Give the transmittances $T_i = \\prod_{j<i} (1 - \\alpha_j)$ and the weights "
                      "$w_i = T_i \\alpha_i$ (with $\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$), each as a list over the samples."),
    solution=lambda p: "\n".join(_solution(p).splitlines()[:-1]),
    hints=lambda p: ["$T_1 = 1$: nothing blocks the first sample.",
                     "Each step multiplies in the $1 - \\alpha$ of the sample just passed."],
    mistakes=(
        Mistake("transmittance-includes-own-alpha", "$T_i = \\prod_{j<i}(1 - \\alpha_j)$ stops before sample "
                "$i$: a sample does not block its own light.",
                lambda p: {"transmittance": transmittance(p, include_own=True),
                           "weights": weights(p, include_own=True)}),
        Mistake("forgot-delta", "The opacity depends on the segment length: $\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$.",
                lambda p: {"transmittance": transmittance(p, use_delta=False),
                           "weights": weights(p, use_delta=False)} if any(d != 1 for d in p["delta"]) else None),
    ),
    tags=("nerf", "volume rendering"),
    difficulty=2,
)


# --- α from density ---------------------------------------------------------------------------------

def _alpha_sample(rng) -> dict:
    return {"sigma": sampling.pick(rng, [0.5, 1.0, 2.0, 4.0, 10.0]), "delta": sampling.pick(rng, [0.05, 0.1, 0.2, 0.5])}


def _alpha_validate(p: dict) -> None:
    P.check_keys(p, ("sigma", "delta"))
    sigma, delta = P.real(p, "sigma", 0, 1e6), P.real(p, "delta", 0, 1e6, strict_lo=True)
    if sigma * delta > MAX_OPTICAL_DEPTH:
        raise ParamsError(f"params: σ·δ must stay below {MAX_OPTICAL_DEPTH:g}")


ALPHA_FROM_DENSITY = Generator(
    id="implicit.alpha-from-density",
    title="Opacity of a ray segment from its density",
    answer_kind=Real(),
    sample_params=_alpha_sample,
    validate_params=_alpha_validate,
    solve=lambda p: alpha(p["sigma"], p["delta"]),
    prompt=lambda p: (f"A NeRF sample has density $\\sigma = {exact(p['sigma'])}$ and the ray segment it stands for "
                      f"has length $\\delta = {exact(p['delta'])}$. What is its opacity $\\alpha$?"),
    solution=lambda p: (f"$\\alpha = 1 - e^{{-\\sigma \\delta}} = 1 - e^{{-{num(p['sigma'])} \\cdot {num(p['delta'])}}} = "
                        f"1 - {num(math.exp(-p['sigma'] * p['delta']), 6)} = {num(alpha(p['sigma'], p['delta']), 6)}$\n"
                        "$e^{-\\sigma\\delta}$ is the share of light that crosses the segment; the rest is absorbed "
                        "or emitted there."),
    hints=lambda p: ["Light decays as $e^{-\\sigma t}$ through a constant density.",
                     "Opacity is what does not get through: $1 - e^{-\\sigma \\delta}$."],
    mistakes=(
        Mistake("forgot-delta", "Multiply the density by the segment length: $\\alpha = 1 - e^{-\\sigma\\delta}$.",
                lambda p: alpha(p["sigma"], 1.0) if p["delta"] != 1 else None),
        Mistake("gave-the-transmittance", "$e^{-\\sigma\\delta}$ is the light that gets through (transmittance); "
                "the opacity is $1 - e^{-\\sigma\\delta}$.", lambda p: math.exp(-p["sigma"] * p["delta"])),
        Mistake("linearised", "$\\sigma\\delta$ is only the first-order approximation of $1 - e^{-\\sigma\\delta}$.",
                lambda p: p["sigma"] * p["delta"]),
    ),
    tags=("nerf", "volume rendering"),
    difficulty=1,
)

GENERATORS = [NERF_COMPOSITE, NERF_WEIGHTS, ALPHA_FROM_DENSITY]
