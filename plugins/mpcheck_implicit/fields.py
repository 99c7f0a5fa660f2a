"""Fields sampled on grids and given in closed form: trilinear interpolation (Instant-NGP's feature
grids), voxel memory, signed distances of primitives, and the eikonal loss.

    trilinear: f(x, y, z) = Σ_{corners} f_c · Π_axes (x if the corner's bit is 1 else 1 − x)
    sphere: f(p) = ‖p − c‖ − r;   plane through p_1, p_2, p_3: f(p) = n̂ · (p − p_1), n̂ ∥ (p_2 − p_1) × (p_3 − p_1)
    torus (axis y): f(p) = ‖(‖(p_x, p_z)‖ − R, p_y)‖ − r
    eikonal: L = mean_i (‖∇f(x_i)‖ − 1)²
"""

from __future__ import annotations

import itertools
import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec

# --- trilinear interpolation -------------------------------------------------------------------------

CORNERS = list(itertools.product((0, 1), repeat=3))  # (i, j, k) for x, y, z


def trilinear(p: dict, flip: bool = False) -> float:
    x, y, z = p["point"]
    total = 0.0
    for (i, j, k), value in zip(CORNERS, p["values"]):
        # weight of corner (i, j, k): x if i = 1 else 1 − x, for each axis
        w = 1.0
        for bit, t in ((i, x), (j, y), (k, z)):
            w *= (1 - t if bit else t) if flip else (t if bit else 1 - t)
        total += w * value
    return total


def _nearest(p: dict) -> float:
    corner = tuple(int(t >= 0.5) for t in p["point"])
    return p["values"][CORNERS.index(corner)]


def _tri_sample(rng) -> dict:
    while True:
        point = [sampling.pick(rng, [0.25, 0.5, 0.75, 0.2, 0.6]) for _ in range(3)]
        if any(t != 0.5 for t in point):
            return {"values": [float(sampling.ints(rng, 0, 9)) for _ in range(8)], "point": point}


def _tri_validate(p: dict) -> None:
    P.check_keys(p, ("values", "point"))
    values = P.vector(p, "values", 8)
    point = P.vector(p, "point", 3)
    if any(not 0 <= t <= 1 for t in point):
        raise ParamsError("params: 'point' must lie in the unit cell [0, 1]³")
    if any(abs(v) > 1e6 for v in values):
        raise ParamsError("params: corner values must lie in [−1e6, 1e6]")


def _corner_table(p: dict) -> str:
    cells = " \\\\ ".join(f"({i}, {j}, {k}) & {exact(v)}" for (i, j, k), v in zip(CORNERS, p["values"]))
    return ("$$\\begin{array}{|c|c|}\\hline (x, y, z) & f \\\\ \\hline " + cells + " \\\\ \\hline\\end{array}$$")


def _tri_prompt(p: dict) -> str:
    return ("A feature grid stores these values at the corners of a unit cell:\n" + _corner_table(p) + "\n"
            f"Interpolate trilinearly at $(x, y, z) = ({', '.join(exact(t) for t in p['point'])})$.")


def _tri_solution(p: dict) -> str:
    x, y, z = p["point"]
    lines = ["Each corner is weighted by the product, over the three axes, of $t$ (corner at 1) or $1 - t$ "
             "(corner at 0):"]
    for (i, j, k), value in zip(CORNERS, p["values"]):
        factors = [f"{num(t) if bit else num(1 - t)}" for bit, t in ((i, x), (j, y), (k, z))]
        weight = math.prod(t if bit else 1 - t for bit, t in ((i, x), (j, y), (k, z)))
        product = " \\cdot ".join(factors)
        lines.append(f"$({i}, {j}, {k})$: $w = {product} = {num(weight, 6)}$, "
                     f"$w f = {num(weight * value, 6)}$")
    lines.append(f"Sum: $f({num(x)}, {num(y)}, {num(z)}) = {num(trilinear(p), 6)}$ (the weights sum to 1).")
    return "\n".join(lines)


