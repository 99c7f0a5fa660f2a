"""Transposed convolution as a sum of stamped kernel copies.

Each input pixel (i, j) of channel c stamps the kernel W[c, o] weighted by x[c, i, j] onto output
channel o, the stamps s pixels apart (kernel taps d apart), overlaps summed:

    out_full[o, i·s + m·d, j·s + q·d] += Σ_c x[c, i, j] · W[c, o, m, q]

then padding p crops p rows/columns from the top/left and the size is

    out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1

(output_padding lengthens the far side only, which is why PyTorch needs it < max(s, d)).
Weights follow ConvTranspose2d: (C_in, C_out, kh, kw) — the transpose of a Conv2d's layout.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.exercises.draw import dims, integer, normal


def transposed_out(size: int, kernel: int, stride: int, padding: int, dilation: int, output_padding: int) -> int:
    # out = (in − 1)·s − 2p + d(k − 1) + output_padding + 1
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def conv_transpose2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: int = 1,
                     padding: int = 0, output_padding: int = 0, dilation: int = 1) -> torch.Tensor:
    """Same contract as F.conv_transpose2d (groups=1, square settings)."""
    n, _, h, w = x.shape
    _, c_out, kh, kw = weight.shape
    # the full canvas before cropping; output_padding only ever adds rows/columns of zeros+bias
    full_h = (h - 1) * stride + dilation * (kh - 1) + 1 + output_padding
    full_w = (w - 1) * stride + dilation * (kw - 1) + 1 + output_padding
    full = torch.zeros(n, c_out, full_h, full_w, dtype=x.dtype, device=x.device)
    for m in range(kh):
        for q in range(kw):
            # tap (m, q) of every stamp: out_full[o, i·s + m·d, j·s + q·d] += Σ_c x[c, i, j]·W[c, o, m, q]
            contribution = torch.einsum("ncij,co->noij", x, weight[:, :, m, q])
            top, left = m * dilation, q * dilation
            full[:, :, top:top + (h - 1) * stride + 1:stride, left:left + (w - 1) * stride + 1:stride] += contribution
    out_h = transposed_out(h, kh, stride, padding, dilation, output_padding)
    out_w = transposed_out(w, kw, stride, padding, dilation, output_padding)
    # padding crops p from the top/left and (with the size formula) from the bottom/right
    out = full[:, :, padding:padding + out_h, padding:padding + out_w]
    return out if bias is None else out + bias[None, :, None, None]


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [  # (N, C_in, H, W, C_out, k, stride, padding, output_padding, dilation)
    (1, 1, 2, 2, 1, 2, 1, 0, 0, 1),
    (2, 3, 4, 5, 2, 3, 2, 1, 1, 1),
    (1, 2, 3, 3, 3, 2, 1, 0, 0, 1),
    (2, 2, 5, 4, 2, 3, 3, 2, 2, 2),
    (1, 4, 6, 6, 1, 4, 2, 1, 0, 3),
]


def _random_shape(generator: torch.Generator) -> tuple[int, ...]:
    """Settings PyTorch accepts: output_padding < max(stride, dilation), an output at least 1 wide."""
    while True:
        k, s, d, p = integer(generator, 1, 4), integer(generator, 1, 3), integer(generator, 1, 2), integer(generator, 0, 2)
        op = integer(generator, 0, max(s, d) - 1)
        h, w = integer(generator, 1, 6), integer(generator, 1, 6)
        if min(transposed_out(h, k, s, p, d, op), transposed_out(w, k, s, p, d, op)) >= 1:
            return integer(generator, 1, 2), integer(generator, 1, 3), h, w, integer(generator, 1, 3), k, s, p, op, d


def _tensors(generator, device, dtype, shape) -> Case:
    n, c_in, h, w, c_out, k, s, p, op, d = shape
    x = normal(generator, n, c_in, h, w, dtype=dtype, device=device)
    weight = normal(generator, c_in, c_out, k, k, dtype=dtype, device=device)
    bias = normal(generator, c_out, dtype=dtype, device=device)
    label = (f"x {dims(x.shape)}, weight {dims(weight.shape)}, stride {s}, padding {p}, "
             f"output_padding {op}, dilation {d}")
    return Case(label, (x, weight, bias), {"stride": s, "padding": p, "output_padding": op, "dilation": d})


def conv_transpose2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    shapes = FIXED + [_random_shape(generator) for _ in range(4)]
    return [_tensors(generator, device, dtype, shape) for shape in shapes]


def conv_transpose2d_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    return _tensors(generator, device, dtype, (8, 32, 16, 16, 16, 4, 2, 1, 0, 1))


def conv_transpose2d_oracle(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    return F.conv_transpose2d(x, weight, bias, stride, padding, output_padding, 1, dilation)


def conv_transpose2d_flipped_kernel(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """The bug: as a convolution over the zero-upsampled input, but with the kernel not rotated by 180°."""
    return F.conv_transpose2d(x, weight.flip(2, 3), bias, stride, padding, output_padding, 1, dilation)


def conv_transpose2d_not_cropped(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    """The bug: the full canvas, padding never cropped from its borders."""
    return F.conv_transpose2d(x, weight, bias, stride, 0, output_padding, 1, dilation)
