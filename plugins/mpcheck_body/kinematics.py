"""Forward kinematics of a planar chain: each joint rotates relative to its parent, each bone extends
along its joint's x-axis. The world transform of joint k is the product of the local transforms
from the root down to k (parent first):

    G_k = T_1 T_2 … T_k,   T_i = Rot(θ_i) · Trans(l_i, 0)
    end effector = G_n [0, 0, 1]ᵀ = Σ_i l_i (cos φ_i, sin φ_i),  φ_i = θ_1 + … + θ_i
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector, tidy
from mpcheck.errors import ParamsError
from mpcheck.text import exact, num
from mpcheck_body.formatting import point

KEYS = ("lengths", "angles")
MAX_BONES = 8


def local(theta_deg: float, length: float) -> list[list[float]]:
    """T_i = Rot(θ_i) · Trans(l_i, 0), a 3×3 homogeneous 2-D transform."""
    c, s = math.cos(math.radians(theta_deg)), math.sin(math.radians(theta_deg))
    return [[c, -s, c * length], [s, c, s * length], [0.0, 0.0, 1.0]]


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def chain(p: dict, reverse: bool = False) -> list[list[float]]:
    """G_n = T_1 T_2 … T_n (``reverse`` multiplies child first: a mistake)."""
    transforms = [local(t, l) for t, l in zip(p["angles"], p["lengths"])]
    if reverse:
        transforms.reverse()
    G = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    for T in transforms:
        G = matmul(G, T)
    return G


def end_effector(p: dict, reverse: bool = False) -> list[float]:
    G = chain(p, reverse)
    # the end of the last bone is the origin of its frame: G_n [0, 0, 1]ᵀ; float noise is relative
    # to the arm's reach (an arm that closes on itself ends at 0, not at 1e-16)
    return tidy([G[0][2], G[1][2]], sum(map(abs, p["lengths"])))


def _absolute_angles(p: dict) -> list[float]:
    # each bone pointed at its own θ_i in the world, as if the angles were not relative to the parent
    return tidy([sum(l * math.cos(math.radians(t)) for t, l in zip(p["angles"], p["lengths"])),
                 sum(l * math.sin(math.radians(t)) for t, l in zip(p["angles"], p["lengths"]))],
                sum(map(abs, p["lengths"])))


def _sample(rng) -> dict:
    bones = sampling.pick(rng, [2, 2, 3])
    return {"lengths": [float(sampling.ints(rng, 1, 3)) for _ in range(bones)],
            "angles": [float(sampling.pick(rng, [30, 45, 60, 90, -30, -45, -90, 120])) for _ in range(bones)]}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    lengths = P.vector(p, "lengths", max_length=MAX_BONES)
    P.vector(p, "angles", len(lengths))
    if any(l <= 0 or l > 1e4 for l in lengths):
        raise ParamsError("params: bone 'lengths' must lie in (0, 10000]")
    if any(abs(a) > 1e5 for a in p["angles"]):
        raise ParamsError("params: 'angles' (degrees) must lie in [−100000, 100000]")


def _prompt(p: dict) -> str:
    bones = len(p["lengths"])
    return (f"A planar arm has {bones} bones of lengths ${', '.join(exact(l) for l in p['lengths'])}$ from the root "
            "at the origin. Joint $i$ rotates bone $i$ by $\\theta_i$ relative to its parent bone (the first "
            f"relative to the $x$-axis), with $\\theta = ({', '.join(exact(a) for a in p['angles'])})$ in degrees.\n"
            "With $T_i = \\mathrm{Rot}(\\theta_i)\\,\\mathrm{Trans}(l_i, 0)$, give the end of the last bone, "
            "$G_n [0, 0, 1]^\\top$ with $G_n = T_1 T_2 \\cdots T_n$, as $[x, y]$.")


def _solution(p: dict) -> str:
    lines = ["Each joint's world angle is the sum of the angles from the root: "
             "$\\varphi_i = \\theta_1 + \\dots + \\theta_i$."]
    phi, total = 0.0, [0.0, 0.0]
    for i, (theta, length) in enumerate(zip(p["angles"], p["lengths"])):
        phi += theta
        step = [length * math.cos(math.radians(phi)), length * math.sin(math.radians(phi))]
        total = [a + b for a, b in zip(total, step)]
        lines.append(f"Bone {i + 1}: $\\varphi_{{{i + 1}}} = {num(phi)}^\\circ$, it adds "
                     f"${num(length)} \\cdot (\\cos({num(phi)}^\\circ), \\sin({num(phi)}^\\circ))$, that is "
                     f"${point(step, 6)}$, "
                     f"reaching ${point(total, 6)}$.")
    lines.append(f"So the end effector is at ${point(end_effector(p), 6)}$ (the same as multiplying "
                 "$T_1 T_2 \\cdots T_n$ and reading off its translation column).")
    return "\n".join(lines)


FORWARD_KINEMATICS = Generator(
    id="body.forward-kinematics",
    title="Forward kinematics of a planar chain",
    answer_kind=Vector(length=2),
    sample_params=_sample,
    validate_params=_validate,
    solve=end_effector,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["A child joint inherits its parent's rotation: angles add up along the chain.",
                     "Multiply the local transforms parent first, $T_1 T_2 \\cdots T_n$."],
    mistakes=(
        Mistake("angles-not-accumulated", "Joint angles are relative to the parent bone: bone $i$ points at "
                "$\\theta_1 + \\dots + \\theta_i$ in the world.", _absolute_angles),
        Mistake("child-first-order", "World transforms compose parent first, $T_1 T_2 \\cdots T_n$; multiplying "
                "child first applies each transform in the wrong frame.", lambda p: end_effector(p, reverse=True)),
        Mistake("last-bone-only", "The end effector sums every bone's contribution along the chain.",
                lambda p: tidy([p["lengths"][-1] * math.cos(math.radians(sum(p["angles"]))),
                                p["lengths"][-1] * math.sin(math.radians(sum(p["angles"])))])
                if len(p["lengths"]) > 1 else None),
    ),
    tags=("kinematics", "skeleton"),
    difficulty=2,
)

GENERATORS = [FORWARD_KINEMATICS]
