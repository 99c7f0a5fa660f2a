"""Backpropagation through a conv layer, by hand.

The layer is a deep-learning conv (cross-correlation) with stride s and zero padding p:

    Y[i, j] = Σ_m Σ_n K[m, n] · X_pad[i·s + m, j·s + n]

Given the upstream gradient δ = ∂L/∂Y, the chain rule gives

    ∂L/∂K[m, n]     = Σ_i Σ_j δ[i, j] · X_pad[i·s + m, j·s + n]      (correlate X_pad with δ)
    ∂L/∂X_pad[a, b] = Σ_i Σ_j δ[i, j] · K[a − i·s, b − j·s]          (full convolution of δ with K,
                                                                     = full correlation with rot180(K))
and ∂L/∂X drops the padding ring of ∂L/∂X_pad.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact_mat, mat, num
from mpcheck_cnn import checks
from mpcheck_cnn import grids as G
from mpcheck_cnn.forward import PADDED_X, sample_kernel, step_text

DELTA = r"\delta"


def _nonzero(grid) -> bool:
    return any(v != 0 for row in grid for v in row)


def _check_upstream(p: dict, h: int, w: int, kh: int, kw: int) -> None:
    rows, cols = (G.out_size(n, k, p["padding"], p["stride"]) for n, k in ((h, kh), (w, kw)))
    if G.shape(p["upstream"]) != (rows, cols):
        raise ParamsError(f"params: 'upstream' must have the layer's output shape {rows}×{cols}, "
                          f"got {len(p['upstream'])}×{len(p['upstream'][0])}")


# ---------------------------------------------------------------------------------------------
# Gradient with respect to the kernel
# ---------------------------------------------------------------------------------------------

def kernel_gradient(x, upstream, k: int, padding: int, stride: int) -> list[list[float]]:
    # ∂L/∂K[m, n] = Σ_ij δ[i, j] · X_pad[i·s + m, j·s + n]: correlate X_pad with δ spread s apart
    full = G.correlate(G.pad(x, padding), G.dilate(upstream, stride))
    # rows the stride skipped at the bottom/right (floor in the size formula) never met the kernel
    return G.as_numbers([row[:k] for row in full[:k]])


def _solve_dk(p: dict) -> list[list[float]]:
    return kernel_gradient(p["input"], p["upstream"], p["kernel_size"], p["padding"], p["stride"])


def _sample_dk(rng) -> dict:
    while True:
        k, stride = sampling.pick(rng, [2, 2, 3]), sampling.pick(rng, [1, 1, 1, 2])
        padding = sampling.pick(rng, [0, 0, 1])
        h = sampling.ints(rng, max(k, 3), 5 if stride == 1 else 6)
        w = sampling.pick(rng, [h, h + 1])
        rows, cols = (G.out_size(n, k, padding, stride) for n in (h, w))
        if max(rows, cols) > 4 or min(rows, cols) < 2:
            continue
        p = {"input": sampling.ints(rng, -1, 3, (h, w)), "kernel_size": k, "padding": padding,
             "stride": stride, "upstream": sampling.ints(rng, -2, 2, (rows, cols))}
        if _nonzero(p["upstream"]) and p["upstream"] != G.rot180(p["upstream"]) and _nonzero(_solve_dk(p)):
            return p


def _validate_dk(p: dict) -> None:
    P.check_keys(p, ("input", "kernel_size", "padding", "stride", "upstream"))
    x = checks.grid(p, "input")
    checks.grid(p, "upstream")
    checks.sizes(p, kernel_size=(1, checks.MAX_GRID), padding=(0, 8), stride=(1, 8))
    k = p["kernel_size"]
    checks.fits((k, k), G.shape(x), p["padding"], "input")
    _check_upstream(p, *G.shape(x), k, k)


def _dk_prompt(p: dict) -> str:
    k = p["kernel_size"]
    return (f"A conv layer (cross-correlation, as in deep learning) with a ${k} \\times {k}$ kernel $K$, "
            f"stride ${p['stride']}$ and zero padding ${p['padding']}$ maps the input $X$ to $Y$:\n"
            f"{exact_mat(p['input'], name='X')}\n"
            r"The upstream gradient $\delta = \partial L/\partial Y$ is" + "\n"
            f"{exact_mat(p['upstream'], name=DELTA)}\n"
            f"Compute the ${k} \\times {k}$ gradient $\\partial L/\\partial K$.")


def _dk_solution(p: dict) -> str:
    k, s = p["kernel_size"], p["stride"]
    x_pad, d = G.pad(p["input"], p["padding"]), p["upstream"]
    at = f"X_\\mathrm{{pad}}[{step_text(s, 'i')} + m, {step_text(s, 'j')} + n]"
    lines = [f"$\\partial L/\\partial K[m, n] = \\sum_i \\sum_j \\delta[i, j]\\, {at}$: every output used "
             "$K[m, n]$ once, on the input pixel under it, so this is a correlation of the input with $\\delta$."]
    if p["padding"]:
        lines.append(f"The padded input:\n{mat(x_pad, name=PADDED_X)}")
    if s > 1:
        lines.append(f"With stride ${s}$ the entries of $\\delta$ sit ${s}$ pixels apart on the input.")
    out = _solve_dk(p)
    for m in range(k):
        for n in range(k):
            terms = [f"({num(d[i][j])})({num(x_pad[i * s + m][j * s + n])})"
                     for i in range(len(d)) for j in range(len(d[0]))]
            lines.append(f"$\\partial L/\\partial K[{G.at(m, n)}] = {' + '.join(terms)} = {num(out[m][n])}$")
    lines.append(mat(out, name=r"\partial L/\partial K"))
    return "\n".join(lines)


def _dk_flipped_upstream(p: dict):
    return kernel_gradient(p["input"], G.rot180(p["upstream"]), p["kernel_size"], p["padding"], p["stride"])


def _dk_forgot_padding(p: dict):
    if not p["padding"]:
        return None
    full = G.correlate(p["input"], G.dilate(p["upstream"], p["stride"])) if _dilated_fits(p, 0) else None
    return G.as_numbers(full) if full else None


def _dilated_fits(p: dict, padding: int) -> bool:
    (h, w), (rows, cols) = G.shape(p["input"]), G.shape(p["upstream"])
    s = p["stride"]
    return (rows - 1) * s + 1 <= h + 2 * padding and (cols - 1) * s + 1 <= w + 2 * padding


def _dk_forgot_stride(p: dict):
    if p["stride"] == 1:
        return None
    full = G.correlate(G.pad(p["input"], p["padding"]), p["upstream"])
    k = p["kernel_size"]
    return G.as_numbers([row[:k] for row in full[:k]]) if len(full) >= k and len(full[0]) >= k else None


CONV_BACKWARD_KERNEL = Generator(
    id="cnn.conv-backward-kernel",
    title="Gradient of a conv layer with respect to its kernel",
    answer_kind=Matrix(),
    sample_params=_sample_dk,
    validate_params=_validate_dk,
    solve=_solve_dk,
    prompt=_dk_prompt,
    solution=_dk_solution,
    hints=lambda p: [r"$K[m, n]$ multiplies $X_\mathrm{pad}[s i + m, s j + n]$ in output $(i, j)$; sum over all outputs.",
                     r"$\partial L/\partial K$ is the correlation of the (padded) input with $\delta$: no flip."],
    mistakes=(
        Mistake("flipped-upstream", r"You flipped $\delta$ (a convolution): the kernel gradient correlates the "
                r"input with $\delta$ as it is.", _dk_flipped_upstream),
        Mistake("kernel-gradient-rotated", r"Your gradient is rotated by $180^\circ$: that would be right for a "
                "true convolution layer, but this layer computes a correlation.",
                lambda p: G.rot180(_solve_dk(p))),
        Mistake("forgot-padding", "You left out the zero padding: the kernel also saw the padding ring.",
                _dk_forgot_padding),
        Mistake("forgot-stride", "With stride $s$, output $(i, j)$ saw input $(s i + m, s j + n)$: spread "
                r"$\delta$ $s$ pixels apart.", _dk_forgot_stride),
    ),
    tags=("conv", "backprop"),
    difficulty=3,
)


# ---------------------------------------------------------------------------------------------
# Gradient with respect to the input
# ---------------------------------------------------------------------------------------------

def input_gradient(upstream, kernel, input_size: list[int], padding: int, stride: int) -> list[list[float]]:
    h, w = input_size
    # ∂L/∂X_pad[a, b] = Σ_ij δ[i, j] · K[a − s·i, b − s·j]: a copy of K stamped per upstream entry
    stamped = G.scatter(upstream, kernel, stride)
    # rows/columns the stride skipped at the far edge (floor in the size formula) get no gradient
    full = G.zeros(h + 2 * padding, w + 2 * padding)
    for a, row in enumerate(stamped):
        full[a][: len(row)] = row
    return G.as_numbers(G.crop(full, padding))


def _solve_dx(p: dict) -> list[list[float]]:
    return input_gradient(p["upstream"], p["kernel"], p["input_size"], p["padding"], p["stride"])


def _sample_dx(rng) -> dict:
    while True:
        k = sampling.pick(rng, [2, 2, 3])
        stride, padding = sampling.pick(rng, [1, 1, 1, 2]), sampling.pick(rng, [0, 0, 1])
        rows, cols = sampling.pick(rng, [2, 2, 3]), sampling.pick(rng, [2, 3])
        extra = sampling.pick(rng, [0, stride - 1])
        size = [(n - 1) * stride + k - 2 * padding + extra for n in (rows, cols)]
        if min(size) < 2:
            continue
        p = {"input_size": size, "kernel": sample_kernel(rng, k, k), "padding": padding,
             "stride": stride, "upstream": sampling.ints(rng, -2, 3, (rows, cols))}
        if _nonzero(p["upstream"]) and _nonzero(_solve_dx(p)):
            return p


def _validate_dx(p: dict) -> None:
    P.check_keys(p, ("input_size", "kernel", "padding", "stride", "upstream"))
    h, w = P.vector(p, "input_size", 2, integer=True)
    if not (1 <= h <= checks.MAX_GRID and 1 <= w <= checks.MAX_GRID):
        raise ParamsError(f"params: 'input_size' entries must be between 1 and {checks.MAX_GRID}")
    kernel = checks.grid(p, "kernel")
    checks.grid(p, "upstream")
    checks.sizes(p, padding=(0, 8), stride=(1, 8))
    checks.fits(G.shape(kernel), (h, w), p["padding"], "input")
    _check_upstream(p, int(h), int(w), *G.shape(kernel))


def _dx_prompt(p: dict) -> str:
    h, w = p["input_size"]
    return (f"A conv layer (cross-correlation, as in deep learning) with kernel\n{exact_mat(p['kernel'], name='K')}\n"
            f"stride ${p['stride']}$ and zero padding ${p['padding']}$ maps the ${h} \\times {w}$ input $X$ to $Y$.\n"
            r"The upstream gradient $\delta = \partial L/\partial Y$ is" + "\n"
            f"{exact_mat(p['upstream'], name=DELTA)}\n"
            f"Compute the ${h} \\times {w}$ gradient $\\partial L/\\partial X$.")


def _dx_solution(p: dict) -> str:
    k, s, pad = p["kernel"], p["stride"], p["padding"]
    kh, kw = G.shape(k)
    # a full convolution frames δ (spread out by the stride) with k − 1 zeros on every side
    framed = [[0] * (kw - 1) + row + [0] * (kw - 1) for row in G.dilate(p["upstream"], s)]
    blank = [0] * len(framed[0])
    framed = [list(blank) for _ in range(kh - 1)] + framed + [list(blank) for _ in range(kh - 1)]
    rotated = G.rot180(k)
    stamped = G.correlate(framed, rotated)
    lines = [r"$\partial L/\partial X_\mathrm{pad}[a, b] = \sum_i \sum_j \delta[i, j]\, K[a - s i, b - s j]$: "
             r"a full convolution of $\delta$ with $K$, computed as a correlation of the zero-framed $\delta$ "
             r"with the kernel rotated by $180^\circ$."]
    if s > 1:
        gap = "one zero" if s == 2 else f"{s - 1} zeros"
        lines.append(f"Stride ${s}$: spread $\\delta$ out with {gap} between neighbouring entries.")
    frame = (f"$k - 1 = {kh - 1}$ zeros" if kh == kw
             else f"{kh - 1} rows (above and below) and {kw - 1} columns (left and right) of zeros")
    lines.append(f"Frame $\\delta$ with {frame} on every side, and rotate the kernel:\n"
                 f"$$\\tilde{{\\delta}} = {bmatrix(framed)}, \\quad \\operatorname{{rot180}}(K) = {bmatrix(rotated)}$$")
    for a, row in enumerate(stamped):
        for b, value in enumerate(row):
            terms = [f"({num(rotated[m][n])})({num(framed[a + m][b + n])})"
                     for m in range(kh) for n in range(kw) if framed[a + m][b + n] != 0]
            sum_text = f"{' + '.join(terms)} = " if terms else ""
            lines.append(f"$\\partial L/\\partial X_\\mathrm{{pad}}[{G.at(a, b)}] = {sum_text}{num(value)}$")
    # real inputs sit at rows/columns pad … pad + size − 1 of X_pad; the stamps may stop short of them
    if len(stamped) < pad + p["input_size"][0] or len(stamped[0]) < pad + p["input_size"][1]:
        lines.append("The last input rows or columns were never under the kernel (the stride skipped "
                     "them): their gradient is 0.")
    if pad:
        lines.append(f"Drop the padding ring of width ${pad}$: those positions are not inputs.")
    lines.append(mat(_solve_dx(p), name=r"\partial L/\partial X"))
    return "\n".join(lines)


def _dx_hints(p: dict) -> list[str]:
    spread = r"spread $\delta$ out with $s - 1$ zeros between entries, then " if p["stride"] > 1 else ""
    return [r"Each upstream entry $\delta[i, j]$ sends $\delta[i, j]\, K$ back onto the window it came from.",
            f"Equivalently: {spread}pad $\\delta$ with $k - 1$ zeros and correlate with the kernel rotated "
            r"by $180^\circ$."]


def _dx_not_rotated(p: dict):
    return input_gradient(p["upstream"], G.rot180(p["kernel"]), p["input_size"], p["padding"], p["stride"])


def _dx_valid_only(p: dict):
    if p["stride"] != 1:
        return None
    (rows, cols), (kh, kw) = G.shape(p["upstream"]), G.shape(p["kernel"])
    if rows < kh or cols < kw:
        return None
    return G.as_numbers(G.correlate(p["upstream"], G.rot180(p["kernel"])))


def _dx_kept_padding(p: dict):
    if not p["padding"]:
        return None
    h, w = p["input_size"]
    return input_gradient(p["upstream"], p["kernel"], [h + 2 * p["padding"], w + 2 * p["padding"]], 0, p["stride"])


def _dx_forgot_stride(p: dict):
    if p["stride"] == 1:
        return None
    full = G.scatter(p["upstream"], p["kernel"], 1)
    pad = p["padding"]
    return G.as_numbers(G.crop(full, pad)) if len(full) > 2 * pad and len(full[0]) > 2 * pad else None


CONV_BACKWARD_INPUT = Generator(
    id="cnn.conv-backward-input",
    title="Gradient of a conv layer with respect to its input",
    answer_kind=Matrix(),
    sample_params=_sample_dx,
    validate_params=_validate_dx,
    solve=_solve_dx,
    prompt=_dx_prompt,
    solution=_dx_solution,
    hints=_dx_hints,
    mistakes=(
        Mistake("kernel-not-rotated", "You slid $K$ without rotating it: the input gradient is a full "
                r"correlation with $\operatorname{rot180}(K)$ (a full convolution with $K$).", _dx_not_rotated),
        Mistake("valid-instead-of-full", r"You took a valid correlation: pad $\delta$ with $k - 1$ zeros on every "
                "side (a full convolution) so every input pixel gets its gradient.", _dx_valid_only),
        Mistake("kept-padding", "You returned the gradient of the padded input: drop the padding ring.",
                _dx_kept_padding),
        Mistake("forgot-stride", "With stride $s$ the copies of $K$ land $s$ pixels apart.", _dx_forgot_stride),
    ),
    tags=("conv", "backprop"),
    difficulty=3,
)

GENERATORS = [CONV_BACKWARD_KERNEL, CONV_BACKWARD_INPUT]
