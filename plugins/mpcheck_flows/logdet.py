"""Log-determinants of Glow's per-pixel layers (★ flows.logdet, flows.lu-logdet).

ActNorm and the invertible 1×1 convolution apply the same map to the C channels of every one of
the H·W pixels, so the Jacobian is block-diagonal with H·W copies of one C×C block:

    ActNorm   y = s ⊙ x + b     log|det J| = H·W·Σ_c log|s_c|
    1×1 conv  y = W x           log|det J| = H·W·log|det W|               (O(C³) for det W)
    LU form   W = P L (U + diag s)   log|det J| = H·W·Σ_c log|s_c|        (O(C))

(P a permutation, L lower triangular with ones on the diagonal, U upper triangular with zeros on it.)
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact, exact_vec, num, paren
from mpcheck_flows.linalg import det, invertible, matmul

KINDS = ("actnorm", "conv1x1")
MAX_SIDE = 4096
MAX_CHANNELS = 16
SCALE_RANGE = (1e-6, 1e6)
SIDES = [2, 4, 8, 16, 32, 64]


def channel_logdet(p: dict) -> float:
    """log|det| of the per-pixel map."""
    if p["kind"] == "actnorm":
        # Σ_c log|s_c|
        return sum(math.log(abs(s)) for s in p["scale"])
    return math.log(abs(det(p["weight"])))


def per_pixel_det(p: dict) -> float:
    return math.prod(p["scale"]) if p["kind"] == "actnorm" else det(p["weight"])


def solve(p: dict) -> float:
    # the same map at each of the H·W pixels: the log-determinants add up
    return p["height"] * p["width"] * channel_logdet(p)


def _sample_sides(rng) -> dict:
    return {"height": sampling.pick(rng, SIDES), "width": sampling.pick(rng, SIDES)}


def _sample(rng) -> dict:
    kind = sampling.pick(rng, list(KINDS))
    while True:
        if kind == "actnorm":
            c = sampling.pick(rng, [2, 3, 4])
            p = {"kind": kind, **_sample_sides(rng),
                 "scale": [sampling.pick(rng, [0.5, 2.0, -1.5, 0.8, 3.0, -0.5, 1.2, 2.5, -2.0, 0.25]) for _ in range(c)]}
        else:
            c = sampling.pick(rng, [2, 2, 3])
            p = {"kind": kind, **_sample_sides(rng),
                 "weight": [[float(v) for v in row] for row in sampling.ints(rng, -3, 3, (c, c))]}
            if abs(det(p["weight"])) < 2:
                continue
        if abs(channel_logdet(p)) > 0.05:
            return p


def _validate_sides(p: dict) -> None:
    P.integer(p, "height", 1, MAX_SIDE)
    P.integer(p, "width", 1, MAX_SIDE)


def scales(p: dict, key: str = "scale") -> list[float]:
    values = P.vector(p, key, max_length=MAX_CHANNELS)
    lo, hi = SCALE_RANGE
    if any(not lo <= abs(v) <= hi for v in values):
        raise ParamsError(f"params: {key!r} entries must be non-zero (an invertible scale) with |s| in "
                          f"[{lo:g}, {hi:g}], got {values}")
    return values


def _validate(p: dict) -> None:
    kind = P.one_of(p, "kind", KINDS)
    if kind == "actnorm":
        P.check_keys(p, ("kind", "height", "width", "scale"))
        scales(p)
    else:
        P.check_keys(p, ("kind", "height", "width", "weight"))
        invertible(p, "weight", max_size=MAX_CHANNELS)
    _validate_sides(p)


def _prompt(p: dict) -> str:
    size = f"{p['height']} \\times {p['width']}"
    if p["kind"] == "actnorm":
        return (f"An ActNorm layer $y_{{i,j}} = s \\odot x_{{i,j}} + b$ acts on a feature map with "
                f"{len(p['scale'])} channels and ${size}$ pixels, with $s = {exact_vec(p['scale'])}$.\n"
                "What is $\\log|\\det J|$ of the whole layer (natural log)?")
    return (f"An invertible $1 \\times 1$ convolution $y_{{i,j}} = W x_{{i,j}}$ acts on a feature map of "
            f"${size}$ pixels with\n$$W = {bmatrix(p['weight'], 15)}$$\n"
            "What is $\\log|\\det J|$ of the whole layer (natural log)?")


def _solution(p: dict) -> str:
    h, w = p["height"], p["width"]
    if p["kind"] == "actnorm":
        terms = " + ".join(f"\\log|{exact(s)}|" for s in p["scale"])
        per_pixel = [f"The per-pixel map scales channel $c$ by $s_c$: its Jacobian is $\\operatorname{{diag}}(s)$, with "
                     f"$\\log|\\det| = \\sum_c \\log|s_c| = {terms} = {num(channel_logdet(p), 6)}$"]
    else:
        per_pixel = [f"The per-pixel map multiplies the channel vector by $W$: $\\det W = {num(det(p['weight']), 6)}$, "
                     f"$\\log|\\det W| = {num(channel_logdet(p), 6)}$"]
    return "\n".join([
        *per_pixel,
        f"The same map acts on each of the $H \\cdot W = {h} \\cdot {w} = {h * w}$ pixels, so the Jacobian is "
        "block-diagonal and the log-determinants add:",
        f"$\\log|\\det J| = H \\cdot W \\cdot {num(channel_logdet(p), 6)} = {num(solve(p), 6)}$",
    ])


def _actnorm_only(answer):
    return lambda p: answer(p) if p["kind"] == "actnorm" else None


def _conv_only(answer):
    return lambda p: answer(p) if p["kind"] == "conv1x1" else None


def _log_diagonal(p: dict) -> float | None:
    w = p["weight"]
    diagonal = [w[i][i] for i in range(len(w))]
    triangular = all(w[i][j] == 0 for i in range(len(w)) for j in range(len(w)) if i > j) or \
        all(w[i][j] == 0 for i in range(len(w)) for j in range(len(w)) if i < j)
    if triangular or 0 in diagonal:
        return None
    return p["height"] * p["width"] * sum(math.log(abs(v)) for v in diagonal)


LOGDET = Generator(
    id="flows.logdet",
    title="Log-determinant of ActNorm and the invertible 1×1 convolution",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["The layer applies the same map to the channels of every pixel: find $\\log|\\det|$ of that "
                     "map first.",
                     "A block-diagonal Jacobian's determinant is the product of the blocks': there are $H \\cdot W$ of them."],
    mistakes=(
        Mistake("forgot-hw", "That is the log-determinant of one pixel's map: the layer applies it at all "
                "$H \\cdot W$ pixels, so multiply by $H \\cdot W$.", channel_logdet),
        Mistake("used-det-not-logdet", "You used the determinant itself: the flow's likelihood needs "
                "$\\log|\\det J|$, a sum of logs.", lambda p: p["height"] * p["width"] * per_pixel_det(p)),
        Mistake("inverse-jacobian-sign", "That is the log-determinant of the inverse layer: going forward, "
                "$\\log|\\det J| = +H \\cdot W \\cdot \\log|\\det|$ of the per-pixel map.", lambda p: -solve(p)),
        Mistake("summed-scales-without-log", "Take the log of each scale: $\\sum_c \\log|s_c|$, not $\\sum_c s_c$.",
                _actnorm_only(lambda p: p["height"] * p["width"] * sum(p["scale"]))),
        Mistake("log-of-diagonal", "Only a triangular matrix has $\\log|\\det W| = \\sum_i \\log|W_{ii}|$: "
                "for this full $W$ compute the determinant (or use an LU decomposition).", _conv_only(_log_diagonal)),
    ),
    tags=("logdet", "actnorm", "conv1x1"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# The LU-decomposed 1×1 convolution
# ---------------------------------------------------------------------------------------------

LU_KEYS = ("P", "L", "U", "s", "height", "width")


def lu_weight(p: dict) -> list[list[float]]:
    # W = P L (U + diag s)
    upper = [[u + (s if i == j else 0.0) for j, u in enumerate(row)] for i, (row, s) in enumerate(zip(p["U"], p["s"]))]
    return matmul(matmul(p["P"], p["L"]), upper)


def lu_logdet(p: dict) -> float:
    # det P = ±1, det L = 1, det(U + diag s) = Π s: log|det W| = Σ log|s|
    return p["height"] * p["width"] * sum(math.log(abs(s)) for s in p["s"])


def _permutation(rng, c: int) -> list[list[float]]:
    order = [int(i) for i in rng.permutation(c)]
    return [[1.0 if order[i] == j else 0.0 for j in range(c)] for i in range(c)]


def _sample_lu(rng) -> dict:
    c = sampling.pick(rng, [2, 3, 3])
    while True:
        entry = lambda: float(sampling.pick(rng, [-2, -1, 0, 1, 2, 0.5]))  # noqa: E731
        p = {"P": _permutation(rng, c),
             "L": [[1.0 if i == j else (entry() if i > j else 0.0) for j in range(c)] for i in range(c)],
             "U": [[entry() if j > i else 0.0 for j in range(c)] for i in range(c)],
             "s": [sampling.pick(rng, [0.5, 2.0, -1.5, 3.0, -0.5, 1.5, 4.0, -2.0]) for _ in range(c)],
             **_sample_sides(rng)}
        if abs(sum(math.log(abs(s)) for s in p["s"])) > 0.05:
            return p


def _validate_lu(p: dict) -> None:
    P.check_keys(p, LU_KEYS)
    c = len(scales(p, "s"))
    perm = P.matrix(p, "P", c, c)
    if any(v not in (0, 1) for row in perm for v in row) or any(sum(line) != 1 for line in (*perm, *zip(*perm))):
        raise ParamsError("params: 'P' must be a permutation matrix (one 1 in every row and column, 0 elsewhere)")
    lower, upper = P.matrix(p, "L", c, c), P.matrix(p, "U", c, c)
    if any(lower[i][j] != (1 if i == j else 0) for i in range(c) for j in range(c) if j >= i):
        raise ParamsError("params: 'L' must be lower triangular with ones on the diagonal")
    if any(upper[i][j] != 0 for i in range(c) for j in range(c) if j <= i):
        raise ParamsError("params: 'U' must be strictly upper triangular (zeros on and below the diagonal)")
    if any(abs(v) > 1e3 for m in (lower, upper) for row in m for v in row):
        raise ParamsError("params: 'L' and 'U' entries must lie in [−1000, 1000]")
    _validate_sides(p)


def _prompt_lu(p: dict) -> str:
    return (f"Glow parameterises an invertible $1 \\times 1$ convolution on {len(p['s'])} channels as "
            "$W = P L (U + \\operatorname{diag}(s))$ with\n"
            f"$$P = {bmatrix(p['P'], 15)}, \\quad L = {bmatrix(p['L'], 15)}, \\quad U = {bmatrix(p['U'], 15)}, "
            f"\\quad s = {exact_vec(p['s'])}$$\n"
            f"The layer acts on a feature map of ${p['height']} \\times {p['width']}$ pixels. "
            "What is $\\log|\\det J|$ of the whole layer (natural log)?")


def _solution_lu(p: dict) -> str:
    h, w = p["height"], p["width"]
    per_pixel = sum(math.log(abs(s)) for s in p["s"])
    terms = " + ".join(f"\\log|{exact(s)}|" for s in p["s"])
    return "\n".join([
        "$\\det W = \\det P \\cdot \\det L \\cdot \\det(U + \\operatorname{diag}(s))$: a permutation has "
        "$\\det P = \\pm 1$, $L$ is triangular with ones on its diagonal ($\\det L = 1$), and $U + \\operatorname{diag}(s)$ "
        "is triangular with diagonal $s$, so $\\log|\\det W| = \\sum_c \\log|s_c|$ in $O(C)$, no $O(C^3)$ determinant.",
        f"$\\sum_c \\log|s_c| = {terms} = {num(per_pixel, 6)}$",
        f"(Check: $W = {bmatrix(lu_weight(p), 6)}$ has $\\det W = {num(det(lu_weight(p)), 6)}$, and "
        f"$\\log|{num(det(lu_weight(p)), 6)}| = {num(math.log(abs(det(lu_weight(p)))), 6)}$.)",
        f"Over the $H \\cdot W = {h * w}$ pixels: $\\log|\\det J| = {h * w} \\cdot {paren(per_pixel, 6)} = {num(lu_logdet(p), 6)}$",
    ])


LU_LOGDET = Generator(
    id="flows.lu-logdet",
    title="Log-determinant of an LU-decomposed 1×1 convolution",
    answer_kind=Real(),
    sample_params=_sample_lu,
    validate_params=_validate_lu,
    solve=lu_logdet,
    prompt=_prompt_lu,
    solution=_solution_lu,
    hints=lambda p: ["The determinant of a product is the product of the determinants.",
                     "A triangular matrix's determinant is the product of its diagonal entries."],
    mistakes=(
        Mistake("forgot-hw", "That is $\\log|\\det W|$ for one pixel: the convolution applies $W$ at all "
                "$H \\cdot W$ pixels.", lambda p: sum(math.log(abs(s)) for s in p["s"])),
        Mistake("summed-s-without-log", "Take the log of each diagonal entry: $\\sum_c \\log|s_c|$, not $\\sum_c s_c$.",
                lambda p: p["height"] * p["width"] * sum(p["s"])),
        Mistake("used-det-not-logdet", "You used $\\det W = \\pm\\prod_c s_c$ itself: the likelihood needs its log, "
                "$\\log|\\det W| = \\sum_c \\log|s_c|$.", lambda p: p["height"] * p["width"] * math.prod(p["s"])),
        Mistake("inverse-jacobian-sign", "That is the log-determinant of the inverse layer; forward it is "
                "$+H \\cdot W \\sum_c \\log|s_c|$.", lambda p: -lu_logdet(p)),
    ),
    tags=("logdet", "conv1x1", "lu"),
    difficulty=2,
)

GENERATORS = [LOGDET, LU_LOGDET]
