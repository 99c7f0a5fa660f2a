"""ActNorm (Glow): a per-channel affine map with a data-dependent initialisation.

On a feature map x of shape (N, C, H, W), every pixel's channel vector goes through the same map:

    y_ij = s ⊙ x_ij + b            log|det J| = H·W·Σ_c log|s_c|   (one value per example)
    reverse  x_ij = (y_ij − b) / s    log|det J⁻¹| = −H·W·Σ_c log|s_c|

Initialisation: s and b are set from the first minibatch so that each channel of the output has
mean 0 and variance 1; after that they are ordinary parameters.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def actnorm(x: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor, reverse: bool = False):
    """(output, log|det J|) with shapes (N, C, H, W) and (N,)."""
    n, _, h, w = x.shape
    s, b = scale.view(1, -1, 1, 1), bias.view(1, -1, 1, 1)
    # the same C×C diagonal map at each of the H·W pixels: log|det J| = H·W·Σ_c log|s_c|
    log_det = h * w * torch.log(scale.abs()).sum() * torch.ones(n, dtype=x.dtype, device=x.device)
    if not reverse:
        return s * x + b, log_det           # y = s ⊙ x + b
    return (x - b) / s, -log_det            # x = (y − b) / s


def actnorm_init(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(scale, bias) that make each output channel of this batch have mean 0 and variance 1."""
    mean = x.mean((0, 2, 3))
    std = x.std((0, 2, 3), unbiased=False)
    # y = (x − mean)/std = s x + b with s = 1/std, b = −mean/std
    return 1 / std, -mean / std


# --- the oracle: a diagonal 1×1 convolution and torch.linalg.slogdet of its Jacobian ----------

def actnorm_oracle(x, scale, bias, reverse=False):
    """F.conv2d with the diagonal weight diag(s) (or diag(1/s) and bias −b/s in reverse). The map is
    affine, so its Jacobian's column k is layer(e_k) − layer(0) for the unit vectors e_k of the whole
    C·H·W input; torch.linalg.slogdet of that matrix is log|det J|, the same for every example."""
    weight, shift = (torch.diag(1 / scale), -bias / scale) if reverse else (torch.diag(scale), bias)

    def layer(v: torch.Tensor) -> torch.Tensor:
        return F.conv2d(v, weight[:, :, None, None], shift)

    size = x[0].numel()
    units = torch.eye(size, dtype=x.dtype, device=x.device).reshape(size, *x.shape[1:])
    jacobian = (layer(units) - layer(torch.zeros_like(units[:1]))).reshape(size, size).T
    log_det = torch.linalg.slogdet(jacobian).logabsdet
    return layer(x), log_det * torch.ones(x.shape[0], dtype=x.dtype, device=x.device)


# --- the exercise: cases and known bugs ------------------------------------------------------

def actnorm_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    shapes = [(1, 2, 2, 3), (2, 3, 1, 1), (2, 1, 4, 4)] + [
        tuple(int(torch.randint(1, hi, (), generator=generator)) for hi in (3, 4, 4, 4)) for _ in range(3)]
    cases = []
    for n, c, h, w in shapes:
        x = torch.randn(n, c, h, w, generator=generator, dtype=dtype)
        signs = torch.where(torch.rand(c, generator=generator) < 0.3, -1.0, 1.0).to(dtype)
        scale = signs * (0.3 + 2 * torch.rand(c, generator=generator, dtype=dtype))
        bias = torch.randn(c, generator=generator, dtype=dtype)
        args = tuple(v.to(device) for v in (x, scale, bias))
        for reverse in (False, True):
            cases.append(Case(f"x {n}×{c}×{h}×{w}, {'reverse' if reverse else 'forward'}", args, {"reverse": reverse}))
    return cases


def actnorm_forgot_hw(x, scale, bias, reverse=False):
    """The bug: the log-determinant of one pixel's map, not of all H·W of them."""
    out, log_det = actnorm(x, scale, bias, reverse)
    return out, log_det / (x.shape[2] * x.shape[3])


def actnorm_reverse_log_det_sign(x, scale, bias, reverse=False):
    """The bug: the reverse layer reports the forward log-determinant."""
    out, log_det = actnorm(x, scale, bias, reverse)
    return out, -log_det if reverse else log_det


def actnorm_reverse_unscale_first(x, scale, bias, reverse=False):
    """The bug: the reverse divides by s before subtracting b, x = y/s − b."""
    out, log_det = actnorm(x, scale, bias, reverse)
    if reverse:
        out = x / scale.view(1, -1, 1, 1) - bias.view(1, -1, 1, 1)
    return out, log_det


# --- checks ----------------------------------------------------------------------------------

def check_actnorm(device: str) -> RefResult:
    """Against the oracle on the exercise's cases; the round trip; and the initialisation, which must
    give every channel mean 0 and variance 1 on its batch."""
    cases = actnorm_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(list(actnorm(*c.args, **c.kwargs)), list(actnorm_oracle(*c.args, **c.kwargs))) for c in cases]
    gen = torch.Generator().manual_seed(1)
    x = (3 * torch.randn(16, 8, 32, 32, generator=gen, dtype=torch.float64) + 2).to(device)
    scale, bias = actnorm_init(x)
    y, log_det = actnorm(x, scale, bias)
    back, inverse_log_det = actnorm(y, scale, bias, reverse=True)
    errors += [max_abs_error(y.mean((0, 2, 3)), torch.zeros_like(scale)),
               max_abs_error(y.var((0, 2, 3), unbiased=False), torch.ones_like(scale)),
               max_abs_error(back, x), max_abs_error(log_det + inverse_log_det, torch.zeros_like(log_det))]
    weight = torch.diag(scale)[:, :, None, None]
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: actnorm(x, scale, bias), device),
                     builtin_ms=time_ms(lambda: F.conv2d(x, weight, bias), device))
