"""Transposed convolution: learnable upsampling.

Each input entry stamps a copy of the kernel weighted by its value onto the output, copies
s pixels apart, overlaps summed; padding p then crops p rows/columns from every side:

    out_full[i·s + m, j·s + n] += X[i, j] · K[m, n],      out = out_full without a ring of width p

so per dimension  out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1  (PyTorch's ConvTranspose2d).
It is the backward pass of a conv layer with the same (k, s, p) with respect to its input.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake, Shape
from mpcheck.errors import ParamsError
from mpcheck.text import exact_mat, mat, num, shape
from mpcheck_cnn import checks
from mpcheck_cnn import grids as G
from mpcheck_cnn.forward import corner_text, sample_kernel

#: the output size of a transposed conv along one dimension of size n (o: the output padding)
TRANSPOSED_SIZE = r"(n - 1)s - 2p + d(k - 1) + o + 1"
from mpcheck_cnn.sizes import where_it_differs


def transposed_out(size: int, kernel: int, padding: int = 0, stride: int = 1, dilation: int = 1,
                   output_padding: int = 0) -> int:
    # out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

def conv_transpose2d(x, kernel, stride: int, padding: int) -> list[list[float]]:
    # out_full[i·s + m, j·s + n] += X[i, j]·K[m, n]; then padding crops a ring of width p
    return G.as_numbers(G.crop(G.scatter(x, kernel, stride), padding))


def _solve_values(p: dict) -> list[list[float]]:
    return conv_transpose2d(p["input"], p["kernel"], p["stride"], p["padding"])


def _output_fits(x_shape, k_shape, stride: int, padding: int) -> bool:
    return all(transposed_out(n, k, padding, stride) >= 1 for n, k in zip(x_shape, k_shape))


def _sample_values(rng) -> dict:
    while True:
        k = sampling.pick(rng, [2, 2, 3])
        p = {"input": sampling.ints(rng, -1, 3, (2, sampling.pick(rng, [2, 2, 3]))),
             "kernel": sample_kernel(rng, k, k), "stride": sampling.pick(rng, [1, 2, 2]),
             "padding": sampling.pick(rng, [0, 0, 1])}
        out = _solve_values(p)
        if min(G.shape(out)) >= 2 and any(v != 0 for row in out for v in row) and \
                any(v != 0 for row in p["input"] for v in row):
            return p


def _validate_values(p: dict) -> None:
    P.check_keys(p, ("input", "kernel", "stride", "padding"))
    x, k = checks.grid(p, "input"), checks.grid(p, "kernel")
    checks.sizes(p, stride=(1, 8), padding=(0, 8))
    if not _output_fits(G.shape(x), G.shape(k), p["stride"], p["padding"]):
        raise ParamsError("params: the padding crops away the whole output "
                          "((in − 1)·s + k − 2p must be at least 1)")


def _values_prompt(p: dict) -> str:
    return (f"A transposed convolution (as torch.nn.ConvTranspose2d, one channel, no bias) with stride "
            f"${p['stride']}$ and padding ${p['padding']}$ maps\n{exact_mat(p['input'], name='X')}\nwith the kernel\n"
            f"{exact_mat(p['kernel'], name='K')}\nGive the output matrix.")


def _values_solution(p: dict) -> str:
    x, k, s, pad = p["input"], p["kernel"], p["stride"], p["padding"]
    h, w = G.shape(x)
    full = G.as_numbers(G.scatter(x, k, s))
    lines = ["Each input entry $X[i, j]$ stamps $X[i, j]\\, K$ onto the output with its top-left corner at "
             f"$({corner_text(s, 'i')}, {corner_text(s, 'j')})$ (positions count from 1); where stamps overlap they add."]
    for i in range(h):
        for j in range(w):
            lines.append(f"$X[{G.at(i, j)}] = {num(x[i][j])}$: add ${num(x[i][j])} K$ with its corner at "
                         f"$({G.at(i * s, j * s)})$")
    lines.append(f"The sum of the stamps, ${len(full)} \\times {len(full[0])}$ (that is $(n - 1) \\cdot {s} + k$ "
                 f"per side):\n{mat(full)}")
    if pad:
        cropped = "one row or column" if pad == 1 else f"{pad} rows or columns"
        lines.append(f"Padding ${pad}$ crops {cropped} from every side ($n_\\mathrm{{out}} = (n - 1)s - 2p + k$).")
    lines.append(mat(_solve_values(p), name=r"\text{output}"))
    return "\n".join(lines)


def _with(p: dict, **changes) -> dict:
    return {**p, **changes}


VALUES_MISTAKES = (
    Mistake("kernel-flipped", "You rotated the kernel: a transposed convolution stamps $K$ as it is.",
            lambda p: _solve_values(_with(p, kernel=G.rot180(p["kernel"])))),
    Mistake("forgot-stride", "With stride $s$ the stamps of neighbouring inputs start $s$ pixels apart.",
            lambda p: _solve_values(_with(p, stride=1)) if p["stride"] > 1
            and _output_fits(G.shape(p["input"]), G.shape(p["kernel"]), 1, p["padding"]) else None),
    Mistake("padding-not-cropped", "You kept the border: in a transposed convolution padding $p$ "
            "crops $p$ rows and columns from each side of the stamped sum.",
            lambda p: G.as_numbers(G.scatter(p["input"], p["kernel"], p["stride"])) if p["padding"] else None),
    Mistake("padding-added", "You zero-padded the output: in a transposed convolution padding $p$ "
            "crops $p$ rows and columns from each side.",
            lambda p: G.as_numbers(G.pad(G.scatter(p["input"], p["kernel"], p["stride"]), p["padding"]))
            if p["padding"] else None),
)

TRANSPOSED_CONV = Generator(
    id="cnn.transposed-conv",
    title="Transposed convolution by hand",
    answer_kind=Matrix(),
    sample_params=_sample_values,
    validate_params=_validate_values,
    solve=_solve_values,
    prompt=_values_prompt,
    solution=_values_solution,
    hints=lambda p: ["The output is a sum of copies of the kernel, each weighted by one input entry.",
                     "Place copy $(i, j)$ with its corner at $(s(i - 1) + 1, s(j - 1) + 1)$; padding crops the border afterwards."],
    mistakes=VALUES_MISTAKES,
    tags=("transposed-conv", "upsampling"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# Output size
# ---------------------------------------------------------------------------------------------

SIZE_KEYS = ("in_channels", "height", "width", "out_channels", "kernel", "stride", "padding",
             "dilation", "output_padding")


def _sample_size(rng) -> dict:
    while True:
        stride = sampling.pick(rng, [1, 2, 2, 2, 3])
        dilation = sampling.pick(rng, [1, 1, 1, 2])
        p = {"in_channels": sampling.pick(rng, [16, 32, 64, 128]), "height": sampling.ints(rng, 4, 32),
             "width": 0, "out_channels": sampling.pick(rng, [3, 8, 16, 32, 64]),
             "kernel": sampling.pick(rng, [2, 3, 4, 5]), "stride": stride,
             "padding": sampling.pick(rng, [0, 1, 1, 2]), "dilation": dilation,
             "output_padding": sampling.pick(rng, [0, 0, max(stride, dilation) - 1])}
        p["width"] = sampling.pick(rng, [p["height"], sampling.ints(rng, 4, 32)])
        if min(_size_shape(p)[1:]) >= 2:
            return p


def _validate_size(p: dict) -> None:
    P.check_keys(p, SIZE_KEYS)
    for key in ("in_channels", "height", "width", "out_channels", "kernel", "stride", "dilation"):
        P.integer(p, key, 1, 100_000)
    P.integer(p, "padding", 0, 100_000)
    # PyTorch: output_padding must be smaller than either stride or dilation
    P.integer(p, "output_padding", 0, max(p["stride"], p["dilation"]) - 1)
    if min(_size_shape(p)[1:]) < 1:
        raise ParamsError("params: the padding crops away the whole output")


def _size_shape(p: dict, out=transposed_out) -> list[int]:
    args = (p["kernel"], p["padding"], p["stride"], p["dilation"], p["output_padding"])
    return [p["out_channels"], out(p["height"], *args), out(p["width"], *args)]


def _size_prompt(p: dict) -> str:
    return (f"A feature map of shape ${p['in_channels']} \\times {p['height']} \\times {p['width']}$ "
            f"($C \\times H \\times W$) goes through ConvTranspose2d with ${p['out_channels']}$ output channels, "
            f"kernel ${p['kernel']} \\times {p['kernel']}$, stride ${p['stride']}$, padding ${p['padding']}$, "
            f"dilation ${p['dilation']}$ and output padding ${p['output_padding']}$.\n"
            "What is the output shape $C \\times H \\times W$?")


def _size_solution(p: dict) -> str:
    k, pad, s, d, op = (p[key] for key in ("kernel", "padding", "stride", "dilation", "output_padding"))
    lines = [f"Transposed convolution runs the conv size formula backwards: $n_\\mathrm{{out}} = {TRANSPOSED_SIZE}$, "
             "with $o$ the output padding."]
    for dim in ("height", "width"):
        n = p[dim]
        lines.append(f"{dim.capitalize()}: $({n} - 1) \\cdot {s} - 2 \\cdot {pad} + {d} \\cdot {k - 1} + {op} + 1 "
                     f"= {transposed_out(n, k, pad, s, d, op)}$")
    lines.append(f"Channels out: ${p['out_channels']}$.")
    lines.append(f"Output shape: ${shape(_size_shape(p))}$.")
    return "\n".join(lines)


def _conv_formula(n, k, pad, s, d, op):
    return G.out_size(n, k, pad, s, d)


def _positive(shape: list[int]) -> list[int] | None:
    return shape if min(shape) >= 1 else None


TRANSPOSED_CONV_SIZE = Generator(
    id="cnn.transposed-conv-size",
    title="Output shape of a ConvTranspose2d layer",
    answer_kind=Shape(),
    sample_params=_sample_size,
    validate_params=_validate_size,
    solve=_size_shape,
    prompt=_size_prompt,
    solution=_size_solution,
    hints=lambda p: ["A transposed conv undoes the shape change of a conv with the same settings.",
                     f"$n_\\mathrm{{out}} = {TRANSPOSED_SIZE}$, with $o$ the output padding."],
    mistakes=(
        Mistake("conv-formula-used", "You used the conv size formula: a transposed conv enlarges, "
                f"$n_\\mathrm{{out}} = {TRANSPOSED_SIZE}$ ($o$ the output padding).",
                where_it_differs(lambda p: _positive(_size_shape(p, _conv_formula)), _size_shape)),
        Mistake("forgot-output-padding", "The output padding adds that many rows and columns at the far side.",
                lambda p: _size_shape(p, lambda n, k, pad, s, d, op: transposed_out(n, k, pad, s, d, 0))
                if p["output_padding"] else None),
        Mistake("forgot-dilation", "A dilated kernel spans $d(k - 1) + 1$ pixels.",
                where_it_differs(lambda p: _positive(_size_shape(
                    p, lambda n, k, pad, s, d, op: transposed_out(n, k, pad, s, 1, op))), _size_shape)),
        Mistake("padding-added", "In a transposed conv the padding crops: subtract $2p$.",
                where_it_differs(lambda p: _size_shape(
                    p, lambda n, k, pad, s, d, op: transposed_out(n, k, -pad, s, d, op)), _size_shape)),
        Mistake("forgot-minus-one", "Only the $n - 1$ gaps between inputs are stretched by the stride: $(n - 1)s$.",
                lambda p: _positive(_size_shape(p, lambda n, k, pad, s, d, op: transposed_out(n + 1, k, pad, s, d, op)))),
    ),
    tags=("transposed-conv", "shapes"),
)

GENERATORS = [TRANSPOSED_CONV, TRANSPOSED_CONV_SIZE]
