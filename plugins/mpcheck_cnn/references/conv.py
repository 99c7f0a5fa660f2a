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
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-8  # float64 throughout: any larger gap is a bug, not rounding


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


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def conv2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """The fixed cases of the oracle check, then random shapes, strides, paddings and dilations."""
    shapes = list(CASES)
    for _ in range(4):
        k = int(torch.randint(1, 4, (), generator=generator))
        d = int(torch.randint(1, 3, (), generator=generator))
        p = int(torch.randint(0, 3, (), generator=generator))
        s = int(torch.randint(1, 4, (), generator=generator))
        h, w = (int(torch.randint(d * (k - 1) + 1, 12, (), generator=generator)) for _ in range(2))
        shapes.append((int(torch.randint(1, 3, (), generator=generator)), int(torch.randint(1, 4, (), generator=generator)),
                       h, w, int(torch.randint(1, 4, (), generator=generator)), k, s, p, d))
    cases = []
    for n, c_in, h, w, c_out, k, s, p, d in shapes:
        x = torch.randn(n, c_in, h, w, generator=generator, dtype=dtype).to(device)
        weight = torch.randn(c_out, c_in, k, k, generator=generator, dtype=dtype).to(device)
        bias = torch.randn(c_out, generator=generator, dtype=dtype).to(device)
        label = f"x {n}×{c_in}×{h}×{w}, weight {c_out}×{c_in}×{k}×{k}, stride {s}, padding {p}, dilation {d}"
        cases.append(Case(label, (x, weight, bias), {"stride": s, "padding": p, "dilation": d}))
    return cases


def conv2d_oracle(x, weight, bias=None, stride=1, padding=0, dilation=1):
    return F.conv2d(x, weight, bias, stride, padding, dilation)


def conv2d_flipped_kernel(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The bug: a true convolution (kernel rotated by 180°), not the layer's correlation."""
    return F.conv2d(x, weight.flip(2, 3), bias, stride, padding, dilation)


def conv2d_without_bias(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """The bug: the bias is never added."""
    return F.conv2d(x, weight, None, stride, padding, dilation)


# --- checks against the oracles --------------------------------------------------------------

CASES = [  # (N, C_in, H, W, C_out, k, stride, padding, dilation)
    (2, 3, 9, 11, 4, 3, 1, 1, 1),
    (1, 2, 10, 8, 3, 3, 2, 0, 2),
    (3, 4, 7, 7, 2, 2, 3, 2, 1),
]


def _case_tensors(case, device: str, seed: int = 0):
    n, c_in, h, w, c_out, k, *_ = case
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c_in, h, w, generator=gen, dtype=torch.float64).to(device)
    weight = torch.randn(c_out, c_in, k, k, generator=gen, dtype=torch.float64).to(device)
    bias = torch.randn(c_out, generator=gen, dtype=torch.float64).to(device)
    return x, weight, bias


def _noise(like: torch.Tensor, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(1000 + seed)
    return torch.randn(tuple(like.shape), generator=gen, dtype=like.dtype).to(like.device)


def check_conv2d(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(CASES):
        x, weight, bias = _case_tensors(case, device, seed)
        s, p, d = case[6:]
        errors.append(max_abs_error(conv2d(x, weight, bias, s, p, d), F.conv2d(x, weight, bias, s, p, d)))
    x, weight, bias = _case_tensors((8, 16, 32, 32, 32, 3, 1, 1, 1), device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: conv2d(x, weight, bias, 1, 1), device),
                     builtin_ms=time_ms(lambda: F.conv2d(x, weight, bias, 1, 1), device))


def autograd_grads(x, weight, bias, grad_out, stride, padding, dilation):
    """The oracle: let autograd differentiate F.conv2d."""
    x, weight, bias = (t.detach().requires_grad_() for t in (x, weight, bias))
    F.conv2d(x, weight, bias, stride, padding, dilation).backward(grad_out)
    return x.grad, weight.grad, bias.grad


def check_conv2d_backward(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(CASES):
        x, weight, bias = _case_tensors(case, device, seed)
        s, p, d = case[6:]
        grad_out = _noise(F.conv2d(x, weight, bias, s, p, d), seed)
        mine = conv2d_backward(x, weight, grad_out, s, p, d)
        errors.append(max_abs_error(list(mine), list(autograd_grads(x, weight, bias, grad_out, s, p, d))))
    x, weight, bias = _case_tensors((8, 16, 32, 32, 32, 3, 1, 1, 1), device)
    grad_out = _noise(F.conv2d(x, weight, bias, 1, 1), 0)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: conv2d_backward(x, weight, grad_out, 1, 1), device),
                     builtin_ms=time_ms(lambda: autograd_grads(x, weight, bias, grad_out, 1, 1, 1), device))
