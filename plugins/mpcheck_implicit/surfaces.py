"""Surfaces given implicitly: where a ray meets them, signed distances of primitives, the eikonal term.

    DVR (Niemeyer et al., 2020): the surface is where the occupancy crosses τ. Between two ray samples
    t_a < t_b with f(t) = o(t) − τ changing sign, one secant step estimates the crossing:
        t* = t_a − f(t_a) (t_b − t_a) / (f(t_b) − f(t_a))
    A signed distance function (SDF) has |∇f| = 1 wherever it is differentiable; the eikonal loss
        L = mean_i (‖∇f(x_i)‖ − 1)²
    pushes a network towards that.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec

# --- one secant step for the surface crossing -------------------------------------------------------

SECANT_KEYS = ("t_a", "t_b", "o_a", "o_b", "tau")


# t* = t_a − f_a (t_b − t_a) / (f_b − f_a),  f = o − τ
def secant_crossing(p: dict, tau: float | None = None) -> float:
    tau = p["tau"] if tau is None else tau
    f_a, f_b = p["o_a"] - tau, p["o_b"] - tau
    return p["t_a"] - f_a * (p["t_b"] - p["t_a"]) / (f_b - f_a)


def _secant_sample(rng) -> dict:
    t_a = sampling.pick(rng, [0.5, 1.0, 1.5, 2.0])
    return {"t_a": t_a, "t_b": t_a + sampling.pick(rng, [0.1, 0.2, 0.5]),
            "o_a": sampling.decimals(rng, 0.05, 0.4, 2), "o_b": sampling.decimals(rng, 0.6, 0.95, 2),
            "tau": sampling.pick(rng, [0.5, 0.5, 0.4, 0.6])}


def _secant_validate(p: dict) -> None:
    P.check_keys(p, SECANT_KEYS)
    t_a, t_b = P.real(p, "t_a", -1e4, 1e4), P.real(p, "t_b", -1e4, 1e4)
    o_a, o_b, tau = P.real(p, "o_a", 0, 1), P.real(p, "o_b", 0, 1), P.real(p, "tau", 0, 1)
    if not t_a < t_b:
        raise ParamsError("params: the samples must be ordered along the ray, t_a < t_b")
    if (o_a - tau) * (o_b - tau) > 0 or o_a == o_b:
        raise ParamsError("params: the occupancy must cross τ between the samples (o_a − τ and o_b − τ of "
                          "opposite signs)")


def _secant_prompt(p: dict) -> str:
    return (f"Along a ray, DVR's occupancy network gives $o(t_a) = {exact(p['o_a'])}$ at $t_a = {exact(p['t_a'])}$ and "
            f"$o(t_b) = {exact(p['o_b'])}$ at $t_b = {exact(p['t_b'])}$. The surface is the level set "
            f"$o = \\tau = {exact(p['tau'])}$.\n"
            "Estimate the crossing $t^*$ with one secant step on $f(t) = o(t) - \\tau$.")


def _secant_solution(p: dict) -> str:
    f_a, f_b = p["o_a"] - p["tau"], p["o_b"] - p["tau"]
    return (f"$f(t_a) = {num(p['o_a'])} - {num(p['tau'])} = {num(f_a)}$ and $f(t_b) = {num(f_b)}$: the sign changes, "
            "so a surface lies between.\n"
            f"$$t^* = t_a - f(t_a)\\,\\frac{{t_b - t_a}}{{f(t_b) - f(t_a)}} = {num(p['t_a'])} - ({num(f_a)}) "
            f"\\cdot \\frac{{{num(p['t_b'] - p['t_a'])}}}{{{num(f_b - f_a)}}} = {num(secant_crossing(p), 6)}$$\n"
            "It is where the straight line through the two samples crosses the level $\\tau$.")


SECANT_STEP = Generator(
    id="implicit.secant-step",
    title="DVR: the surface crossing by one secant step",
    answer_kind=Real(),
    sample_params=_secant_sample,
    validate_params=_secant_validate,
    solve=secant_crossing,
    prompt=_secant_prompt,
    solution=_secant_solution,
    hints=lambda p: ["Subtract the threshold first: the root of $o(t) - \\tau$ is the surface.",
                     "Interpolate linearly between the two samples."],
    mistakes=(
        Mistake("forgot-threshold", "The surface is the level set $o = \\tau$: find the root of $o(t) - \\tau$, "
                "not of $o(t)$.", lambda p: secant_crossing(p, tau=0.0)),
        Mistake("midpoint", "That is a bisection step (the midpoint); the secant step weighs the samples by "
                "their values.", lambda p: (p["t_a"] + p["t_b"]) / 2),
        Mistake("plus-sign", "$t^* = t_a - f(t_a)(t_b - t_a)/(f(t_b) - f(t_a))$: the sign matters.",
                lambda p: 2 * p["t_a"] - secant_crossing(p)),
    ),
    tags=("dvr", "secant method", "root finding"),
    difficulty=1,
)


# --- where a ray meets a sphere ---------------------------------------------------------------------

RAY_KEYS = ("origin", "direction", "center", "radius")


def _unit(v: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v]


def ray_sphere(p: dict, normalise: bool = True, far: bool = False) -> float | None:
    """Smallest t ≥ 0 with ‖o + t d − c‖ = r, for the unit direction d (None if the ray misses)."""
    d = _unit(p["direction"]) if normalise else p["direction"]
    oc = [o - c for o, c in zip(p["origin"], p["center"])]
    # ‖oc + t d‖² = r²  ⇔  a t² + 2 b t + c = 0
    a = sum(x * x for x in d)
    b = sum(x * y for x, y in zip(oc, d))
    c = sum(x * x for x in oc) - p["radius"] ** 2
    disc = b * b - a * c
    if disc < 0:
        return None
    roots = sorted([(-b - math.sqrt(disc)) / a, (-b + math.sqrt(disc)) / a])
    ahead = [t for t in roots if t >= 0]
    if not ahead:
        return None
    return ahead[-1] if far else ahead[0]


def _ray_sample(rng) -> dict:
    while True:
        p = {"origin": [float(sampling.ints(rng, -3, 3)), float(sampling.ints(rng, -3, 3)), -5.0],
             "direction": [float(sampling.ints(rng, -1, 1)), float(sampling.ints(rng, -1, 1)), 2.0],
             "center": [0.0, 0.0, 0.0], "radius": float(sampling.pick(rng, [1, 2, 3]))}
        if ray_sphere(p) is not None and ray_sphere(p, far=True) - ray_sphere(p) > 0.1:
            return p


def _ray_validate(p: dict) -> None:
    P.check_keys(p, RAY_KEYS)
    for key in ("origin", "direction", "center"):
        P.vector(p, key, 3)
    P.real(p, "radius", 0, 1e4, strict_lo=True)
    if math.sqrt(sum(x * x for x in p["direction"])) < 1e-6:
        raise ParamsError("params: 'direction' must not be (nearly) the zero vector")
    if any(abs(x) > 1e4 for key in ("origin", "direction", "center") for x in p[key]):
        raise ParamsError("params: coordinates must lie in [−10000, 10000]")
    if ray_sphere(p) is None:
        raise ParamsError("params: this ray never meets the sphere (ahead of its origin)")


def _paren(x: float) -> str:
    return f"({num(x, 6)})" if x < 0 else num(x, 6)


def _ray_prompt(p: dict) -> str:
    return (f"A ray starts at $o = {exact_vec(p['origin'])}$ in direction ${exact_vec(p['direction'])}$ (normalise it to $d$). "
            f"The SDF $f(x) = \\lVert x - {exact_vec(p['center'])} \\rVert - {exact(p['radius'])}$ describes a sphere.\n"
            "At which distance $t \\ge 0$ along the ray, $x = o + t\\,d$, does the ray first reach the surface $f = 0$?")


def _ray_solution(p: dict) -> str:
    d = _unit(p["direction"])
    oc = [o - c for o, c in zip(p["origin"], p["center"])]
    b = sum(x * y for x, y in zip(oc, d))
    c = sum(x * x for x in oc) - p["radius"] ** 2
    return (f"$d = {vec(d, 6)}$ (unit length). With $m = o - c_{{\\text{{sphere}}}} = {vec(oc)}$, "
            "$\\lVert m + t d \\rVert^2 = r^2$ is the quadratic $t^2 + 2 (m \\cdot d) t + (\\lVert m \\rVert^2 - r^2) = 0$.\n"
            f"$m \\cdot d = {num(b, 6)}$, $\\lVert m \\rVert^2 - r^2 = {num(c, 6)}$, so "
            f"$t = {num(-b, 6)} \\pm \\sqrt{{{num(b * b, 6)} - {_paren(c)}}}$.\n"
            f"The nearer root in front of the origin is $t = {num(ray_sphere(p), 6)}$ (the other, "
            f"${num(ray_sphere(p, far=True), 6)}$, is where the ray leaves the sphere).")


RAY_SURFACE = Generator(
    id="implicit.ray-surface",
    title="Where a ray first meets an SDF's surface",
    answer_kind=Real(),
    sample_params=_ray_sample,
    validate_params=_ray_validate,
    solve=ray_sphere,
    prompt=_ray_prompt,
    solution=_ray_solution,
    hints=lambda p: ["Substitute $x = o + t d$ into $\\lVert x - c \\rVert = r$ and square both sides.",
                     "Of the two roots, the first surface hit is the smaller non-negative one."],
    mistakes=(
        Mistake("far-intersection", "The ray first meets the surface at the smaller root; the larger is where it "
                "leaves the sphere.", lambda p: ray_sphere(p, far=True)),
        Mistake("direction-not-normalised", "With a direction that is not of unit length, $t$ is not a distance: "
                "normalise $d$ first.",
                lambda p: ray_sphere(p, normalise=False)
                if abs(sum(x * x for x in p["direction"]) - 1) > 1e-9 else None),
    ),
    tags=("sdf", "ray casting"),
    difficulty=2,
)

GENERATORS = [SECANT_STEP, RAY_SURFACE]
