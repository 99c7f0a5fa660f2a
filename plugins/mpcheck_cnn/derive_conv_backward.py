"""The input gradient of a conv layer is a full convolution of δ with the kernel, i.e. a
correlation of the zero-padded δ with the 180°-rotated kernel.

Written out on a 1-D layer (input length 4, kernel length 2) where SymPy checks every line
exactly; then the index formula and its rotated-kernel form are checked on random 1-D and 2-D
layers against SymPy's own derivatives, including padding and stride.
"""

from __future__ import annotations

import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate
from mpcheck_cnn import grids as G

x0, x1, x2, x3 = sp.symbols("x_0 x_1 x_2 x_3", real=True)
K0, K1 = sp.symbols("K_0 K_1", real=True)
d0, d1, d2 = sp.symbols("delta_0 delta_1 delta_2", real=True)
y0, y1, y2 = sp.symbols("y_0 y_1 y_2", real=True)
L = sp.Symbol("L")


def _exact_input_gradient(x_shape, kernel, upstream, padding: int, stride: int):
    """∂L/∂X by SymPy, from the forward definition alone, for L = Σ δ[i, j]·Y[i, j]
    (its gradient is what any loss with upstream gradient δ gives)."""
    h, w = x_shape
    xs = [[sp.Symbol(f"x_{r}_{c}") for c in range(w)] for r in range(h)]
    y = G.correlate(G.pad(xs, padding), kernel, stride)
    loss = sp.Add(*(upstream[i][j] * y[i][j] for i in range(len(y)) for j in range(len(y[0]))))
    # L is linear in the pixels, so ∂L/∂x is exactly x's coefficient in the expanded sum
    coefficients = sp.expand(loss).as_coefficients_dict()
    return [[coefficients.get(xs[r][c], 0) for c in range(w)] for r in range(h)]


def _rotated_kernel_form(x_shape, kernel, upstream, padding: int, stride: int):
    """The course's formula: spread δ by the stride, frame it with k − 1 zeros, correlate with
    rot180(K), then drop the padding ring (and the rows the stride never reached stay 0)."""
    h, w = x_shape
    kh, kw = G.shape(kernel)
    spread = G.dilate(upstream, stride)
    framed = [[0] * (kw - 1) + row + [0] * (kw - 1) for row in spread]
    blank = [0] * len(framed[0])
    framed = [list(blank) for _ in range(kh - 1)] + framed + [list(blank) for _ in range(kh - 1)]
    full = G.correlate(framed, G.rot180(kernel))
    canvas = G.zeros(h + 2 * padding, w + 2 * padding)
    for a, row in enumerate(full):
        canvas[a][: len(row)] = row
    return G.crop(canvas, padding)


def _index_form(x_shape, kernel, upstream, padding: int, stride: int):
    """∂L/∂x_a = Σ_i δ_i K_{a−i} over the outputs i whose window covers a (1-D, stride 1, no padding)."""
    taps, deltas, n = kernel[0], upstream[0], x_shape[1]
    return [[sum(deltas[i] * taps[a - i] for i in range(len(deltas)) if 0 <= a - i < len(taps))
             for a in range(n)]]


def _random_layer(rng: random.Random, two_d: bool, stride_and_padding: bool):
    kh = rng.randint(1, 4)
    kw = rng.randint(1, 4) if two_d else kh
    padding = rng.randint(0, 2) if stride_and_padding else 0
    stride = rng.randint(1, 3) if stride_and_padding else 1
    h = rng.randint(max(1, kh - 2 * padding), 7)
    w = rng.randint(max(1, kw - 2 * padding), 7) if two_d else 1
    kernel = [[rng.randint(-4, 4) for _ in range(kw)] for _ in range(kh if two_d else 1)]
    if not two_d:
        kh, h = 1, 1
        w = rng.randint(max(1, kw - 2 * padding), 9)
    rows = (h + 2 * padding - len(kernel)) // stride + 1
    cols = (w + 2 * padding - kw) // stride + 1
    upstream = [[rng.randint(-4, 4) for _ in range(cols)] for _ in range(rows)]
    return (h, w), kernel, upstream, padding, stride


def _formula_matches(two_d: bool, stride_and_padding: bool, draws: int = 30,
                     formula_of=_rotated_kernel_form) -> tuple[bool, str]:
    rng = random.Random(11 + 2 * two_d + stride_and_padding)
    for _ in range(draws):
        layer = _random_layer(rng, two_d, stride_and_padding)
        exact = _exact_input_gradient(*layer)
        formula = formula_of(*layer)
        if exact != formula:
            return False, f"layer {layer}: SymPy gives {exact}, the formula {formula}"
    what = "2-D" if two_d else "1-D"
    extra = " with padding 0–2 and stride 1–3" if stride_and_padding else ", stride 1, no padding"
    return True, f"equals SymPy's exact derivative on {draws} random {what} layers{extra}"


