"""The L2 norm of a small integer vector: ‖x‖₂ = √(Σᵢ xᵢ²)."""

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real


def l2_norm(x: list[float]) -> float:
    # ‖x‖₂ = √(Σᵢ xᵢ²)
    return math.sqrt(sum(v * v for v in x))


def _sample(rng) -> dict:
    return {"x": sampling.ints(rng, -5, 5, shape=sampling.ints(rng, 2, 4))}


def _validate(params: dict) -> None:
    P.check_keys(params, ["x"])
    P.vector(params, "x", max_length=16)


def _solution(params: dict) -> str:
    x = params["x"]
    squares = " + ".join(f"{v}²" for v in x)
    total = sum(v * v for v in x)
    return f"‖x‖₂ = √({squares}) = √{total} = {l2_norm(x):.4f}"


L2_NORM = Generator(
    id="norms.l2",
    title="L2 norm of a vector",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=lambda p: l2_norm(p["x"]),
    prompt=lambda p: f"Compute the L2 norm of x = {p['x']}.",
    solution=_solution,
    hints=lambda p: ["Square each entry, add them up, take the square root."],
    mistakes=(
        Mistake("l1-instead-of-l2", "That is the L1 norm (sum of absolute values); L2 squares first.",
                lambda p: float(sum(abs(v) for v in p["x"]))),
        Mistake("forgot-square-root", "You forgot the square root: that is ‖x‖₂².",
                lambda p: float(sum(v * v for v in p["x"]))),
    ),
    tags=("norms",),
)
