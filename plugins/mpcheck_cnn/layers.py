"""Whole layers and stacks: parameter counts, shapes through a chain, receptive fields."""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Integer, Mistake, Shape
from mpcheck.errors import ParamsError
from mpcheck.text import shape
from mpcheck_cnn.grids import out_size
from mpcheck_cnn.sizes import CONV_SIZE
from mpcheck_cnn.sizes import where_it_differs

MAX_LAYERS = 8
C_IN, C_OUT = r"C_\mathrm{in}", r"C_\mathrm{out}"


# ---------------------------------------------------------------------------------------------
# Parameter count of a Conv2d layer
# ---------------------------------------------------------------------------------------------

def conv_param_count(c_in: int, c_out: int, k: int, bias: bool) -> int:
    # each of the C_out kernels has C_in·k·k weights and one bias: C_out·(C_in·k² + 1)
    return c_out * (c_in * k * k + (1 if bias else 0))


def _sample_param_count(rng) -> dict:
    return {"in_channels": sampling.pick(rng, [1, 3, 3, 8, 16, 32, 64]),
            "out_channels": sampling.pick(rng, [4, 8, 16, 32, 64, 128]),
            "kernel": sampling.pick(rng, [1, 3, 3, 5, 7]),
            "bias": sampling.pick(rng, [True, True, True, False])}


def _validate_param_count(p: dict) -> None:
    P.check_keys(p, ("in_channels", "out_channels", "kernel", "bias"))
    for key in ("in_channels", "out_channels", "kernel"):
        P.integer(p, key, 1, 100_000)
    P.boolean(p, "bias")


def _param_count(p: dict) -> int:
    return conv_param_count(p["in_channels"], p["out_channels"], p["kernel"], p["bias"])


def _param_count_prompt(p: dict) -> str:
    k = p["kernel"]
    bias = "with" if p["bias"] else "without"
    return (f"A Conv2d layer maps ${p['in_channels']}$ input channels to ${p['out_channels']}$ output "
            f"channels with ${k} \\times {k}$ kernels, {bias} bias.\nHow many learnable parameters does it have?")


def _param_count_solution(p: dict) -> str:
    c_in, c_out, k = p["in_channels"], p["out_channels"], p["kernel"]
    per_kernel = c_in * k * k
    lines = [f"Each output channel has one kernel spanning all input channels: "
             f"${C_IN} k^2 = {c_in} \\cdot {k}^2 = {per_kernel}$ weights."]
    if p["bias"]:
        lines.append(f"Plus one bias per output channel: ${per_kernel} + 1 = {per_kernel + 1}$.")
        lines.append(f"Total: ${C_OUT}({C_IN} k^2 + 1) = {c_out} \\cdot {per_kernel + 1} = {_param_count(p)}$.")
    else:
        lines.append(f"No bias. Total: ${C_OUT} {C_IN} k^2 = {c_out} \\cdot {per_kernel} = {_param_count(p)}$.")
    return "\n".join(lines)


def _if_bias(p: dict, value: int) -> int | None:
    return value if p["bias"] else None


PARAM_COUNT = Generator(
    id="cnn.param-count",
    title="Parameters of a Conv2d layer",
    answer_kind=Integer(),
    sample_params=_sample_param_count,
    validate_params=_validate_param_count,
    solve=_param_count,
    prompt=_param_count_prompt,
    solution=_param_count_solution,
    hints=lambda p: ["One kernel per output channel; each kernel covers every input channel.",
                     "With bias, each output channel adds exactly one parameter."],
    mistakes=(
        Mistake("forgot-bias", f"You left out the biases: one per output channel, ${C_OUT}({C_IN} k^2 + 1)$.",
                lambda p: _if_bias(p, conv_param_count(p["in_channels"], p["out_channels"], p["kernel"], False))),
        Mistake("counted-bias-without-bias", "This layer has bias=False: there are no bias parameters.",
                lambda p: None if p["bias"] else conv_param_count(p["in_channels"], p["out_channels"], p["kernel"], True)),
        Mistake("bias-per-input-channel", "There is one bias per output channel, not one per "
                "(input, output) pair.", where_it_differs(lambda p: _if_bias(
                    p, p["out_channels"] * p["in_channels"] * (p["kernel"] ** 2 + 1)), _param_count)),
        Mistake("forgot-input-channels", f"Each kernel spans all ${C_IN}$ input channels: it has ${C_IN} k^2$ "
                "weights, not $k^2$.", where_it_differs(
                    lambda p: conv_param_count(1, p["out_channels"], p["kernel"], p["bias"]), _param_count)),
        Mistake("kernel-not-squared", r"A $k \times k$ kernel has $k^2$ weights per input channel, not $k$.",
                where_it_differs(lambda p: p["out_channels"] * (p["in_channels"] * p["kernel"] + (1 if p["bias"] else 0)),
                                 _param_count)),
    ),
    tags=("conv", "parameters"),
)


