"""Conv2d from the formula: im2col (unfold) + one matrix product, and its backward pass by hand.

A conv layer (PyTorch's convention: cross-correlation, no kernel flip) computes

    Y[n, o, i, j] = b[o] + Σ_c Σ_m Σ_q W[o, c, m, q] · X_pad[n, c, i·s + m·d, j·s + q·d]

Gathering every receptive field into a column ("im2col") turns the sums into one matrix product:
cols has one row per (c, m, q) and one column per output position (i, j), and Y = W_flat · cols.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.exercises.draw import dims, integer, normal


def out_size(size: int, kernel: int, padding: int, stride: int, dilation: int) -> int:
    # out = ⌊(in + 2p − d(k−1) − 1) / s⌋ + 1
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def window_index(out: int, kernel: int, stride: int, dilation: int, device) -> torch.Tensor:
    """(out, kernel) table of padded-input rows: row i·s + m·d for output i and kernel tap m."""
    i = torch.arange(out, device=device)[:, None]
    m = torch.arange(kernel, device=device)[None, :]
    return i * stride + m * dilation


def im2col(x: torch.Tensor, kh: int, kw: int, stride: int = 1, padding: int = 0,
           dilation: int = 1) -> torch.Tensor:
    """(N, C, H, W) → (N, C·kh·kw, H_out·W_out): column (i, j) holds the receptive field of output (i, j)."""
    n, c, h, w = x.shape
    h_out, w_out = out_size(h, kh, padding, stride, dilation), out_size(w, kw, padding, stride, dilation)
    x_pad = F.pad(x, (padding, padding, padding, padding))
    rows = window_index(h_out, kh, stride, dilation, x.device)   # (H_out, kh)
    cols = window_index(w_out, kw, stride, dilation, x.device)   # (W_out, kw)
    # patches[n, c, i, m, j, q] = X_pad[n, c, i·s + m·d, j·s + q·d]
    patches = x_pad[:, :, rows[:, :, None, None], cols[None, None, :, :]]
    # order the rows (c, m, q) like W.view(C_out, −1), the columns (i, j) like Y.view(N, C_out, −1)
    return patches.permute(0, 1, 3, 5, 2, 4).reshape(n, c * kh * kw, h_out * w_out)


def col2im(cols: torch.Tensor, shape: tuple[int, int, int, int], kh: int, kw: int, stride: int = 1,
           padding: int = 0, dilation: int = 1) -> torch.Tensor:
    """The adjoint of im2col: every column entry is added back onto the pixel it was read from."""
    n, c, h, w = shape
    h_out, w_out = out_size(h, kh, padding, stride, dilation), out_size(w, kw, padding, stride, dilation)
    rows = window_index(h_out, kh, stride, dilation, cols.device)
    columns = window_index(w_out, kw, stride, dilation, cols.device)
    width = w + 2 * padding
    # flat index of X_pad[i·s + m·d, j·s + q·d], laid out as (m, q, i, j) like the im2col rows/columns
    flat = rows.T[:, None, :, None] * width + columns.T[None, :, None, :]
    patches = cols.reshape(n, c, kh * kw * h_out * w_out)
    x_pad = torch.zeros(n, c, (h + 2 * padding) * width, dtype=cols.dtype, device=cols.device)
    # a pixel read by several windows collects the gradient of each: index_add sums duplicates
    x_pad.index_add_(2, flat.reshape(-1), patches)
    x_pad = x_pad.view(n, c, h + 2 * padding, width)
    return x_pad[:, :, padding:padding + h, padding:padding + w]


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: int = 1,
           padding: int = 0, dilation: int = 1) -> torch.Tensor:
    """Same contract as F.conv2d (groups=1, square stride/padding/dilation)."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = im2col(x, kh, kw, stride, padding, dilation)
    # Y[n, o, (i, j)] = Σ_(c, m, q) W_flat[o, (c, m, q)] · cols[n, (c, m, q), (i, j)]
    y = weight.reshape(c_out, -1) @ cols
    if bias is not None:
        y = y + bias[None, :, None]
    return y.view(n, c_out, out_size(h, kh, padding, stride, dilation), out_size(w, kw, padding, stride, dilation))


