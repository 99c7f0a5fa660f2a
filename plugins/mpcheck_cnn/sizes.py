"""Output sizes of convolution and pooling layers.

Per spatial dimension, PyTorch's Conv2d gives

    out = floor((in + 2p − d(k − 1) − 1) / s) + 1

where d(k − 1) + 1 is the extent of the dilated kernel. Channels out = number of kernels.
Pooling uses the same formula with the window as kernel and keeps the channels.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Shape
from mpcheck.errors import ParamsError
from mpcheck.text import shape

#: the output size of a conv layer along one dimension of size n (and of pooling: no dilation)
CONV_SIZE = r"\lfloor (n + 2p - d(k - 1) - 1)/s \rfloor + 1"
POOL_SIZE = r"\lfloor (n + 2p - k)/s \rfloor + 1"
CONV_KEYS = ("in_channels", "height", "width", "out_channels", "kernel", "padding", "stride", "dilation")


def conv_out(size: int, kernel: int, padding: int, stride: int, dilation: int) -> int:
    # out = ⌊(in + 2p − d(k−1) − 1) / s⌋ + 1
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _sample_conv(rng) -> dict:
    kernel = sampling.pick(rng, [1, 3, 3, 5, 7])
    dilation = sampling.pick(rng, [1, 1, 1, 2, 3])
    padding = sampling.pick(rng, [0, 0, 1, 2, kernel // 2])
    extent = dilation * (kernel - 1) + 1
    height = sampling.ints(rng, max(extent, 8), 64)
    width = sampling.pick(rng, [height, sampling.ints(rng, max(extent, 8), 64)])
    return {"in_channels": sampling.pick(rng, [1, 3, 16, 32, 64]), "height": height, "width": width,
            "out_channels": sampling.pick(rng, [8, 16, 32, 64, 128]), "kernel": kernel,
            "padding": padding, "stride": sampling.pick(rng, [1, 1, 2, 2, 3]), "dilation": dilation}


def _validate_conv(p: dict) -> None:
    P.check_keys(p, CONV_KEYS)
    for key in ("in_channels", "height", "width", "out_channels", "kernel", "stride", "dilation"):
        P.integer(p, key, 1, 100_000)
    P.integer(p, "padding", 0, 100_000)
    for dim in ("height", "width"):
        extent = p["dilation"] * (p["kernel"] - 1) + 1
        if extent > p[dim] + 2 * p["padding"]:
            raise ParamsError(f"the dilated kernel spans {extent} pixels, more than the padded "
                              f"{dim} {p[dim]} + 2·{p['padding']} = {p[dim] + 2 * p['padding']}")


def where_it_differs(variant, solve):
    """A mistake built from a variant formula, applying where the variant changes the answer.

    For answers made of whole numbers (sizes, counts, integer grids) "changes" is exact: with
    dilation 1, padding 0 or a stride that divides evenly, forgetting the dilation, padding one
    side or rounding up gives the right size, and such a problem tests nothing about that trap
    (the sampler draws others that do). Never use it for reals, where near is not equal.
    """
    def answer(p: dict):
        wrong = variant(p)
        return wrong if wrong is not None and wrong != solve(p) else None
    return answer


def _conv_variant(formula):
    return where_it_differs(lambda p: _conv_shape(p, formula), _conv_shape)


def _pool_variant(formula):
    return where_it_differs(lambda p: _pool_shape(p, formula), _pool_shape)


def _conv_shape(p: dict, out=conv_out) -> list[int]:
    args = (p["kernel"], p["padding"], p["stride"], p["dilation"])
    return [p["out_channels"], out(p["height"], *args), out(p["width"], *args)]


def _conv_prompt(p: dict) -> str:
    return (f"An input of shape ${p['in_channels']} \\times {p['height']} \\times {p['width']}$ "
            f"($C \\times H \\times W$) goes through a Conv2d layer with ${p['out_channels']}$ kernels of size "
            f"${p['kernel']} \\times {p['kernel']}$, padding ${p['padding']}$, stride ${p['stride']}$ and "
            f"dilation ${p['dilation']}$.\n"
            "What is the output shape $C \\times H \\times W$?")


def _conv_solution(p: dict) -> str:
    k, pad, s, d = p["kernel"], p["padding"], p["stride"], p["dilation"]
    lines = [f"Per spatial dimension of size $n$: $n_\\mathrm{{out}} = {CONV_SIZE}$.",
             f"The dilated kernel spans $d(k - 1) + 1 = {d} \\cdot {k - 1} + 1 = {d * (k - 1) + 1}$ "
             f"pixel{'' if d * (k - 1) == 0 else 's'}."]
    for dim in ("height", "width"):
        n = p[dim]
        numerator = n + 2 * pad - d * (k - 1) - 1
        lines.append(f"{dim.capitalize()}: $\\lfloor ({n} + 2 \\cdot {pad} - {d} \\cdot {k - 1} - 1)/{s} \\rfloor + 1 "
                     f"= \\lfloor {numerator}/{s} \\rfloor + 1 = {numerator // s} + 1 = {numerator // s + 1}$")
    lines.append(f"Channels out = number of kernels = ${p['out_channels']}$.")
    lines.append(f"Output shape: ${shape(_conv_shape(p))}$.")
    return "\n".join(lines)


def _forgot_dilation(size, kernel, padding, stride, dilation):
    return conv_out(size, kernel, padding, stride, 1)


def _ceil(size, kernel, padding, stride, dilation):
    return -(-(size + 2 * padding - dilation * (kernel - 1) - 1) // stride) + 1


def _one_side_padding(size, kernel, padding, stride, dilation):
    return (size + padding - dilation * (kernel - 1) - 1) // stride + 1


def _forgot_plus_one(size, kernel, padding, stride, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride


CONV_OUTPUT_SIZE = Generator(
    id="cnn.conv-output-size",
    title="Output shape of a Conv2d layer",
    answer_kind=Shape(),
    sample_params=_sample_conv,
    validate_params=_validate_conv,
    solve=_conv_shape,
    prompt=_conv_prompt,
    solution=_conv_solution,
    hints=lambda p: [f"Work out one spatial dimension of size $n$ at a time: ${CONV_SIZE}$.",
                     "The number of output channels is the number of kernels, not the input channels."],
    mistakes=(
        Mistake("forgot-dilation", "You ignored the dilation: a dilated kernel spans $d(k - 1) + 1$ pixels, "
                "not $k$.", _conv_variant(_forgot_dilation)),
        Mistake("ceil-instead-of-floor", "You rounded up: the output size rounds down, "
                f"${CONV_SIZE}$.", _conv_variant(_ceil)),
        Mistake("padding-one-side", "You padded only one side: padding $p$ adds $2p$ to the size.",
                _conv_variant(_one_side_padding)),
        Mistake("forgot-plus-one", "You forgot the +1: the first window position counts too.",
                _conv_variant(_forgot_plus_one)),
    ),
    tags=("conv", "shapes"),
)


# ---------------------------------------------------------------------------------------------
# Pooling: the same formula with the window size as kernel (MaxPool2d has no dilation here).
# ---------------------------------------------------------------------------------------------

POOL_KEYS = ("channels", "height", "width", "kernel", "stride", "padding")


def _sample_pool(rng) -> dict:
    kernel = sampling.pick(rng, [2, 2, 3, 3, 4])
    stride = sampling.pick(rng, [kernel, kernel, 2, 1, 3])
    padding = sampling.pick(rng, [0, 0, 0, kernel // 2])
    height = sampling.ints(rng, 7, 64)
    width = sampling.pick(rng, [height, sampling.ints(rng, 7, 64)])
    return {"channels": sampling.pick(rng, [3, 16, 32, 64, 96]), "height": height, "width": width,
            "kernel": kernel, "stride": stride, "padding": padding}


def _validate_pool(p: dict) -> None:
    P.check_keys(p, POOL_KEYS)
    for key in ("channels", "height", "width", "kernel", "stride"):
        P.integer(p, key, 1, 100_000)
    # PyTorch's pooling layers refuse padding above half the window: a window of padding only
    P.integer(p, "padding", 0, p["kernel"] // 2)
    for dim in ("height", "width"):
        if p["kernel"] > p[dim] + 2 * p["padding"]:
            raise ParamsError(f"the {p['kernel']}×{p['kernel']} window does not fit the padded {dim} "
                              f"{p[dim]} + 2·{p['padding']}")


def _pool_shape(p: dict, out=conv_out) -> list[int]:
    args = (p["kernel"], p["padding"], p["stride"], 1)
    return [p["channels"], out(p["height"], *args), out(p["width"], *args)]


def _pool_prompt(p: dict) -> str:
    return (f"A feature map of shape ${p['channels']} \\times {p['height']} \\times {p['width']}$ "
            f"($C \\times H \\times W$) goes through MaxPool2d with a ${p['kernel']} \\times {p['kernel']}$ "
            f"window, stride ${p['stride']}$ and padding ${p['padding']}$.\n"
            "What is the output shape $C \\times H \\times W$?")


def _pool_solution(p: dict) -> str:
    k, pad, s = p["kernel"], p["padding"], p["stride"]
    lines = ["Pooling uses the convolution size formula with the window as kernel: "
             f"$n_\\mathrm{{out}} = {POOL_SIZE}$."]
    for dim in ("height", "width"):
        n = p[dim]
        numerator = n + 2 * pad - k
        lines.append(f"{dim.capitalize()}: $\\lfloor ({n} + 2 \\cdot {pad} - {k})/{s} \\rfloor + 1 "
                     f"= \\lfloor {numerator}/{s} \\rfloor + 1 = {numerator // s} + 1 = {numerator // s + 1}$")
    lines.append(f"Pooling acts on each channel separately, so the ${p['channels']}$ channels stay.")
    lines.append(f"Output shape: ${shape(_pool_shape(p))}$.")
    return "\n".join(lines)


def _forgot_stride(size, kernel, padding, stride, dilation):
    return conv_out(size, kernel, padding, 1, dilation)


POOL_OUTPUT_SIZE = Generator(
    id="cnn.pool-output-size",
    title="Output shape of a MaxPool2d layer",
    answer_kind=Shape(),
    sample_params=_sample_pool,
    validate_params=_validate_pool,
    solve=_pool_shape,
    prompt=_pool_prompt,
    solution=_pool_solution,
    hints=lambda p: [f"Pooling follows the conv formula ${POOL_SIZE}$ with the window as kernel.",
                     "Pooling never mixes channels."],
    mistakes=(
        Mistake("ceil-instead-of-floor", "You rounded up: by default (ceil_mode=False) the size rounds "
                f"down, ${POOL_SIZE}$.", _pool_variant(_ceil)),
        Mistake("padding-one-side", "You padded only one side: padding $p$ adds $2p$ to the size.",
                _pool_variant(_one_side_padding)),
        Mistake("forgot-plus-one", "You forgot the +1: the first window position counts too.",
                _pool_variant(_forgot_plus_one)),
        Mistake("forgot-stride", "You slid the window one pixel at a time: divide by the stride.",
                _pool_variant(_forgot_stride)),
    ),
    tags=("pooling", "shapes"),
)

GENERATORS = [CONV_OUTPUT_SIZE, POOL_OUTPUT_SIZE]
