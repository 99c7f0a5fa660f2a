"""Forward passes by hand: a 2-D convolution or correlation, and a 1-D conv as a matrix product.

Deep-learning "conv" layers (torch.nn.functional.conv2d) compute the cross-correlation

    Y[i, j] = Σ_m Σ_n K[m, n] · X_pad[i·s + m, j·s + n];

the convolution of signal processing flips the kernel first: K → rot180(K).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact_digits, mat, num, vec
from mpcheck_cnn import checks
from mpcheck_cnn import grids as G

MODES = ("correlation", "convolution")
ROTATED_K, PADDED_X = r"\operatorname{rot180}(K)", r"X_\mathrm{pad}"


def sample_kernel(rng, rows: int, cols: int, lo: int = -1, hi: int = 2) -> list[list[int]]:
    """Small integers, not all zero, and different from its 180° rotation, so that flipping
    the kernel or not gives different answers."""
    while True:
        kernel = sampling.ints(rng, lo, hi, (rows, cols))
        if kernel != G.rot180(kernel) and any(v != 0 for row in kernel for v in row):
            return kernel


def _effective_kernel(p: dict) -> list[list[float]]:
    return G.rot180(p["kernel"]) if p["mode"] == "convolution" else p["kernel"]


def conv2d_forward(x, kernel, padding: int, stride: int, mode: str) -> list[list[float]]:
    k = G.rot180(kernel) if mode == "convolution" else kernel
    return G.as_numbers(G.correlate(G.pad(x, padding), k, stride))


def _solve_forward(p: dict) -> list[list[float]]:
    return conv2d_forward(p["input"], p["kernel"], p["padding"], p["stride"], p["mode"])


def _sample_forward(rng) -> dict:
    while True:
        size = sampling.ints(rng, 3, 5)
        kernel_size = sampling.pick(rng, [2, 3, 3])
        p = {"input": sampling.ints(rng, -1, 3, (size, sampling.pick(rng, [size, size + 1]))),
             "kernel": sample_kernel(rng, kernel_size, kernel_size),
             "padding": sampling.pick(rng, [0, 0, 1]), "stride": sampling.pick(rng, [1, 1, 2]),
             "mode": sampling.pick(rng, list(MODES))}
        out = _solve_forward(p) if _fits(p) else None
        # an exam-sized output: 2 to 4 rows and columns, not all zero
        if out and 2 <= min(G.shape(out)) and max(G.shape(out)) <= 4 and any(v != 0 for row in out for v in row):
            return p


def _fits(p: dict) -> bool:
    (kh, kw), (h, w) = G.shape(p["kernel"]), G.shape(p["input"])
    return kh <= h + 2 * p["padding"] and kw <= w + 2 * p["padding"]


def _validate_forward(p: dict) -> None:
    P.check_keys(p, ("input", "kernel", "padding", "stride", "mode"))
    x, k = checks.grid(p, "input"), checks.grid(p, "kernel")
    checks.sizes(p, padding=(0, 8), stride=(1, 8))
    P.one_of(p, "mode", MODES)
    checks.fits(G.shape(k), G.shape(x), p["padding"], "input")


def _products(x_pad, k, i: int, j: int, stride: int) -> str:
    terms = [f"({num(k[m][n])})({num(x_pad[i * stride + m][j * stride + n])})"
             for m in range(len(k)) for n in range(len(k[0]))]
    return " + ".join(terms)


def step_text(stride: int, index: str) -> str:
    """Where window ``index`` starts, every index counted from 1: ``s(i - 1)`` (``i - 1`` for stride 1)."""
    return f"{index} - 1" if stride == 1 else f"{stride}({index} - 1)"


def corner_text(stride: int, index: str, padding: int = 0) -> str:
    """The first row (column) of window ``index`` in the unpadded input, counted from 1:
    ``s(i - 1) + 1 - p``, written ``s i - (s - 1 + p)``."""
    shift = stride - 1 + padding
    lead = index if stride == 1 else f"{stride}{index}"
    return f"{lead} - {shift}" if shift else lead


def _forward_prompt(p: dict) -> str:
    what = ("the convolution $X * K$ (flip the kernel, as in signal processing)" if p["mode"] == "convolution"
            else r"the cross-correlation $X \star K$ (no flip, what a deep-learning conv layer computes)")
    return (f"Input $X$ and kernel $K$:\n$$X = {bmatrix(p['input'], exact_digits(p['input']))}, \\quad K = {bmatrix(p['kernel'], exact_digits(p['kernel']))}$$\n"
            f"Compute {what} with zero padding ${p['padding']}$ and stride ${p['stride']}$.\n"
            "Give the output matrix.")


def _forward_solution(p: dict) -> str:
    x_pad, k, s = G.pad(p["input"], p["padding"]), _effective_kernel(p), p["stride"]
    out = _solve_forward(p)
    lines = []
    if p["mode"] == "convolution":
        lines.append(r"Convolution flips the kernel by $180^\circ$ first:" + "\n" + mat(k, name=ROTATED_K))
    else:
        lines.append("Cross-correlation slides $K$ as it is (no flip).")
    if p["padding"]:
        rings = "one ring" if p["padding"] == 1 else f"{p['padding']} rings"
        lines.append(f"Pad $X$ with {rings} of zeros:\n{mat(x_pad, name=PADDED_X)}")
    (kh, kw), (h, w) = G.shape(k), G.shape(x_pad)
    lines.append(f"Output size: $\\lfloor ({h} - {kh})/{s} \\rfloor + 1 = {len(out)}$ rows and "
                 f"$\\lfloor ({w} - {kw})/{s} \\rfloor + 1 = {len(out[0])}$ columns.")
    lines.append(f"$Y[i, j] = \\sum_m \\sum_n K'[m, n]\\, X_\\mathrm{{pad}}[{step_text(s, 'i')} + m, "
                 f"{step_text(s, 'j')} + n]$, with $K'$ the kernel used above (positions count from 1):")
    for i, row in enumerate(out):
        for j, value in enumerate(row):
            lines.append(f"$Y[{G.at(i, j)}] = {_products(x_pad, k, i, j, s)} = {num(value)}$")
    lines.append(mat(out, name="Y"))
    return "\n".join(lines)


def _with(p: dict, **changes) -> dict:
    return {**p, **changes}


def _flip_mistake(mode_given: str):
    # the student used the other mode: answer with the mode swapped, when the prompt asked for `mode_given`
    other = MODES[1 - MODES.index(mode_given)]
    return lambda p: _solve_forward(_with(p, mode=other)) if p["mode"] == mode_given else None


CONV2D_FORWARD = Generator(
    id="cnn.conv2d-forward",
    title="2-D convolution or correlation by hand",
    answer_kind=Matrix(),
    sample_params=_sample_forward,
    validate_params=_validate_forward,
    solve=_solve_forward,
    prompt=_forward_prompt,
    solution=_forward_solution,
    hints=lambda p: [r"Convolution rotates the kernel by $180^\circ$ before sliding it; correlation does not.",
                     r"Output size per dimension: $\lfloor (n + 2p - k)/s \rfloor + 1$."],
    mistakes=(
        Mistake("kernel-not-flipped", "You computed the correlation: a true convolution flips the "
                r"kernel by $180^\circ$ before sliding it.", _flip_mistake("convolution")),
        Mistake("kernel-flipped", "You flipped the kernel: the cross-correlation (what conv layers "
                "compute) slides the kernel as it is.", _flip_mistake("correlation")),
        Mistake("forgot-padding", "You left out the zero padding around the input.",
                lambda p: _solve_forward(_with(p, padding=0)) if p["padding"] and _fits(_with(p, padding=0)) else None),
        Mistake("forgot-stride", "You moved the kernel one step at a time: with stride $s$, output "
                "$(i, j)$ starts at input $(s i, s j)$.",
                lambda p: _solve_forward(_with(p, stride=1)) if p["stride"] > 1 else None),
    ),
    tags=("conv", "forward"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# 1-D convolution as a Toeplitz matrix
# ---------------------------------------------------------------------------------------------

def toeplitz(kernel: list[float], length: int, padding: int, stride: int, mode: str,
             keep_padding: bool = False) -> list[list[float]]:
    """The matrix T with y = T x for a 1-D conv layer: row i holds the kernel at offset i·s − p.

    T[i, j] = K'[j + p − i·s] where that index lies in the kernel, else 0 (K' = K for correlation,
    reversed K for convolution). ``keep_padding`` keeps the columns of the zero padding.
    """
    k = list(reversed(kernel)) if mode == "convolution" else list(kernel)
    rows = G.out_size(length, len(k), padding, stride)
    shift = 0 if keep_padding else padding
    cols = length + 2 * padding if keep_padding else length
    return [[k[j + shift - i * stride] if 0 <= j + shift - i * stride < len(k) else 0
             for j in range(cols)] for i in range(rows)]


def _solve_toeplitz(p: dict, **kw) -> list[list[float]]:
    return toeplitz(p["kernel"], p["length"], p["padding"], p["stride"], p["mode"], **kw)


def _sample_toeplitz(rng) -> dict:
    while True:
        kernel = sampling.ints(rng, -2, 3, sampling.pick(rng, [2, 3, 3]))
        if kernel != kernel[::-1] and any(kernel):
            break
    return {"kernel": kernel, "length": sampling.ints(rng, 4, 6), "padding": sampling.pick(rng, [0, 1, 1]),
            "stride": sampling.pick(rng, [1, 1, 2]), "mode": sampling.pick(rng, list(MODES))}


def _validate_toeplitz(p: dict) -> None:
    P.check_keys(p, ("kernel", "length", "padding", "stride", "mode"))
    kernel = P.vector(p, "kernel", max_length=8)
    checks.sizes(p, length=(1, 16), padding=(0, 4), stride=(1, 4))
    P.one_of(p, "mode", MODES)
    if len(kernel) > p["length"] + 2 * p["padding"]:
        raise ParamsError(f"params: the kernel ({len(kernel)} taps) is longer than the padded input "
                          f"({p['length']} + 2·{p['padding']})")


def _toeplitz_prompt(p: dict) -> str:
    what = "convolution (kernel flipped)" if p["mode"] == "convolution" else "cross-correlation (no flip)"
    return (f"A 1-D {what} with kernel $k = {vec(p['kernel'])}$, zero padding ${p['padding']}$ and stride "
            f"${p['stride']}$ acts on an input $x$ of length ${p['length']}$.\n"
            f"Write it as a matrix product $y = T x$: give the matrix $T$.")


def _toeplitz_solution(p: dict) -> str:
    k = list(reversed(p["kernel"])) if p["mode"] == "convolution" else p["kernel"]
    t = _solve_toeplitz(p)
    lines = []
    if p["mode"] == "convolution":
        lines.append(f"Convolution flips the kernel first: ${vec(p['kernel'])} \\to {vec(k)}$.")
    rows = len(t)
    lines.append(f"Output length $\\lfloor ({p['length']} + 2 \\cdot {p['padding']} - {len(k)})/{p['stride']} "
                 f"\\rfloor + 1 = {rows}$, so $T$ is ${rows} \\times {p['length']}$.")
    start = corner_text(p["stride"], "i", p["padding"])
    lines.append(f"Row $i$ (counting from 1) holds ${vec(k)}$ starting at column ${start}$; taps that fall "
                 "on the zero padding drop out (they multiply zeros).")
    lines.append(mat(t, name="T"))
    return "\n".join(lines)


CONV_AS_MATRIX = Generator(
    id="cnn.conv-as-matrix",
    title="1-D convolution as a Toeplitz matrix",
    answer_kind=Matrix(),
    sample_params=_sample_toeplitz,
    validate_params=_validate_toeplitz,
    solve=_solve_toeplitz,
    prompt=_toeplitz_prompt,
    solution=_toeplitz_solution,
    hints=lambda p: ["Each row of $T$ is one output: the kernel placed where its window starts.",
                     "$T$ has one row per output and one column per input entry."],
    mistakes=(
        Mistake("kernel-not-flipped", "You wrote the correlation matrix: a convolution reverses the "
                "kernel in each row.", lambda p: _solve_toeplitz(_with(p, mode="correlation"))
                if p["mode"] == "convolution" else None),
        Mistake("kernel-flipped", "You reversed the kernel: a cross-correlation uses it as it is.",
                lambda p: _solve_toeplitz(_with(p, mode="convolution")) if p["mode"] == "correlation" else None),
        Mistake("transposed", r"That is $T^\top$: $T$ has one row per output, one column per input.",
                lambda p: G.transpose(_solve_toeplitz(p))),
        Mistake("kept-padding-columns", "You kept columns for the padding zeros: they multiply zeros, "
                "so T only has columns for the real inputs.",
                lambda p: _solve_toeplitz(p, keep_padding=True) if p["padding"] else None),
    ),
    tags=("conv", "toeplitz", "linear-algebra"),
    difficulty=2,
)

GENERATORS = [CONV2D_FORWARD, CONV_AS_MATRIX]