def conv2d_backward(x: torch.Tensor, weight: torch.Tensor, grad_out: torch.Tensor, stride: int = 1,
                    padding: int = 0, dilation: int = 1):
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) from δ = ∂L/∂Y, by the chain rule through Y = W_flat · cols + b."""
    n, c_out = grad_out.shape[:2]
    _, c_in, kh, kw = weight.shape
    cols = im2col(x, kh, kw, stride, padding, dilation)
    delta = grad_out.reshape(n, c_out, -1)
    # ∂L/∂W_flat = Σ_n δ_n · cols_nᵀ: the correlation of the input with δ, summed over the batch
    grad_w = (delta @ cols.transpose(1, 2)).sum(0).view_as(weight)
    # ∂L/∂cols = W_flatᵀ · δ, then each entry flows back to the pixel it was read from
    grad_cols = weight.reshape(c_out, -1).T @ delta
    grad_x = col2im(grad_cols, tuple(x.shape), kh, kw, stride, padding, dilation)
    # ∂L/∂b[o] = Σ_{n, i, j} δ[n, o, i, j]: the bias is added at every output position
    grad_b = delta.sum((0, 2))
    return grad_x, grad_w, grad_b


def input_grad_full_conv(weight: torch.Tensor, grad_out: torch.Tensor, padding: int = 0) -> torch.Tensor:
    """The course's formula for stride 1, dilation 1: ∂L/∂X is the full convolution of δ with the
    kernel, i.e. a correlation of δ padded by k − 1 − p with the 180°-rotated kernel, its input and
    output channels swapped."""
    kh, kw = weight.shape[2:]
    if kh != kw:
        raise ValueError("input_grad_full_conv expects a square kernel")
    rotated = weight.flip(2, 3).transpose(0, 1)   # rot180, then (C_in, C_out, k, k)
    return conv2d(grad_out, rotated, padding=kh - 1 - padding)


# --- the exercises: cases, oracles and known bugs --------------------------------------------

FIXED = [  # (N, C_in, H, W, C_out, k, stride, padding, dilation): small first, to read by eye
    (1, 1, 4, 4, 1, 2, 1, 0, 1),
    (2, 3, 9, 11, 4, 3, 1, 1, 1),
    (1, 2, 10, 8, 3, 3, 2, 0, 2),
    (3, 4, 7, 7, 2, 2, 3, 2, 1),
]


def conv_shapes(generator: torch.Generator, count: int = 4) -> list[tuple[int, ...]]:
    """The fixed shapes, then ``count`` random ones (any stride, padding and dilation that fit)."""
    shapes = list(FIXED)
    for _ in range(count):
        k, d, p, s = integer(generator, 1, 3), integer(generator, 1, 2), integer(generator, 0, 2), integer(generator, 1, 3)
        h, w = integer(generator, d * (k - 1) + 1, 11), integer(generator, d * (k - 1) + 1, 11)
        shapes.append((integer(generator, 1, 2), integer(generator, 1, 3), h, w, integer(generator, 1, 3), k, s, p, d))
    return shapes


def _conv_inputs(generator, device, dtype, shape):
    n, c_in, h, w, c_out, k, s, p, d = shape
    x = normal(generator, n, c_in, h, w, dtype=dtype, device=device)
    weight = normal(generator, c_out, c_in, k, k, dtype=dtype, device=device)
    bias = normal(generator, c_out, dtype=dtype, device=device)
    label = f"x {dims(x.shape)}, weight {dims(weight.shape)}, stride {s}, padding {p}, dilation {d}"
    return x, weight, bias, {"stride": s, "padding": p, "dilation": d}, label


def conv2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for shape in conv_shapes(generator):
        x, weight, bias, settings, label = _conv_inputs(generator, device, dtype, shape)
        cases.append(Case(label, (x, weight, bias), settings))
    return cases


def conv2d_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    x, weight, bias, settings, label = _conv_inputs(generator, device, dtype, (8, 16, 32, 32, 32, 3, 1, 1, 1))
    return Case(label, (x, weight, bias), settings)


def conv2d_oracle(x, weight, bias=None, stride=1, padding=0, dilation=1):
    return F.conv2d(x, weight, bias, stride, padding, dilation)


def conv2d_flipped_kernel(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The bug: a true convolution (kernel rotated by 180°), not the layer's correlation."""
    return F.conv2d(x, weight.flip(2, 3), bias, stride, padding, dilation)