TRILINEAR = Generator(
    id="implicit.trilinear",
    title="Trilinear interpolation in a grid cell",
    answer_kind=Real(),
    sample_params=_tri_sample,
    validate_params=_tri_validate,
    solve=trilinear,
    prompt=_tri_prompt,
    solution=_tri_solution,
    hints=lambda p: ["Interpolate along $x$ on the four edges, then along $y$, then along $z$.",
                     "A corner near the point gets a large weight: $t$ for a corner at 1, $1 - t$ for one at 0."],
    mistakes=(
        Mistake("weights-swapped", "A corner at coordinate 1 is weighted by $t$, one at 0 by $1 - t$: "
                "nearer corners weigh more.", lambda p: trilinear(p, flip=True)),
        Mistake("nearest-corner", "That is nearest-neighbour lookup; trilinear interpolation blends all 8 corners.",
                lambda p: _nearest(p) if all(t != 0.5 for t in p["point"]) else None),
        Mistake("plain-average", "Average with the trilinear weights, not equally.",
                lambda p: sum(p["values"]) / 8),
    ),
    tags=("instant-ngp", "interpolation", "grids"),
    difficulty=1,
)


# --- voxel memory -------------------------------------------------------------------------------------

def voxel_mib(p: dict, cube: bool = True, bits: bool = False) -> float:
    # n³ cells × channels × bytes per value, in MiB (2²⁰ bytes)
    cells = p["resolution"] ** (3 if cube else 2)
    return cells * p["channels"] * p["bytes_per_value"] * (8 if bits else 1) / 2**20


def _voxel_sample(rng) -> dict:
    return {"resolution": sampling.pick(rng, [64, 128, 256, 512]), "channels": sampling.pick(rng, [1, 4, 8, 32]),
            "bytes_per_value": sampling.pick(rng, [1, 2, 4])}


def _voxel_validate(p: dict) -> None:
    P.check_keys(p, ("resolution", "channels", "bytes_per_value"))
    P.integer(p, "resolution", 1, 100_000)
    P.integer(p, "channels", 1, 10_000)
    P.integer(p, "bytes_per_value", 1, 16)


VOXEL_MEMORY = Generator(
    id="implicit.voxel-memory",
    title="Memory of a dense voxel grid",
    answer_kind=Real(),
    sample_params=_voxel_sample,
    validate_params=_voxel_validate,
    solve=voxel_mib,
    prompt=lambda p: (f"A dense voxel grid has ${p['resolution']}^3$ cells with {p['channels']} "
                      f"channel{'s' if p['channels'] > 1 else ''} of {p['bytes_per_value']} "
                      f"byte{'s' if p['bytes_per_value'] > 1 else ''} each. How much memory does it take, in MiB "
                      "($1\\,\\text{MiB} = 2^{20}$ bytes)?"),
    solution=lambda p: (f"${p['resolution']}^3 \\cdot {p['channels']} \\cdot {p['bytes_per_value']} = "
                        f"{p['resolution'] ** 3 * p['channels'] * p['bytes_per_value']}$ bytes $= "
                        f"{num(voxel_mib(p), 6)}$ MiB. Doubling the resolution multiplies it by 8: the cubic "
                        "growth that octrees, hash grids and implicit networks avoid."),
    hints=lambda p: ["Count the cells: the resolution cubed.", "Divide bytes by $2^{20}$ for MiB."],
    mistakes=(
        Mistake("squared-not-cubed", "A 3-D grid has $n^3$ cells, not $n^2$.", lambda p: voxel_mib(p, cube=False)),
        Mistake("bits-for-bytes", "The sizes are in bytes; you multiplied by 8 as if counting bits.",
                lambda p: voxel_mib(p, bits=True)),
        Mistake("decimal-megabytes", "A MiB is $2^{20} = 1{,}048{,}576$ bytes, not $10^6$.",
                lambda p: voxel_mib(p) * 2**20 / 1e6),
    ),
    tags=("voxels", "memory"),
    difficulty=1,
)


# --- signed distances of primitives ---------------------------------------------------------------

def norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


def sdf(p: dict, squared: bool = False, unit_normal: bool = True, swap_radii: bool = False) -> float:
    q = p["point"]
    if p["shape"] == "sphere":
        d = [a - b for a, b in zip(q, p["center"])]
        # ‖p − c‖ − r  (the squared-distance slip: ‖p − c‖² − r²)
        return sum(x * x for x in d) - p["radius"] ** 2 if squared else norm(d) - p["radius"]
    if p["shape"] == "plane":
        p1, p2, p3 = p["points"]
        u, v = [b - a for a, b in zip(p1, p2)], [b - a for a, b in zip(p1, p3)]
        n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
        scale = norm(n) if unit_normal else 1.0
        # n̂ · (p − p_1)
        return sum(a * (b - c) for a, b, c in zip(n, q, p1)) / scale
    big, small = (p["minor"], p["major"]) if swap_radii else (p["major"], p["minor"])
    # ‖(‖(p_x, p_z)‖ − R, p_y)‖ − r
    return norm([math.hypot(q[0], q[2]) - big, q[1]]) - small


