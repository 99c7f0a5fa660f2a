"""The plane through three points: its normal is the cross product of two edge vectors.

    n = (p_2 − p_1) × (p_3 − p_1),    plane: n · x = n · p_1,   i.e.  a x + b y + c z = d

A plane has many such equations (any non-zero multiple), so the answer kind accepts every one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Match, Mistake, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, num
from mpcheck_math.formatting import linear, paren

KEYS = ("points",)
MAX_COORDINATE = 1e4


@dataclass(frozen=True)
class PlaneCoefficients(Vector):
    """[a, b, c, d] for a x + b y + c z = d, right when it is a non-zero multiple of the expected."""

    length: int | None = 4
    name = "plane"

    @property
    def instructions(self) -> str:  # type: ignore[override]
        return ("Answer with [a, b, c, d] for the plane a x + b y + c z = d, e.g. [1, -2, 3, 4]; "
                "any non-zero multiple of the coefficients is accepted.")

    def compare(self, given: list[float], expected: list[float]) -> Match:
        if len(given) != 4:
            return Match(False, f"Give four numbers [a, b, c, d], got {len(given)}.")
        if all(g == 0 for g in given[:3]):
            return Match(False, "a = b = c = 0 is not a plane: the normal (a, b, c) must not vanish.")
        # scale the answer onto the expected coefficients through their largest entry
        k = max(range(4), key=lambda i: abs(expected[i]))
        if given[k] == 0:
            return Match(False)
        scale = expected[k] / given[k]
        return super().compare([g * scale for g in given], expected)

    def equivalent_forms(self, expected: list[float]) -> list[str]:
        forms = super().equivalent_forms(expected)
        for factor in (2, -1, -3):
            forms.append(self.format([factor * e for e in expected]))
        return forms

    def perturbations(self, expected: list[float]) -> list[list[float]]:
        # one coefficient changed at a time: never a multiple of the expected plane
        values = []
        for i, e in enumerate(expected):
            step = max(0.05 * abs(e), 0.5)
            values.append([v + step if j == i else v for j, v in enumerate(expected)])
        return values


def sub(a: list[float], b: list[float]) -> list[float]:
    return [x - y for x, y in zip(a, b)]


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


# a × b = (a_y b_z − a_z b_y, a_z b_x − a_x b_z, a_x b_y − a_y b_x)
def cross(a: list[float], b: list[float]) -> list[float]:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def normal(p: dict) -> list[float]:
    p1, p2, p3 = p["points"]
    # n = (p_2 − p_1) × (p_3 − p_1)
    return cross(sub(p2, p1), sub(p3, p1))


def tidy(coefficients: list[float]) -> list[float]:
    """Integer coefficients divided by their gcd, first non-zero normal entry positive."""
    if all(float(c).is_integer() for c in coefficients):
        ints = [int(c) for c in coefficients]
        divisor = math.gcd(*ints) or 1
        ints = [c // divisor for c in ints]
        first = next(c for c in ints[:3] if c != 0)
        return [float(c if first > 0 else -c) for c in ints]
    return [float(c) for c in coefficients]


def plane_from(n: list[float], point: list[float]) -> list[float]:
    # n · x = n · p_1
    return [*n, dot(n, point)]


def _solve(p: dict) -> list[float]:
    return tidy(plane_from(normal(p), p["points"][0]))


def _or_none(coefficients: list[float]) -> list[float] | None:
    return tidy(coefficients) if any(c != 0 for c in coefficients[:3]) else None


def _cross_of_positions(p: dict) -> list[float] | None:
    p1, p2, _ = p["points"]
    return _or_none(plane_from(cross(p1, p2), p1))


def _middle_sign(p: dict) -> list[float] | None:
    n = normal(p)
    return _or_none(plane_from([n[0], -n[1], n[2]], p["points"][0]))


def _d_sign(p: dict) -> list[float] | None:
    a, b, c, d = plane_from(normal(p), p["points"][0])
    return tidy([a, b, c, -d]) if d != 0 else None


def _through_origin(p: dict) -> list[float] | None:
    a, b, c, d = plane_from(normal(p), p["points"][0])
    return tidy([a, b, c, 0.0]) if d != 0 else None


def _sample(rng) -> dict:
    while True:
        points = [[float(sampling.ints(rng, -3, 3)) for _ in range(3)] for _ in range(3)]
        p = {"points": points}
        n = normal(p)
        # not collinear, and a normal with at least two non-zero entries (a real cross product)
        if sum(c != 0 for c in n) >= 2:
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    points = P.matrix(p, "points", rows=3, cols=3)
    if any(abs(v) > MAX_COORDINATE for row in points for v in row):
        raise ParamsError(f"params: coordinates must lie in [−{MAX_COORDINATE:g}, {MAX_COORDINATE:g}]")
    if all(c == 0 for c in normal(p)):
        raise ParamsError("params: the three points lie on one line, so no single plane passes through them")


def _point(v: list[float], digits: int = 4) -> str:
    return "(" + ", ".join(num(x, digits) for x in v) + ")"


def _product(a: float, b: float, c: float, d: float) -> str:
    """``a·b − c·d`` with negatives in parentheses."""
    return f"{paren(a)} \\cdot {paren(b)} - {paren(c)} \\cdot {paren(d)}"


def _prompt(p: dict) -> str:
    p1, p2, p3 = (_point(q, EXACT_DIGITS) for q in p["points"])  # params as given
    return (f"Find the plane through $p_1 = {p1}$, $p_2 = {p2}$ and $p_3 = {p3}$.\n"
            "Give its equation $a x + b y + c z = d$ as $[a, b, c, d]$ (any non-zero multiple is accepted).")


def _solution(p: dict) -> str:
    p1, p2, p3 = p["points"]
    u, v, n = sub(p2, p1), sub(p3, p1), normal(p)
    d = dot(n, p1)
    answer = _solve(p)
    return "\n".join([
        f"Two edge vectors: $p_2 - p_1 = {_point(u)}$ and $p_3 - p_1 = {_point(v)}$.",
        "Their cross product is normal to the plane:",
        # one row per coordinate: the three products side by side would not fit a page
        f"$$\\begin{{aligned}} n_1 &= {_product(u[1], v[2], u[2], v[1])} \\\\ "
        f"n_2 &= {_product(u[2], v[0], u[0], v[2])} \\\\ n_3 &= {_product(u[0], v[1], u[1], v[0])} "
        f"\\end{{aligned}}$$",
        f"so $n = (p_2 - p_1) \\times (p_3 - p_1) = {_point(n)}$.",
        f"Every point $x$ of the plane has $n \\cdot x = n \\cdot p_1 = {num(d)}$.",
        f"So ${linear(n, ['x', 'y', 'z'])} = {num(d)}$"
        + (f", or divided by a common factor, ${linear(answer[:3], ['x', 'y', 'z'])} = {num(answer[3])}$"
           if answer[:3] != [float(c) for c in n] else "")
        + f": $[a, b, c, d] = [{', '.join(num(c) for c in answer)}]$.",
        f"Check: $n \\cdot p_2 = {num(dot(n, p2))}$ and $n \\cdot p_3 = {num(dot(n, p3))}$ equal $d$ too."])


PLANE_EQUATION = Generator(
    id="math.plane-equation",
    title="The plane through three points",
    answer_kind=PlaneCoefficients(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Two vectors in the plane are $p_2 - p_1$ and $p_3 - p_1$; their cross product is "
                     "perpendicular to both.",
                     "Once you have the normal $n$, $d = n \\cdot p_1$ makes $p_1$ satisfy the equation."],
    mistakes=(
        Mistake("cross-of-positions", "Cross the edge vectors $p_2 - p_1$ and $p_3 - p_1$, not the position "
                "vectors $p_1 \\times p_2$: positions depend on where the origin is.", _cross_of_positions),
        Mistake("middle-component-sign", "The middle component of $u \\times v$ is $u_z v_x - u_x v_z$: in the "
                "determinant expansion it carries a minus sign.", _middle_sign),
        Mistake("d-sign", "With the form $a x + b y + c z = d$, $d = n \\cdot p_1$; the form "
                "$a x + b y + c z + d = 0$ has the opposite sign.", _d_sign),
        Mistake("through-origin", "The plane need not pass through the origin: $d = n \\cdot p_1$.",
                _through_origin),
    ),
    tags=("geometry", "cross product", "plane"),
    difficulty=1,
)

GENERATORS = [PLANE_EQUATION]