def build() -> Walkthrough:
    a, i, j, k, n = sp.symbols("a i j k n", integer=True, nonnegative=True)
    x, K, delta = sp.IndexedBase("x"), sp.IndexedBase("K"), sp.IndexedBase("delta")
    dpad, Krot = sp.IndexedBase(r"\tilde{\delta}"), sp.IndexedBase(r"\tilde{K}")
    d = sp.Derivative
    where = {y0: K0 * x0 + K1 * x1, y1: K0 * x1 + K1 * x2, y2: K0 * x2 + K1 * x3,
             L: d0 * y0 + d1 * y1 + d2 * y2}
    index_form = sp.Eq(d(L, x[a]), sp.Sum(delta[i] * K[a - i], (i, 0, n - k)))
    rotated_form = sp.Eq(d(L, x[a]), sp.Sum(dpad[a + j] * Krot[j], (j, 0, k - 1)))
    # shown, not typed: the 2-D results in the course's operator notation
    dL_dX = sp.Symbol(r"\frac{\partial L}{\partial X}")
    rot = r"\operatorname{rot180}(K)"
    return Walkthrough(
        title=r"$\partial L/\partial X$ of a conv layer: the full convolution of $\delta$ with $K$, "
              r"that is the correlation of the padded $\delta$ with $\operatorname{rot180}(K)$",
        assumptions=[
            r"the layer is a deep-learning conv (a cross-correlation): $y_i = \sum_m K_m x_{i+m}$",
            r"$\delta_i = \partial L/\partial y_i$ is the upstream gradient; only $\delta$ matters, so "
            r"$L = \sum_i \delta_i y_i$ has the same $\partial L/\partial x$",
            "1-D, input length 4, kernel length 2 (3 outputs) for the written-out lines",
        ],
        where=where,
        steps=[
            Given(sp.Eq(y1, K0 * x1 + K1 * x2), "each output is a window of the input ($y_0$ and $y_2$ likewise)"),
            Given(sp.Eq(L, d0 * y0 + d1 * y1 + d2 * y2), "the loss seen through its upstream gradient"),
            Step(sp.Eq(d(L, x1), d0 * d(y0, x1) + d1 * d(y1, x1) + d2 * d(y2, x1)),
                 "chain rule: $x_1$ reaches $L$ through every output that reads it",
                 hint=r"Sum $\delta_i \, \partial y_i/\partial x_1$ over the outputs $i$."),
            Step(sp.Eq(d(L, x1), d0 * K1 + d1 * K0),
                 r"read off which kernel tap multiplies $x_1$ in each output: $\partial y_i/\partial x_a = K_{a-i}$",
                 hint="Which kernel tap multiplies $x_1$ in $y_0$, and in $y_1$?"),
            Step(sp.Eq(d(L, x0), d0 * K0), "at the border only one window reads $x_0$: the other terms "
                 r"would need $\delta_{-1}$, which is 0, hence the zero padding of $\delta$"),
            Step(sp.Eq(d(L, x3), d2 * K1), "likewise at the far border: only $y_2$ reads $x_3$"),
            Step(index_form, r"in general $\partial L/\partial x_a = \sum_i \delta_i K_{a-i}$: a full "
                 r"convolution of $\delta$ with $K$ (every $i$ for which $a - i$ is a tap of the kernel)",
                 check=predicate(lambda: _formula_matches(False, False, formula_of=_index_form),
                                 "exact derivatives, 1-D")),
            Step(rotated_form, r"substitute $j = k - 1 - (a - i)$: $\tilde{\delta}$ is $\delta$ framed by "
                 r"$k - 1$ zeros and $\tilde{K}_j = K_{k-1-j}$ the kernel rotated by $180^\circ$, so the "
                 "full convolution is a correlation",
                 check=predicate(lambda: _formula_matches(False, False), "exact derivatives, 1-D")),
            Step(sp.Eq(dL_dX, sp.Symbol(r"\operatorname{pad}_{k-1}(\delta) \star " + rot)),
                 r"in 2-D the same index argument runs on rows and columns: $\operatorname{rot180}$ flips both",
                 check=predicate(lambda: _formula_matches(True, False, draws=15), "exact derivatives, 2-D")),
            Step(sp.Eq(dL_dX, sp.Symbol(r"\operatorname{crop}_p(\operatorname{pad}_{k-1}"
                                        r"(\operatorname{dilate}_s(\delta)) \star " + rot + ")")),
                 "with stride $s$, spread $\\delta$ with $s - 1$ zeros first; with padding $p$, drop the padding ring",
                 check=predicate(lambda: _formula_matches(True, True, draws=20),
                                 "exact derivatives, stride and padding")),
        ])