def conv2d_without_bias(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The bug: the bias is never added."""
    return F.conv2d(x, weight, None, stride, padding, dilation)


def conv2d_dilation_ignored(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The bug: the output size has d in it, the taps do not (row i·s + m instead of i·s + m·d):
    the undilated correlation, cut to the dilated output's size."""
    h_out = out_size(x.shape[2], weight.shape[2], padding, stride, dilation)
    w_out = out_size(x.shape[3], weight.shape[3], padding, stride, dilation)
    return F.conv2d(x, weight, bias, stride, padding)[:, :, :h_out, :w_out]


def conv2d_backward_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for shape in conv_shapes(generator):
        x, weight, bias, settings, label = _conv_inputs(generator, device, dtype, shape)
        grad_out = normal(generator, *F.conv2d(x, weight, bias, **settings).shape, dtype=dtype, device=device)
        cases.append(Case(label + f", grad_out {dims(grad_out.shape)}", (x, weight, grad_out), settings))
    return cases


def conv2d_backward_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    x, weight, bias, settings, label = _conv_inputs(generator, device, dtype, (8, 16, 32, 32, 32, 3, 1, 1, 1))
    grad_out = normal(generator, *F.conv2d(x, weight, bias, **settings).shape, dtype=dtype, device=device)
    return Case(label, (x, weight, grad_out), settings)


def autograd_grads(x, weight, bias, grad_out, stride, padding, dilation):
    """The oracle: let autograd differentiate F.conv2d."""
    x, weight, bias = (t.detach().requires_grad_() for t in (x, weight, bias))
    F.conv2d(x, weight, bias, stride, padding, dilation).backward(grad_out)
    return x.grad, weight.grad, bias.grad


def conv2d_backward_oracle(x, weight, grad_out, stride=1, padding=0, dilation=1):
    bias = torch.zeros(weight.shape[0], dtype=weight.dtype, device=weight.device)
    return autograd_grads(x, weight, bias, grad_out, stride, padding, dilation)


def conv2d_backward_kernel_not_rotated(x, weight, grad_out, stride=1, padding=0, dilation=1):
    """The bug: ∂L/∂X spreads δ with the kernel as it is, not rotated by 180° — the input
    gradient of the layer whose kernel is flipped."""
    grad_x, _, _ = conv2d_backward_oracle(x, weight.flip(2, 3), grad_out, stride, padding, dilation)
    _, grad_w, grad_b = conv2d_backward_oracle(x, weight, grad_out, stride, padding, dilation)
    return grad_x, grad_w, grad_b


def conv2d_backward_weight_grad_flipped(x, weight, grad_out, stride=1, padding=0, dilation=1):
    """The bug: ∂L/∂W computed as a convolution (δ rotated) instead of a correlation: it comes out rotated."""
    grad_x, grad_w, grad_b = conv2d_backward_oracle(x, weight, grad_out, stride, padding, dilation)
    return grad_x, grad_w.flip(2, 3), grad_b


def conv2d_backward_bias_grad_averaged(x, weight, grad_out, stride=1, padding=0, dilation=1):
    """The bug: ∂L/∂b[o] is the mean of δ over the batch and the positions, not their sum."""
    grad_x, grad_w, grad_b = conv2d_backward_oracle(x, weight, grad_out, stride, padding, dilation)
    n, _, h_out, w_out = grad_out.shape
    return grad_x, grad_w, grad_b / (n * h_out * w_out)
