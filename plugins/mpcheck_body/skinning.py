"""Linear blend skinning and the SMPL shape space.

    t'_i = Σ_k w_ki G_k t_i        (homogeneous t_i = [x, y, z, 1]; weights normalised, Σ_k w_ki = 1)
    T = S β + μ                     (a body shape is the mean shape plus a weighted sum of shape directions)
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector, tidy
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, bmatrix, exact, exact_vec, num
from mpcheck_body.formatting import factor, point

LBS_KEYS = ("vertex", "weights", "transforms")
MAX_BONES = 8
MAX_ENTRY = 1e4


def transform_point(G: list[list[float]], t: list[float], w: float = 1.0) -> list[float]:
    """The first three rows of G [t; w]: w = 1 for a point (translation applies), 0 for a direction."""
    return [sum(G[r][c] * x for c, x in enumerate([*t, w])) for r in range(3)]


def normalised(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [w / total for w in weights]


# t' = Σ_k w_k G_k [t; 1]
def blend(p: dict, weights: list[float] | None = None, homogeneous: float = 1.0, transpose: bool = False) -> list[float]:
    weights = normalised(p["weights"]) if weights is None else weights
    out, reach = [0.0, 0.0, 0.0], 0.0
    for w, G in zip(weights, p["transforms"]):
        if transpose:
            G = [list(row) for row in zip(*G)]
        moved = transform_point(G, p["vertex"], homogeneous)
        out = [o + w * m for o, m in zip(out, moved)]
        reach += abs(w) * max(map(abs, moved))
    return tidy(out, reach)


def _lbs_solve(p: dict) -> list[float]:
    return blend(p)


def _rotation_z(degrees: float) -> list[list[float]]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [[round(c, 4), -round(s, 4), 0.0], [round(s, 4), round(c, 4), 0.0], [0.0, 0.0, 1.0]]


def _rigid(rng) -> list[list[float]]:
    """A bone transform with short numbers: a rotation about one axis by a round angle, a translation."""
    R = _rotation_z(sampling.pick(rng, [0, 30, 45, 60, 90, -90, 180]))
    axis = sampling.pick(rng, ["z", "x"])
    if axis == "x":  # the same rotation about x: permute the axes
        R = [[1.0, 0.0, 0.0], [0.0, R[0][0], R[0][1]], [0.0, R[1][0], R[1][1]]]
    t = [float(sampling.ints(rng, -2, 2)) for _ in range(3)]
    return [[*R[r], t[r]] for r in range(3)] + [[0.0, 0.0, 0.0, 1.0]]


NORMALISED = {2: [[0.5, 0.5], [0.25, 0.75], [0.2, 0.8], [0.6, 0.4], [0.9, 0.1]],
              3: [[0.5, 0.25, 0.25], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]]}


def _lbs_sample(rng) -> dict:
    bones = sampling.pick(rng, [2, 2, 3])
    # half the time normalised weights, half raw influences (small integers) to be normalised
    if sampling.pick(rng, [True, False]):
        weights = list(sampling.pick(rng, NORMALISED[bones]))
    else:
        weights = [float(sampling.ints(rng, 1, 4)) for _ in range(bones)]
    return {"vertex": [float(sampling.ints(rng, -2, 2)) for _ in range(3)], "weights": weights,
            "transforms": [_rigid(rng) for _ in range(bones)]}


def _lbs_validate(p: dict) -> None:
    P.check_keys(p, LBS_KEYS)
    P.vector(p, "vertex", 3)
    weights = P.vector(p, "weights", max_length=MAX_BONES)
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ParamsError("params: skinning 'weights' must be ≥ 0 with a positive sum")
    transforms = p.get("transforms")
    if not isinstance(transforms, list) or len(transforms) != len(weights):
        raise ParamsError(f"params: 'transforms' must be a list of {len(weights)} 4×4 matrices, one per weight")
    for k in range(len(weights)):
        G = P.matrix({"G": transforms[k]}, "G", rows=4, cols=4)
        if G[3] != [0.0, 0.0, 0.0, 1.0]:
            raise ParamsError(f"params: transforms[{k}] must be homogeneous, with last row [0, 0, 0, 1]")
    values = [*p["vertex"], *weights, *(x for G in transforms for row in G for x in row)]
    if any(abs(x) > MAX_ENTRY for x in values):
        raise ParamsError(f"params: entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def _lbs_prompt(p: dict) -> str:
    weights = ", ".join(exact(w) for w in p["weights"])
    bones = "\n".join(f"$$G_{{{k + 1}}} = {bmatrix(G, EXACT_DIGITS)}$$" for k, G in enumerate(p["transforms"]))
    note = ("" if abs(sum(p["weights"]) - 1) < 1e-9
            else " (raw influences: normalise them so they sum to 1)")
    return (f"Linear blend skinning moves the rest-pose vertex $t = {exact_vec(p['vertex'])}$ with the bone "
            f"transforms below and skinning weights $w = ({weights})${note}.\n"
            f"{bones}\n"
            "Give the skinned vertex $t' = \\sum_k w_k G_k \\begin{bmatrix} t \\\\ 1 \\end{bmatrix}$ "
            "(its first three coordinates).")


def _lbs_solution(p: dict) -> str:
    weights = normalised(p["weights"])
    lines = []
    if abs(sum(p["weights"]) - 1) > 1e-9:
        lines.append(f"Normalise the weights: their sum is {num(sum(p['weights']))}, so "
                     f"$w = ({', '.join(num(w, 6) for w in weights)})$.")
    for k, G in enumerate(p["transforms"]):
        lines.append(f"$G_{{{k + 1}}} [t; 1] = {point(transform_point(G, p['vertex']))}$ "
                     "(rotate, then add the translation column)")
    terms = " + ".join(f"{num(w, 6)} \\cdot {point(transform_point(G, p['vertex']))}"
                       for w, G in zip(weights, p["transforms"]))
    lines.append(f"$t' = {terms} = {point(blend(p), 6)}$")
    return "\n".join(lines)


LBS = Generator(
    id="body.lbs",
    title="Linear blend skinning of one vertex",
    answer_kind=Vector(length=3),
    sample_params=_lbs_sample,
    validate_params=_lbs_validate,
    solve=_lbs_solve,
    prompt=_lbs_prompt,
    solution=_lbs_solution,
    hints=lambda p: ["Move the vertex rigidly with every bone, then average the results with the weights.",
                     "Use homogeneous coordinates $[x, y, z, 1]$ so the translation column applies."],
    mistakes=(
        Mistake("weights-not-normalised", "Skinning weights are a convex combination: divide by their sum "
                "first, or the vertex is scaled as well as moved.",
                lambda p: blend(p, weights=p["weights"]) if abs(sum(p["weights"]) - 1) > 1e-9 else None),
        Mistake("forgot-translation", "A vertex is a point: append a 1, $[x, y, z, 1]$, so the bone's "
                "translation moves it.", lambda p: blend(p, homogeneous=0.0)),
        Mistake("transposed-transform", "$G_k$ acts on the column vector $[t; 1]$ from the left; you used "
                "its transpose (the row-vector convention).", lambda p: blend(p, transpose=True)),
        Mistake("rigid-skinning", "Linear blend skinning blends every bone by its weight; you moved the "
                "vertex with the most influential bone alone.",
                lambda p: tidy(transform_point(p["transforms"][max(range(len(p["weights"])),
                                                                   key=lambda k: p["weights"][k])], p["vertex"]))),
    ),
    tags=("skinning", "smpl"),
    difficulty=2,
)


# --- the shape space: T = S β + μ ---------------------------------------------------------------

SHAPE_KEYS = ("mean", "directions", "betas")


def shape(p: dict, with_mean: bool = True, components: int | None = None) -> list[float]:
    betas = p["betas"][:components] if components else p["betas"]
    # T = μ + Σ_j β_j S_j
    out = list(p["mean"]) if with_mean else [0.0] * len(p["mean"])
    reach = max(map(abs, out))
    for beta, direction in zip(betas, p["directions"]):
        out = [o + beta * d for o, d in zip(out, direction)]
        reach += abs(beta) * max(map(abs, direction))
    return tidy(out, reach)


def _shape_sample(rng) -> dict:
    components = sampling.pick(rng, [2, 2, 3])
    return {"mean": sampling.decimals(rng, -1, 1, 1, shape=3),
            "directions": [sampling.decimals(rng, -0.5, 0.5, 1, shape=3) for _ in range(components)],
            "betas": [sampling.pick(rng, [-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0]) for _ in range(components)]}


def _shape_validate(p: dict) -> None:
    P.check_keys(p, SHAPE_KEYS)
    mean = P.vector(p, "mean", 3)  # one vertex: x, y, z
    betas = P.vector(p, "betas", max_length=300)
    directions = P.matrix(p, "directions", rows=len(betas), cols=len(mean), max_dim=300)
    if any(abs(x) > MAX_ENTRY for x in [*mean, *betas, *(v for row in directions for v in row)]):
        raise ParamsError(f"params: entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")


def _shape_prompt(p: dict) -> str:
    # one formula per direction, so that a long list can break between them on paper
    directions = ", ".join(f"$S_{{{j + 1}}} = {exact_vec(d)}$" for j, d in enumerate(p["directions"]))
    return ("A body model's shape space is a PCA of registered scans: $T = \\mu + \\sum_j \\beta_j S_j$.\n"
            f"For one vertex the mean is $\\mu = {exact_vec(p['mean'])}$ and the shape directions are {directions}.\n"
            f"Give the vertex for the shape coefficients $\\beta = ({', '.join(exact(b) for b in p['betas'])})$.")


def _shape_solution(p: dict) -> str:
    terms = " + ".join(f"{factor(b)} \\cdot {point(d)}" for b, d in zip(p["betas"], p["directions"]))
    return (f"$T = \\mu + \\sum_j \\beta_j S_j = {point(p['mean'])} + {terms} = {point(shape(p), 6)}$\n"
            "The coefficients only say how far to move along each direction; the mean shape is where every "
            "body starts.")


SHAPE_BLEND = Generator(
    id="body.shape-blend",
    title="A vertex of the PCA shape space",
    answer_kind=Vector(length=3),
    sample_params=_shape_sample,
    validate_params=_shape_validate,
    solve=shape,
    prompt=_shape_prompt,
    solution=_shape_solution,
    hints=lambda p: ["Start from the mean shape $\\mu$.", "Add each direction scaled by its coefficient."],
    mistakes=(
        Mistake("forgot-the-mean", "The directions describe deviations from the mean shape: add $\\mu$.",
                lambda p: shape(p, with_mean=False)),
        Mistake("first-component-only", "Every coefficient contributes, not only the first principal direction.",
                lambda p: shape(p, components=1)),
    ),
    tags=("smpl", "shape space", "pca"),
    difficulty=1,
)

GENERATORS = [LBS, SHAPE_BLEND]
