"""NeRF's positional encoding (Mildenhall et al., 2020, eq. 4), applied to each coordinate p:

    γ(p) = (sin(2⁰πp), cos(2⁰πp), sin(2¹πp), cos(2¹πp), …, sin(2^{L−1}πp), cos(2^{L−1}πp))

A d-dimensional input gives 2·L·d features, plus d when the raw input is kept beside them (as the
official code does; the paper's formula has no π-free identity term). High frequencies let an MLP
fit fine detail that it would otherwise smooth away (spectral bias).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Integer, Mistake, Parts, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, num, paren

KEYS = ("x", "L", "include_input")
MAX_L = 12


def tidy(v: float) -> float:
    """Float noise away: cos(π/2) is 6.1e-17 in floating point, 0 on paper and in the answer."""
    return round(v, 12) + 0.0


def sin_cos(coordinate: float, k: int, pi: bool = True) -> tuple[float, float]:
    # sin(2^k π p), cos(2^k π p)
    angle = 2**k * (math.pi if pi else 1.0) * coordinate
    return tidy(math.sin(angle)), tidy(math.cos(angle))


def encode(p: dict, pi: bool = True, first_power: int = 0, cosines: bool = True) -> list[float]:
    out = list(p["x"]) if p["include_input"] else []
    for coordinate in p["x"]:
        for k in range(first_power, first_power + p["L"]):
            sine, cosine = sin_cos(coordinate, k, pi)
            out += [sine, cosine] if cosines else [sine]
    return [tidy(v) for v in out]


def size(p: dict, with_input: bool | None = None, cosines: bool = True) -> int:
    with_input = p["include_input"] if with_input is None else with_input
    d = len(p["x"])
    # 2·L features per coordinate (L with sines alone), plus d for the raw input
    return (2 if cosines else 1) * p["L"] * d + (d if with_input else 0)


def _solve(p: dict) -> dict:
    return {"size": size(p), "values": encode(p)}


def _sample(rng) -> dict:
    d = sampling.pick(rng, [1, 1, 2])
    return {"x": [sampling.pick(rng, [0.1, 0.25, 0.3, 0.5, -0.25, 0.75, 0.2]) for _ in range(d)],
            "L": sampling.pick(rng, [2, 2, 3]) if d == 1 else 2,
            "include_input": sampling.pick(rng, [True, False])}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    P.vector(p, "x", max_length=3)
    P.integer(p, "L", 1, MAX_L)
    P.boolean(p, "include_input")
    if any(abs(v) > 1e3 for v in p["x"]):
        raise ParamsError("params: coordinates must lie in [−1000, 1000] (NeRF normalises them to [−1, 1])")


def _prompt(p: dict) -> str:
    d = len(p["x"])
    point = f"p = {exact(p['x'][0])}" if d == 1 else f"p = ({', '.join(exact(v) for v in p['x'])})"
    keep = ("the raw coordinates first, then " if p["include_input"] else "")
    return (f"NeRF encodes each coordinate of ${point}$ with $L = {p['L']}$ frequencies:\n"
            "$$\\gamma(p) = \\left(\\sin(2^0 \\pi p), \\cos(2^0 \\pi p), \\dots, \\sin(2^{L-1} \\pi p), "
            "\\cos(2^{L-1} \\pi p)\\right)$$\n"
            f"The feature vector holds {keep}$\\gamma$ of each coordinate in turn. Give its size and its values.")


def _solution(p: dict) -> str:
    lines = []
    for j, coordinate in enumerate(p["x"], 1):
        if len(p["x"]) > 1:
            lines.append(f"Coordinate ${j}$, $p_{{{j}}} = {exact(coordinate)}$:")
        for k in range(p["L"]):
            angle = 2**k * coordinate
            sine, cosine = sin_cos(coordinate, k)
            lines.append(f"$k = {k}$: $\\sin({num(2**k)} \\pi \\cdot {paren(coordinate)}) = \\sin({num(angle)}\\pi) = "
                         f"{num(sine, 6)}$, $\\cos({num(angle)}\\pi) = {num(cosine, 6)}$")
    d = len(p["x"])
    count = f"2 \\cdot {p['L']} \\cdot {d}" + (f" + {d}" if p["include_input"] else "")
    lines.append(f"Size: ${count} = {size(p)}$" + (" (the raw input is kept in front)." if p["include_input"] else "."))
    lines.append("Values: $(" + ", ".join(num(v, 6) for v in encode(p)) + ")$")
    return "\n".join(lines)


POSITIONAL_ENCODING = Generator(
    id="implicit.positional-encoding",
    title="NeRF's positional encoding: size and values",
    answer_kind=Parts({"size": Integer(), "values": Vector()}),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Frequencies double: $2^0, 2^1, \\dots, 2^{L-1}$, each times $\\pi$.",
                     "Each frequency gives a sine and a cosine, for every coordinate."],
    mistakes=(
        Mistake("forgot-pi", "The frequencies are $2^k \\pi$: with $p \\in [-1, 1]$ the lowest one spans one period.",
                lambda p: {"values": encode(p, pi=False)}),
        Mistake("frequencies-from-one", "The first frequency is $2^0 \\pi$; $k$ runs from $0$ to $L - 1$.",
                lambda p: {"values": encode(p, first_power=1)}),
        Mistake("sines-only", "Each frequency contributes a sine and a cosine.",
                lambda p: {"size": size(p, cosines=False), "values": encode(p, cosines=False)}),
        Mistake("forgot-the-raw-input", "The raw coordinates are kept in front of the encoding, $d$ more features.",
                lambda p: {"size": size(p, with_input=False)} if p["include_input"] else None),
    ),
    tags=("nerf", "positional encoding"),
    difficulty=1,
)

GENERATORS = [POSITIONAL_ENCODING]
