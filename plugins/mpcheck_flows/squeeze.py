"""Squeeze and the multi-scale architecture of RealNVP and Glow (flows.squeeze-shape).

Squeeze reshapes every 2×2×C block of a feature map into a 1×1×4C one: C×H×W becomes
4C × H/2 × W/2, the same number of values (a flow must keep the dimension). In the multi-scale
architecture each level squeezes, runs its flow steps and, except at the last level, splits off
half the channels as latent variables that are no longer transformed:

    after L levels:  C·4^L / 2^(L−1)  ×  H/2^L  ×  W/2^L      (without splits: C·4^L × H/2^L × W/2^L)
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Shape
from mpcheck.errors import ParamsError

MAX_LEVELS = 8
MAX_SIDE = 4096


def levels_shape(p: dict, *, channel_factor: int = 4, side_factor: int = 2, split_last: bool = False,
                 split: bool | None = None) -> list[int]:
    c, h, w = p["channels"], p["height"], p["width"]
    split = p["split"] if split is None else split
    for level in range(1, p["levels"] + 1):
        # squeeze: C × H × W → 4C × H/2 × W/2
        c, h, w = c * channel_factor, h // side_factor, w // side_factor
        # split: half the channels leave as latents (not after the last level)
        if split and (level < p["levels"] or split_last):
            c //= 2
    return [c, h, w]


def _sample(rng) -> dict:
    while True:
        p = {"channels": sampling.pick(rng, [1, 3, 3, 2, 6]), "height": sampling.pick(rng, [16, 32, 32, 64, 128, 256]),
             "levels": sampling.pick(rng, [1, 2, 2, 3, 3, 4]), "split": sampling.pick(rng, [True, True, False])}
        p["width"] = sampling.pick(rng, [p["height"], p["height"], p["height"] * 2])
        if p["height"] % 2 ** p["levels"] == 0 and (p["levels"] > 1 or not p["split"]):
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, ("channels", "height", "width", "levels", "split"))
    P.integer(p, "channels", 1, 1024)
    levels = P.integer(p, "levels", 1, MAX_LEVELS)
    P.boolean(p, "split")
    for key in ("height", "width"):
        size = P.integer(p, key, 1, MAX_SIDE)
        if size % 2 ** levels:
            raise ParamsError(f"params: {key!r} = {size} must be divisible by 2^{levels} = {2 ** levels} "
                              f"to be squeezed {levels} time(s)")


def _prompt(p: dict) -> str:
    c, h, w, n = p["channels"], p["height"], p["width"], p["levels"]
    if p["split"]:
        steps = ("squeezes, runs its flow steps and then, except at the last level, splits off half of the "
                 "channels as latent variables (the multi-scale architecture of RealNVP and Glow)")
    else:
        steps = "squeezes and runs its flow steps (no channels are split off)"
    return (f"A flow receives images of ${c} \\times {h} \\times {w}$ (channels $\\times$ height $\\times$ width). "
            f"Each of its {n} level{'s' if n > 1 else ''} {steps}. Squeeze turns every $2 \\times 2 \\times C$ block into "
            "$1 \\times 1 \\times 4C$.\n"
            "What is the shape of the tensor the last level's flow steps act on?")


def _solution(p: dict) -> str:
    c, h, w = p["channels"], p["height"], p["width"]
    lines = [f"Start: ${c} \\times {h} \\times {w}$ ({c * h * w} values)."]
    for level in range(1, p["levels"] + 1):
        c, h, w = c * 4, h // 2, w // 2
        text = f"Level {level}: squeeze to ${c} \\times {h} \\times {w}$"
        if p["split"] and level < p["levels"]:
            c //= 2
            text += f"; the flow steps act on it, then half the channels split off: ${c} \\times {h} \\times {w}$"
        elif p["split"]:
            text += " (the last level: its flow steps act on it, nothing is split before them)"
        lines.append(text + ".")
    lines.append(f"Shape: ${c} \\times {h} \\times {w}$. A squeeze keeps the number of values ($4C \\cdot \\frac{{H}}{{2}} "
                 "\\cdot \\frac{W}{2} = CHW$): a flow must stay invertible, so it cannot drop dimensions, only set "
                 "them aside as latents.")
    return "\n".join(lines)


SQUEEZE_SHAPE = Generator(
    id="flows.squeeze-shape",
    title="Squeeze and split: shapes in a multi-scale flow",
    answer_kind=Shape(),
    sample_params=_sample,
    validate_params=_validate,
    solve=levels_shape,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["A squeeze keeps every value: 4 times the channels, half the height, half the width.",
                     "A split halves the channels and keeps the spatial size."],
    mistakes=(
        Mistake("channels-doubled", "A $2 \\times 2$ block holds 4 pixels: squeeze multiplies the channels by 4, "
                "not 2 (the number of values must not change).", lambda p: levels_shape(p, channel_factor=2)),
        Mistake("spatial-divided-by-four", "Squeeze halves the height and the width (each $2 \\times 2$ block becomes "
                "one pixel); the area shrinks by 4, each side by 2.",
                lambda p: levels_shape(p, side_factor=4) if min(p["height"], p["width"]) % 4 ** p["levels"] == 0 else None),
        Mistake("forgot-split", "After each level but the last, half of the channels are split off as latents.",
                lambda p: levels_shape(p, split=False) if p["split"] and p["levels"] > 1 else None),
        Mistake("split-before-flow-steps", "A level splits after its flow steps, and the last level not at all: "
                "the last level's steps see every channel its squeeze produced.",
                lambda p: levels_shape(p, split_last=True) if p["split"] else None),
    ),
    tags=("squeeze", "multi-scale", "shapes"),
)

GENERATORS = [SQUEEZE_SHAPE]