# ---------------------------------------------------------------------------------------------
# Shapes through a chain of conv and pool layers
# ---------------------------------------------------------------------------------------------

def _layer_text(layer: dict) -> str:
    k = layer["kernel"]
    if layer["type"] == "pool":
        return f"MaxPool2d ${k} \\times {k}$, stride ${layer['stride']}$, padding ${layer['padding']}$"
    text = (f"Conv2d to ${layer['out_channels']}$ channels, ${k} \\times {k}$, stride ${layer['stride']}$, "
            f"padding ${layer['padding']}$")
    return text + (f", dilation ${layer['dilation']}$" if layer.get("dilation", 1) != 1 else "")


def _sample_layer(rng, size: int) -> dict:
    if sampling.pick(rng, [True, False, False]):
        kernel = sampling.pick(rng, [2, 2, 3])
        return {"type": "pool", "kernel": kernel, "stride": sampling.pick(rng, [kernel, 2]), "padding": 0}
    kernel = sampling.pick(rng, [1, 3, 3, 5])
    return {"type": "conv", "out_channels": sampling.pick(rng, [8, 16, 32, 64]), "kernel": kernel,
            "stride": sampling.pick(rng, [1, 1, 2]), "padding": sampling.pick(rng, [0, kernel // 2, 1]),
            "dilation": sampling.pick(rng, [1, 1, 1, 2])}


def _sample_chain(rng) -> dict:
    while True:
        size = sampling.ints(rng, 24, 96)
        p = {"channels": sampling.pick(rng, [1, 3]), "height": size, "width": size,
             "layers": [_sample_layer(rng, size) for _ in range(sampling.ints(rng, 2, 4))]}
        if _chain_fits(p):
            return p


def _chain_fits(p: dict) -> bool:
    try:
        _validate_chain(p)
    except ParamsError:
        return False
    return True


def _validate_layer(layer, where: str) -> None:
    if not isinstance(layer, dict):
        raise ParamsError(f"params: {where} must be an object with a 'type' of 'conv' or 'pool'")
    kind = P.one_of(layer, "type", ("conv", "pool"))
    if kind == "conv":
        P.check_keys(layer, ("type", "out_channels", "kernel", "stride", "padding"), ("dilation",))
        P.integer(layer, "out_channels", 1, 100_000)
        if "dilation" in layer:
            P.integer(layer, "dilation", 1, 1000)
    else:
        P.check_keys(layer, ("type", "kernel", "stride", "padding"))
    P.integer(layer, "kernel", 1, 1000)
    P.integer(layer, "stride", 1, 1000)
    P.integer(layer, "padding", 0, 1000 if kind == "conv" else layer["kernel"] // 2)


def _validate_chain(p: dict) -> None:
    P.check_keys(p, ("channels", "height", "width", "layers"))
    for key in ("channels", "height", "width"):
        P.integer(p, key, 1, 100_000)
    layers = p["layers"]
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise ParamsError(f"params: 'layers' must be a list of 1 to {MAX_LAYERS} layers")
    h, w = p["height"], p["width"]
    for i, layer in enumerate(layers, 1):
        _validate_layer(layer, f"layer {i}")
        extent = layer.get("dilation", 1) * (layer["kernel"] - 1) + 1
        if extent > min(h, w) + 2 * layer["padding"]:
            raise ParamsError(f"params: layer {i} spans {extent} pixels but its input is only {h}×{w} "
                              f"(+ padding {layer['padding']})")
        h, w = (out_size(n, layer["kernel"], layer["padding"], layer["stride"], layer.get("dilation", 1))
                for n in (h, w))


def chain_shapes(p: dict, size=out_size) -> list[list[int]] | None:
    """[C, H, W] after every layer; ``size`` is the per-dimension formula (a mistake swaps it)."""
    c, h, w = p["channels"], p["height"], p["width"]
    shapes = []
    for layer in p["layers"]:
        args = (layer["kernel"], layer["padding"], layer["stride"], layer.get("dilation", 1))
        c = layer["out_channels"] if layer["type"] == "conv" else c
        h, w = size(h, *args), size(w, *args)
        if h < 1 or w < 1:
            return None
        shapes.append([c, h, w])
    return shapes


def _final(p: dict, size=out_size) -> list[int] | None:
    shapes = chain_shapes(p, size)
    return shapes[-1] if shapes else None


def _chain_prompt(p: dict) -> str:
    lines = [f"An input of shape ${p['channels']} \\times {p['height']} \\times {p['width']}$ "
             "($C \\times H \\times W$) goes through:"]
    lines += [f"  {i}. {_layer_text(layer)}" for i, layer in enumerate(p["layers"], 1)]
    lines.append("What is the output shape $C \\times H \\times W$ after the last layer?")
    return "\n".join(lines)


def _chain_solution(p: dict) -> str:
    lines = [f"Apply $n_\\mathrm{{out}} = {CONV_SIZE}$ layer by layer (pooling: $d = 1$ and the channels "
             "unchanged; conv: as many channels as kernels)."]
    c, h, w = p["channels"], p["height"], p["width"]
    for i, (layer, dims) in enumerate(zip(p["layers"], chain_shapes(p)), 1):
        k, pad, s, d = layer["kernel"], layer["padding"], layer["stride"], layer.get("dilation", 1)
        sizes = ", ".join(f"$\\lfloor ({n} + 2 \\cdot {pad} - {d} \\cdot {k - 1} - 1)/{s} \\rfloor + 1 = {m}$"
                          for n, m in sorted({(h, dims[1]), (w, dims[2])}))
        lines.append(f"{i}. {_layer_text(layer)}: {sizes}, so the shape is ${shape(dims)}$.")
        c, h, w = dims
    lines.append(f"Output shape: ${shape([c, h, w])}$.")
    return "\n".join(lines)


def _ceil_size(n, k, pad, s, d):
    return -(-(n + 2 * pad - d * (k - 1) - 1) // s) + 1


CHAIN_OUTPUT_SIZE = Generator(
    id="cnn.chain-output-size",
    title="Output shape after a chain of conv and pool layers",
    answer_kind=Shape(),
    sample_params=_sample_chain,
    validate_params=_validate_chain,
    solve=_final,
    prompt=_chain_prompt,
    solution=_chain_solution,
    hints=lambda p: ["Write down the shape after every layer; each layer's output is the next one's input.",
                     "Pooling keeps the channels; a conv layer outputs as many channels as it has kernels."],
    mistakes=(
        Mistake("forgot-dilation", "You ignored a dilation: a dilated kernel spans $d(k - 1) + 1$ pixels.",
                where_it_differs(lambda p: _final(p, lambda n, k, pad, s, d: out_size(n, k, pad, s, 1)), _final)),
        Mistake("ceil-instead-of-floor", "You rounded up somewhere: every layer rounds down.",
                where_it_differs(lambda p: _final(p, _ceil_size), _final)),
        Mistake("padding-one-side", "You padded only one side: padding $p$ adds $2p$ to the size.",
                where_it_differs(lambda p: _final(p, lambda n, k, pad, s, d: (n + pad - d * (k - 1) - 1) // s + 1),
                                 _final)),
        Mistake("forgot-plus-one", f"You forgot the $+1$ in ${CONV_SIZE}$.",
                where_it_differs(lambda p: _final(p, lambda n, k, pad, s, d: (n + 2 * pad - d * (k - 1) - 1) // s),
                                 _final)),
        Mistake("channels-from-input", "A conv layer outputs as many channels as it has kernels; "
                "only pooling keeps the channels.",
                where_it_differs(lambda p: [p["channels"], *_final(p)[1:]], _final)),
    ),
    tags=("conv", "pooling", "shapes"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# Receptive field of a stack
# ---------------------------------------------------------------------------------------------

def receptive_field(layers: list[dict], *, strides: bool = True, dilation: bool = True,
                    own_stride: bool = False) -> int:
    """r = 1 + Σ_l d_l (k_l − 1) · Π_{i<l} s_i. The keyword switches build the classic mistakes."""
    field, jump = 1, 1
    for layer in layers:
        if own_stride:
            jump *= layer["stride"]
        d = layer.get("dilation", 1) if dilation else 1
        # each layer widens the field by d(k−1) of its inputs, each `jump` input pixels apart
        field += d * (layer["kernel"] - 1) * jump
        if strides and not own_stride:
            jump *= layer["stride"]
    return field


def _rf(p: dict) -> int:
    return receptive_field(p["layers"])


def _sample_rf(rng) -> dict:
    p = _sample_rf_layers(rng)
    while all(layer["type"] == "pool" for layer in p["layers"]):
        p = _sample_rf_layers(rng)
    return p


def _sample_rf_layers(rng) -> dict:
    layers = []
    for _ in range(sampling.ints(rng, 2, 4)):
        if sampling.pick(rng, [True, False, False]):
            layers.append({"type": "pool", "kernel": 2, "stride": 2, "dilation": 1})
        else:
            layers.append({"type": "conv", "kernel": sampling.pick(rng, [3, 3, 5, 2]),
                           "stride": sampling.pick(rng, [1, 1, 2]), "dilation": sampling.pick(rng, [1, 1, 2])})
    return {"layers": layers}


def _validate_rf(p: dict) -> None:
    P.check_keys(p, ("layers",))
    layers = p["layers"]
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise ParamsError(f"params: 'layers' must be a list of 1 to {MAX_LAYERS} layers")
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, dict):
            raise ParamsError(f"params: layer {i} must be an object")
        P.check_keys(layer, ("kernel", "stride"), ("dilation", "type"))
        if "type" in layer:
            P.one_of(layer, "type", ("conv", "pool"))
        P.integer(layer, "kernel", 1, 100)
        P.integer(layer, "stride", 1, 100)
        if "dilation" in layer:
            P.integer(layer, "dilation", 1, 100)


def _rf_layer_text(layer: dict) -> str:
    name = "MaxPool" if layer.get("type") == "pool" else "Conv"
    k = layer["kernel"]
    text = f"{name} ${k} \\times {k}$, stride ${layer['stride']}$"
    return text + (f", dilation ${layer['dilation']}$" if layer.get("dilation", 1) != 1 else "")


def _rf_prompt(p: dict) -> str:
    lines = ["A stack of layers (no padding matters here):"]
    lines += [f"  {i}. {_rf_layer_text(layer)}" for i, layer in enumerate(p["layers"], 1)]
    lines.append("How many input pixels wide is the receptive field of one output pixel of the last layer?")
    return "\n".join(lines)


def _rf_solution(p: dict) -> str:
    lines = ["Track the field $r$ and the jump $j$ (input pixels between neighbouring units): start "
             r"with $r = 1$ and $j = 1$; each layer does $r \leftarrow r + d(k - 1) j$, then $j \leftarrow j s$."]
    field, jump = 1, 1
    for i, layer in enumerate(p["layers"], 1):
        k, s, d = layer["kernel"], layer["stride"], layer.get("dilation", 1)
        new = field + d * (k - 1) * jump
        lines.append(f"{i}. {_rf_layer_text(layer)}: $r = {field} + {d} \\cdot {k - 1} \\cdot {jump} = {new}$, "
                     f"$j = {jump} \\cdot {s} = {jump * s}$")
        field, jump = new, jump * s
    lines.append(f"Receptive field: ${field}$ pixels wide (${field} \\times {field}$ pixels in 2-D).")
    return "\n".join(lines)


RECEPTIVE_FIELD = Generator(
    id="cnn.receptive-field",
    title="Receptive field of a stack of layers",
    answer_kind=Integer(),
    sample_params=_sample_rf,
    validate_params=_validate_rf,
    solve=_rf,
    prompt=_rf_prompt,
    solution=_rf_solution,
    hints=lambda p: [r"A $k \times k$ layer adds $k - 1$ units of its input; earlier strides make each unit "
                     "several input pixels apart.",
                     r"$r = 1 + \sum_l d_l (k_l - 1) \prod_{i<l} s_i$."],
    mistakes=(
        Mistake("ignored-strides", "Strides of earlier layers multiply how far apart the units are: "
                "weight each layer's $k - 1$ by the product of the strides before it.",
                where_it_differs(lambda p: receptive_field(p["layers"], strides=False), _rf)),
        Mistake("forgot-dilation", "A dilated kernel spans $d(k - 1) + 1$ inputs, not $k$.",
                where_it_differs(lambda p: receptive_field(p["layers"], dilation=False), _rf)),
        Mistake("forgot-plus-one", "Start from $r = 1$: a single output pixel already sees one input pixel.",
                lambda p: receptive_field(p["layers"]) - 1),
        Mistake("included-own-stride", "A layer's own stride does not widen its own field: only the "
                "strides of the layers before it count.",
                where_it_differs(lambda p: receptive_field(p["layers"], own_stride=True), _rf)),
    ),
    tags=("receptive-field", "stacks"),
    difficulty=2,
)

GENERATORS = [PARAM_COUNT, CHAIN_OUTPUT_SIZE, RECEPTIVE_FIELD]
