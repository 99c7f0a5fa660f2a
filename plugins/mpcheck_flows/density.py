"""The change of variables for an affine flow, in one and two dimensions (flows.change-of-variables).

For an invertible x = f(z) = A z + b and a base density p_z = N(0, I),

    p_x(x) = p_z(f⁻¹(x)) · |det ∂f⁻¹/∂x| = p_z(A⁻¹(x − b)) / |det A|

the density of z evaluated where x came from, divided by how much f stretches volume there.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact, exact_vec, num, paren, vec
from mpcheck_flows.linalg import det, inverse, invertible, matvec

MAX_ENTRY = 1e3
#: sampled densities stay above this, so that no answer hides in the absolute tolerance
SMALLEST_SAMPLED_DENSITY = 1e-3


def standard_normal(z: list[float]) -> float:
    # N(z; 0, I) = (2π)^(−n/2) exp(−‖z‖²/2)
    return (2 * math.pi) ** (-len(z) / 2) * math.exp(-sum(v * v for v in z) / 2)


def preimage(p: dict, *, shift_first: bool = True) -> list[float]:
    # z = f⁻¹(x) = A⁻¹(x − b)
    a_inv = inverse(p["A"])
    if shift_first:
        return matvec(a_inv, [x - b for x, b in zip(p["x"], p["b"])])
    return [v - b for v, b in zip(matvec(a_inv, p["x"]), p["b"])]


def density(p: dict, *, at=None, jacobian: str = "inverse") -> float:
    """p_x(x); ``at`` and ``jacobian`` other than the defaults replay the mistakes."""
    z = preimage(p) if at is None else at
    d = det(p["A"])
    # |det ∂f⁻¹/∂x| = 1/|det A|
    factor = {"inverse": 1 / abs(d), "forward": abs(d), "none": 1.0, "signed": 1 / d}[jacobian]
    return standard_normal(z) * factor


def _sample(rng) -> dict:
    n = sampling.pick(rng, [1, 1, 2])
    while True:
        if n == 1:
            a = [[sampling.pick(rng, [-3.0, -2.0, -1.5, -0.5, 0.5, 1.5, 2.0, 2.5, 3.0, 4.0])]]
        else:
            a = [[float(v) for v in row] for row in sampling.ints(rng, -2, 2, (2, 2))]
        if abs(det(a)) < 1.5:
            continue
        b = sampling.decimals(rng, -2, 2, 1, n)
        z = sampling.decimals(rng, -1.2, 1.2, 1, n)
        # x = A z + b, rounded to the short decimals the prompt shows
        p = {"A": a, "b": b, "x": [round(v + w, 6) for v, w in zip(matvec(a, z), b)]}
        if density(p) >= SMALLEST_SAMPLED_DENSITY:
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, ("A", "b", "x"))
    a = invertible(p, "A", max_size=2, max_entry=MAX_ENTRY)
    for key in ("b", "x"):
        values = P.vector(p, key, len(a))
        if any(abs(v) > MAX_ENTRY for v in values):
            raise ParamsError(f"params: {key!r} entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def _prompt(p: dict) -> str:
    if len(p["A"]) == 1:
        return (f"A one-dimensional flow maps $z \\sim \\mathcal{{N}}(0, 1)$ to $x = f(z) = a z + b$ with "
                f"$a = {exact(p['A'][0][0])}$ and $b = {exact(p['b'][0])}$.\n"
                f"What is the density $p_x(x)$ at $x = {exact(p['x'][0])}$?")
    return (f"A flow maps $z \\sim \\mathcal{{N}}(0, I_2)$ to $x = f(z) = A z + b$ with\n"
            f"$$A = {bmatrix(p['A'], 15)}, \\quad b = {exact_vec(p['b'])}$$\n"
            f"What is the density $p_x(x)$ at $x = {exact_vec(p['x'])}$?")


def _solution(p: dict) -> str:
    z, d = preimage(p), det(p["A"])
    lines = ["Change of variables: $p_x(x) = p_z(f^{-1}(x)) \\left|\\det \\frac{\\partial f^{-1}}{\\partial x}\\right| "
             + ("= \\frac{p_z((x - b)/a)}{|a|}$." if len(z) == 1 else "= \\frac{p_z(A^{-1}(x - b))}{|\\det A|}$.")]
    if len(z) == 1:
        a, b, x = p["A"][0][0], p["b"][0], p["x"][0]
        lines += [f"$z = f^{{-1}}(x) = \\frac{{x - b}}{{a}} = \\frac{{{exact(x)} - {paren(b)}}}{{{exact(a)}}} = {num(z[0], 6)}$",
                  f"$p_z(z) = \\frac{{1}}{{\\sqrt{{2\\pi}}}} e^{{-z^2/2}} = {num(standard_normal(z), 6)}$",
                  f"$\\left|\\frac{{dz}}{{dx}}\\right| = \\frac{{1}}{{|a|}} = \\frac{{1}}{{{num(abs(a))}}}$"]
    else:
        lines += [f"$\\det A = {num(d, 6)}$, $A^{{-1}} = {bmatrix(inverse(p['A']), 6)}$",
                  f"$z = A^{{-1}}(x - b) = A^{{-1}} {vec([x - b for x, b in zip(p['x'], p['b'])], 6)} = {vec(z, 6)}$",
                  f"$p_z(z) = \\frac{{1}}{{2\\pi}} e^{{-\\|z\\|^2/2}} = \\frac{{1}}{{2\\pi}} e^{{-{num(sum(v * v for v in z), 6)}/2}} "
                  f"= {num(standard_normal(z), 6)}$"]
    lines.append(f"$p_x(x) = {num(standard_normal(z), 6)} / {num(abs(d), 6)} = {num(density(p), 6)}$")
    if d < 0:
        lines.append("The determinant is negative (the map flips orientation): the absolute value keeps the "
                     "density positive.")
    return "\n".join(lines)


def _negative_det(p: dict) -> float | None:
    return density(p, jacobian="signed") if det(p["A"]) < 0 else None


def _shift_after(p: dict) -> float | None:
    if not any(p["b"]):
        return None
    return density(p, at=preimage(p, shift_first=False))


CHANGE_OF_VARIABLES = Generator(
    id="flows.change-of-variables",
    title="Change of variables for an affine flow",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=density,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Find the $z$ that produced $x$: $z = f^{-1}(x)$.",
                     "An affine map stretches volume by $|\\det A|$ everywhere, so density is divided by it."],
    mistakes=(
        Mistake("multiplied-by-jacobian", "You multiplied by $|\\det A|$ ($|a|$ in one dimension): the density is divided by how much "
                "$f$ stretches volume, $p_x(x) = p_z(z) / |\\det A|$ (the Jacobian of the inverse map).",
                lambda p: density(p, jacobian="forward")),
        Mistake("forgot-jacobian", "You evaluated $p_z$ at $f^{-1}(x)$ but left out "
                "$\\left|\\det \\frac{\\partial f^{-1}}{\\partial x}\\right| = 1/|\\det A|$ ($1/|a|$ in one dimension).",
                lambda p: density(p, jacobian="none")),
        Mistake("did-not-invert", "You evaluated $p_z$ at $x$: it must be evaluated at the $z = f^{-1}(x)$ "
                "that $f$ maps to $x$.", lambda p: density(p, at=p["x"])),
        Mistake("forgot-absolute-value", "A density cannot be negative: divide by $|\\det A|$, the absolute value.",
                _negative_det),
        Mistake("shift-after-inverse", "Undo the shift before the linear map: $f^{-1}(x) = A^{-1}(x - b)$, "
                "not $A^{-1}x - b$.", _shift_after),
    ),
    tags=("change-of-variables", "density"),
    difficulty=2,
)

GENERATORS = [CHANGE_OF_VARIABLES]
