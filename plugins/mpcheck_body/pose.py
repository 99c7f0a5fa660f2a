"""Pose estimation tools: reading a joint from a heatmap with a soft-argmax, and the reprojection
error that optimisation-based fitting minimises.

    soft-argmax:  (x̂, ŷ) = Σ_{x,y} softmax(β h)_{x,y} · (x, y)      (differentiable, sub-pixel)
    pinhole:      π(X, Y, Z) = (f X / Z + c_x, f Y / Z + c_y)
    reprojection: E = Σ_i ‖π(X_i) − x_i‖²
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real, Vector, tidy
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, bmatrix, exact, exact_vec, num
from mpcheck_body.formatting import factor, point

# --- soft-argmax --------------------------------------------------------------------------------

SOFT_KEYS = ("heatmap", "beta")


def softmax_weights(heatmap: list[list[float]], beta: float) -> list[list[float]]:
    # softmax(β h): subtract the maximum first so exp never overflows
    top = max(max(row) for row in heatmap)
    exps = [[math.exp(beta * (h - top)) for h in row] for row in heatmap]
    total = sum(map(sum, exps))
    return [[e / total for e in row] for row in exps]


def expected_position(weights: list[list[float]]) -> list[float]:
    """Σ weight · (x, y), with columns x = 1..W from the left and rows y = 1..H from the top."""
    x = sum(w * (c + 1) for row in weights for c, w in enumerate(row))
    y = sum(w * (r + 1) for r, row in enumerate(weights) for w in row)
    return tidy([x, y])


def soft_argmax(p: dict) -> list[float]:
    return expected_position(softmax_weights(p["heatmap"], p["beta"]))


def _hard_argmax(p: dict) -> list[float]:
    flat = [(h, r, c) for r, row in enumerate(p["heatmap"]) for c, h in enumerate(row)]
    _, r, c = max(flat, key=lambda t: (t[0], -t[1], -t[2]))  # first maximum, row-major
    return [float(c + 1), float(r + 1)]


def _linear_normalisation(p: dict) -> list[float] | None:
    if any(h < 0 for row in p["heatmap"] for h in row):
        return None
    total = sum(map(sum, p["heatmap"]))
    if total <= 0:
        return None
    return expected_position([[h / total for h in row] for row in p["heatmap"]])


def _soft_sample(rng) -> dict:
    rows, cols = sampling.pick(rng, [(2, 3), (3, 3), (3, 2)])
    return {"heatmap": sampling.decimals(rng, 0, 2, 1, shape=(rows, cols)),
            "beta": sampling.pick(rng, [1.0, 2.0, 0.5])}


def _soft_validate(p: dict) -> None:
    P.check_keys(p, SOFT_KEYS)
    heatmap = P.matrix(p, "heatmap", max_dim=32)
    beta = P.real(p, "beta", 0, 1e3, strict_lo=True)
    if any(abs(h) > 1e3 for row in heatmap for h in row):
        raise ParamsError("params: 'heatmap' values must lie in [−1000, 1000]")
    del beta


def _soft_prompt(p: dict) -> str:
    return ("A network predicts this heatmap for one joint (columns $x = 1, 2, \\dots$ from the left, "
            "rows $y = 1, 2, \\dots$ from the top):\n"
            f"$$h = {bmatrix(p['heatmap'], EXACT_DIGITS)}$$\n"
            f"Give the soft-argmax $\\sum_{{x, y}} \\mathrm{{softmax}}(\\beta h)_{{x, y}}\\,(x, y)$ with "
            f"$\\beta = {exact(p['beta'])}$, as $[x, y]$.")


def _soft_solution(p: dict) -> str:
    weights = softmax_weights(p["heatmap"], p["beta"])
    return "\n".join([
        f"Weights: exponentiate $\\beta h$ (here $\\beta = {num(p['beta'])}$) and divide by the sum:",
        f"$$\\mathrm{{softmax}}(\\beta h) = {bmatrix(weights)}$$",
        "The expected column and row under these weights:",
        f"$\\hat{{x}} = \\sum w \\cdot x = {num(soft_argmax(p)[0], 6)}$, $\\hat{{y}} = \\sum w \\cdot y = "
        f"{num(soft_argmax(p)[1], 6)}$.",
        "Unlike the hard argmax this is differentiable and can land between pixels."])


SOFT_ARGMAX = Generator(
    id="body.soft-argmax",
    title="Soft-argmax of a joint heatmap",
    answer_kind=Vector(length=2),
    sample_params=_soft_sample,
    validate_params=_soft_validate,
    solve=soft_argmax,
    prompt=_soft_prompt,
    solution=_soft_solution,
    hints=lambda p: ["Turn the heatmap into a distribution over pixels with a softmax of $\\beta h$.",
                     "Then take the expected $x$ and the expected $y$ under it."],
    mistakes=(
        Mistake("hard-argmax", "That is the hard argmax: the soft-argmax averages every pixel's position, "
                "weighted by the softmax.", _hard_argmax),
        Mistake("forgot-beta", "Scale the heatmap by $\\beta$ before the softmax.",
                lambda p: expected_position(softmax_weights(p["heatmap"], 1.0)) if p["beta"] != 1 else None),
        Mistake("no-softmax", "Dividing the heatmap by its sum is not the softmax: exponentiate first.",
                _linear_normalisation),
        Mistake("swapped-coordinates", "Give $[x, y]$: $x$ counts columns, $y$ counts rows.",
                lambda p: soft_argmax(p)[::-1]),
    ),
    tags=("heatmaps", "soft-argmax", "pose"),
    difficulty=1,
)


# --- reprojection error ----------------------------------------------------------------------------

REPROJECTION_KEYS = ("points", "detections", "focal", "center")


def project(X: list[float], focal: float, center: list[float], divide: bool = True) -> list[float]:
    # π(X, Y, Z) = (f X / Z + c_x, f Y / Z + c_y)
    z = X[2] if divide else 1.0
    return [focal * X[0] / z + center[0], focal * X[1] / z + center[1]]


def residuals(p: dict, **kwargs) -> list[list[float]]:
    return [[a - b for a, b in zip(project(X, p["focal"], p["center"], **kwargs), x)]
            for X, x in zip(p["points"], p["detections"])]


# E = Σ_i ‖π(X_i) − x_i‖²
def reprojection_error(p: dict, divide: bool = True, squared: bool = True) -> float:
    norms = [math.hypot(*r) for r in residuals(p, divide=divide)]
    return sum(n * n for n in norms) if squared else sum(norms)


def _reprojection_sample(rng) -> dict:
    count = sampling.pick(rng, [2, 2, 3])
    focal = float(sampling.pick(rng, [100, 200, 500]))
    center = [float(sampling.pick(rng, [0, 50, 100])) for _ in range(2)]
    points = [[float(sampling.ints(rng, -2, 2)), float(sampling.ints(rng, -2, 2)), float(sampling.pick(rng, [2, 4, 5]))]
              for _ in range(count)]
    detections = [[round(u + sampling.ints(rng, -5, 5)), round(v + sampling.ints(rng, -5, 5))]
                  for u, v in (project(X, focal, center) for X in points)]
    return {"points": points, "detections": [[float(a), float(b)] for a, b in detections],
            "focal": focal, "center": center}


def _reprojection_validate(p: dict) -> None:
    P.check_keys(p, REPROJECTION_KEYS)
    points = P.matrix(p, "points", cols=3)
    P.matrix(p, "detections", rows=len(points), cols=2)
    P.real(p, "focal", 0, 1e5, strict_lo=True)
    P.vector(p, "center", 2)
    if any(X[2] <= 0 for X in points):
        raise ParamsError("params: every point must lie in front of the camera (Z > 0)")
    if any(abs(v) > 1e4 for row in [*points, *p["detections"], p["center"]] for v in row):
        raise ParamsError("params: coordinates must lie in [−10000, 10000]")
    if any(X[2] < 1e-3 for X in points):
        raise ParamsError("params: depths below 0.001 project too far out of the image")


def _reprojection_prompt(p: dict) -> str:
    pairs = "\n".join(f"$X_{{{i + 1}}} = {exact_vec(X)}$ was detected at $x_{{{i + 1}}} = {exact_vec(x)}$."
                      for i, (X, x) in enumerate(zip(p["points"], p["detections"])))
    return (f"A pinhole camera has focal length $f = {exact(p['focal'])}$ pixels and principal point "
            f"$c = {exact_vec(p['center'])}$: $\\pi(X, Y, Z) = (f X / Z + c_x,\\; f Y / Z + c_y)$.\n{pairs}\n"
            "Give the reprojection error $E = \\sum_i \\lVert \\pi(X_i) - x_i \\rVert^2$ (in squared pixels).")


def _reprojection_solution(p: dict) -> str:
    lines = []
    for i, (X, x, r) in enumerate(zip(p["points"], p["detections"], residuals(p))):
        u = project(X, p["focal"], p["center"])
        lines.append(f"$\\pi(X_{{{i + 1}}}) = ({num(p['focal'])} \\cdot {factor(X[0])}/{num(X[2])} + {num(p['center'][0])},\\; "
                     f"{num(p['focal'])} \\cdot {factor(X[1])}/{num(X[2])} + {num(p['center'][1])}) = {point(u, 6)}$; "
                     f"residual ${point(r, 6)}$, squared norm ${num(r[0] ** 2 + r[1] ** 2, 6)}$.")
    lines.append(f"$E = {num(reprojection_error(p), 6)}$: the sum of the squared pixel distances.")
    return "\n".join(lines)


REPROJECTION_ERROR = Generator(
    id="body.reprojection-error",
    title="Reprojection error of 3-D joints",
    answer_kind=Real(),
    sample_params=_reprojection_sample,
    validate_params=_reprojection_validate,
    solve=reprojection_error,
    prompt=_reprojection_prompt,
    solution=_reprojection_solution,
    hints=lambda p: ["Project each 3-D point: divide by its depth, scale by $f$, shift by $c$.",
                     "Square the pixel distance to its detection and add over the points."],
    mistakes=(
        Mistake("forgot-perspective-divide", "A pinhole camera divides by the depth $Z$: far points move less.",
                lambda p: reprojection_error(p, divide=False) if any(X[2] != 1 for X in p["points"]) else None),
        Mistake("distances-not-squared", "The error sums squared distances $\\lVert \\cdot \\rVert^2$.",
                lambda p: reprojection_error(p, squared=False)),
        Mistake("forgot-principal-point", "Add the principal point $c$ after scaling by $f$.",
                lambda p: reprojection_error({**p, "center": [0.0, 0.0]}) if any(p["center"]) else None),
    ),
    tags=("pose", "camera", "fitting"),
    difficulty=1,
)

GENERATORS = [SOFT_ARGMAX, REPROJECTION_ERROR]