def _sdf_sample(rng) -> dict:
    shape = sampling.pick(rng, ["sphere", "plane", "torus"])
    point = [float(sampling.ints(rng, -3, 3)) for _ in range(3)]
    if shape == "sphere":
        return {"shape": shape, "point": point, "center": [float(sampling.ints(rng, -1, 1)) for _ in range(3)],
                "radius": float(sampling.pick(rng, [1, 2]))}
    if shape == "plane":
        while True:
            pts = [[float(sampling.ints(rng, -2, 2)) for _ in range(3)] for _ in range(3)]
            p = {"shape": shape, "point": point, "points": pts}
            if abs(sdf(p, unit_normal=False)) > 0 and norm_of_normal(pts) > 0:
                return p
    return {"shape": shape, "point": point, "major": float(sampling.pick(rng, [2, 3])),
            "minor": float(sampling.pick(rng, [0.5, 1]))}


def norm_of_normal(pts: list[list[float]]) -> float:
    p1, p2, p3 = pts
    u, v = [b - a for a, b in zip(p1, p2)], [b - a for a, b in zip(p1, p3)]
    return norm([u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]])


SDF_KEYS = {"sphere": ("shape", "point", "center", "radius"), "plane": ("shape", "point", "points"),
            "torus": ("shape", "point", "major", "minor")}


def _sdf_validate(p: dict) -> None:
    shape = P.one_of(p, "shape", SDF_KEYS)
    P.check_keys(p, SDF_KEYS[shape])
    values = list(P.vector(p, "point", 3))
    if shape == "sphere":
        values += P.vector(p, "center", 3)
        values.append(P.real(p, "radius", 0, 1e4, strict_lo=True))
    elif shape == "plane":
        pts = P.matrix(p, "points", rows=3, cols=3)
        values += [v for row in pts for v in row]
        if norm_of_normal(pts) == 0:
            raise ParamsError("params: the three 'points' lie on one line and define no plane")
    else:
        values += [P.real(p, "major", 0, 1e4, strict_lo=True), P.real(p, "minor", 0, 1e4, strict_lo=True)]
    if any(abs(v) > 1e4 for v in values):
        raise ParamsError("params: coordinates must lie in [−10000, 10000]")


def _sdf_prompt(p: dict) -> str:
    where = f"at $p = {exact_vec(p['point'])}$"
    if p["shape"] == "sphere":
        return (f"Give the signed distance {where} to the sphere with centre ${exact_vec(p['center'])}$ and radius "
                f"${exact(p['radius'])}$ (negative inside).")
    if p["shape"] == "plane":
        pts = ", ".join(f"${exact_vec(q)}$" for q in p["points"])
        return (f"A plane passes through {pts}; orient its normal as $(p_2 - p_1) \\times (p_3 - p_1)$. "
                f"Give the signed distance {where} (positive on the side the normal points to).")
    return (f"A torus around the $y$-axis has major radius $R = {exact(p['major'])}$ and tube radius "
            f"$r = {exact(p['minor'])}$: $f(p) = \\lVert (\\lVert (p_x, p_z) \\rVert - R,\\; p_y) \\rVert - r$. "
            f"Give its signed distance {where}.")


def _sdf_solution(p: dict) -> str:
    q = p["point"]
    if p["shape"] == "sphere":
        d = [a - b for a, b in zip(q, p["center"])]
        return (f"$\\lVert p - c \\rVert = \\lVert {vec(d)} \\rVert = {num(norm(d), 6)}$, so "
                f"$f(p) = {num(norm(d), 6)} - {num(p['radius'])} = {num(sdf(p), 6)}$.")
    if p["shape"] == "plane":
        p1, p2, p3 = p["points"]
        u, v = [b - a for a, b in zip(p1, p2)], [b - a for a, b in zip(p1, p3)]
        n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
        return (f"$n = {vec(u)} \\times {vec(v)} = {vec(n)}$ with $\\lVert n \\rVert = {num(norm(n), 6)}$.\n"
                f"$f(p) = \\frac{{n \\cdot (p - p_1)}}{{\\lVert n \\rVert}} = "
                f"\\frac{{{num(sum(a * (b - c) for a, b, c in zip(n, q, p1)))}}}{{{num(norm(n), 6)}}} = {num(sdf(p), 6)}$")
    ring = math.hypot(q[0], q[2])
    return (f"Distance from the $y$-axis: $\\lVert (p_x, p_z) \\rVert = {num(ring, 6)}$; minus $R$: "
            f"${num(ring - p['major'], 6)}$.\n"
            f"$f(p) = \\lVert ({num(ring - p['major'], 6)}, {num(q[1])}) \\rVert - {num(p['minor'])} = {num(sdf(p), 6)}$")


