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

from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-8


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


# --- check against the oracle ----------------------------------------------------------------

CASES = [  # (N, C_in, H, W, C_out, k, stride, padding, output_padding, dilation)
    (2, 3, 4, 5, 2, 3, 2, 1, 1, 1),
    (1, 2, 3, 3, 3, 2, 1, 0, 0, 1),
    (2, 2, 5, 4, 2, 3, 3, 2, 2, 2),
    (1, 4, 6, 6, 1, 4, 2, 1, 0, 3),
]


def _tensors(case, device: str, seed: int):
    n, c_in, h, w, c_out, k = case[:6]
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c_in, h, w, generator=gen, dtype=torch.float64).to(device)
    weight = torch.randn(c_in, c_out, k, k, generator=gen, dtype=torch.float64).to(device)
    bias = torch.randn(c_out, generator=gen, dtype=torch.float64).to(device)
    return x, weight, bias


def check_conv_transpose2d(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(CASES):
        x, weight, bias = _tensors(case, device, seed)
        s, p, op, d = case[6:]
        errors.append(max_abs_error(conv_transpose2d(x, weight, bias, s, p, op, d),
                                    F.conv_transpose2d(x, weight, bias, s, p, op, 1, d)))
    x, weight, bias = _tensors((8, 32, 16, 16, 16, 4, 2, 1, 0, 1), device, 99)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: conv_transpose2d(x, weight, bias, 2, 1), device),
                     builtin_ms=time_ms(lambda: F.conv_transpose2d(x, weight, bias, 2, 1), device))