SDF_PRIMITIVES = Generator(
    id="implicit.sdf-primitives",
    title="Signed distance to a sphere, a plane or a torus",
    answer_kind=Real(),
    sample_params=_sdf_sample,
    validate_params=_sdf_validate,
    solve=sdf,
    prompt=_sdf_prompt,
    solution=_sdf_solution,
    hints=lambda p: ["A signed distance is a true distance: its gradient has length 1.",
                     {"sphere": "Distance to the centre, minus the radius.",
                      "plane": "Project $p - p_1$ onto the unit normal.",
                      "torus": "Reduce to the distance from a circle of radius $R$, then subtract $r$."}[p["shape"]]],
    mistakes=(
        Mistake("squared-distance", "$\\lVert p - c \\rVert^2 - r^2$ has the same zero set but is not a distance: "
                "take the square root.", lambda p: sdf(p, squared=True) if p["shape"] == "sphere" else None),
        Mistake("normal-not-normalised", "Divide by $\\lVert n \\rVert$: only a unit normal gives distances.",
                lambda p: sdf(p, unit_normal=False) if p["shape"] == "plane" else None),
        Mistake("radii-swapped", "$R$ is the distance from the axis to the tube's centre, $r$ the tube's radius.",
                lambda p: sdf(p, swap_radii=True) if p["shape"] == "torus" else None),
    ),
    tags=("sdf", "primitives"),
    difficulty=2,
)


# --- the eikonal loss ------------------------------------------------------------------------------

def eikonal(p: dict, square: bool = True, mean: bool = True, squared_norm: bool = False) -> float:
    norms = [sum(g * g for g in grad) if squared_norm else norm(grad) for grad in p["gradients"]]
    # (‖∇f‖ − 1)², averaged over the samples
    terms = [(n - 1) ** 2 if square else abs(n - 1) for n in norms]
    return sum(terms) / (len(terms) if mean else 1)


def _eik_sample(rng) -> dict:
    count = sampling.pick(rng, [2, 3])
    return {"gradients": [[sampling.pick(rng, [0.0, 0.5, 1.0, -1.0, 1.5, 2.0, -0.5]) for _ in range(3)]
                          for _ in range(count)]}


def _eik_validate(p: dict) -> None:
    P.check_keys(p, ("gradients",))
    grads = P.matrix(p, "gradients", cols=3)
    if any(abs(g) > 1e6 for row in grads for g in row):
        raise ParamsError("params: gradient entries must lie in [−1e6, 1e6]")


EIKONAL = Generator(
    id="implicit.eikonal",
    title="The eikonal loss on sampled gradients",
    answer_kind=Real(),
    sample_params=_eik_sample,
    validate_params=_eik_validate,
    solve=eikonal,
    prompt=lambda p: ("An SDF network has these gradients $\\nabla f(x_i)$ at sample points: "
                      + ", ".join(f"${exact_vec(g)}$" for g in p["gradients"])
                      + ".\nGive the eikonal loss $\\frac{1}{N} \\sum_i (\\lVert \\nabla f(x_i) \\rVert - 1)^2$."),
    solution=lambda p: "\n".join(
        [f"$\\lVert {vec(g)} \\rVert = {num(norm(g), 6)}$, $(\\lVert \\nabla f \\rVert - 1)^2 = {num((norm(g) - 1) ** 2, 6)}$"
         for g in p["gradients"]]
        + [f"Mean over ${len(p['gradients'])}$ samples: ${num(eikonal(p), 6)}$. It is 0 only where every "
           "gradient has unit length, as a true distance function's does."]),
    hints=lambda p: ["Take the length of each gradient first.", "Square the deviation from 1, then average."],
    mistakes=(
        Mistake("forgot-the-square", "The eikonal loss squares the deviation: $(\\lVert \\nabla f \\rVert - 1)^2$.",
                lambda p: eikonal(p, square=False)),
        Mistake("summed-not-averaged", "Average over the $N$ samples.", lambda p: eikonal(p, mean=False)),
        Mistake("squared-norm", "Use the norm $\\lVert \\nabla f \\rVert$, not its square.",
                lambda p: eikonal(p, squared_norm=True)),
    ),
    tags=("sdf", "eikonal"),
    difficulty=1,
)

GENERATORS = [TRILINEAR, VOXEL_MEMORY, SDF_PRIMITIVES, EIKONAL]
