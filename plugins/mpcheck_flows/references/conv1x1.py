"""The invertible 1×1 convolution of Glow, with the LU parameterisation of its weight.

A 1×1 convolution multiplies every pixel's channel vector by the same C×C matrix W, so its
log-determinant is H·W·log|det W|: O(C³) for a general W. Glow writes

    W = P L (U + diag(s))

with P a fixed permutation, L lower triangular with ones on its diagonal and U strictly upper
triangular (the free parameters are masked into these shapes). Then det P = ±1, det L = 1 and
U + diag(s) is triangular with diagonal s, so

    log|det J| = H·W·Σ_c log|s_c|                   in O(C)

and the inverse needs only two triangular solves.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-9


def lu_factors(lower: torch.Tensor, upper: torch.Tensor, s: torch.Tensor):
    """The masked factors: L with a unit diagonal, U + diag(s) upper triangular."""
    eye = torch.eye(s.shape[0], dtype=s.dtype, device=s.device)
    return torch.tril(lower, -1) + eye, torch.triu(upper, 1) + torch.diag(s)


def invertible_conv1x1(x: torch.Tensor, permutation: torch.Tensor, lower: torch.Tensor, upper: torch.Tensor,
                       s: torch.Tensor, reverse: bool = False):
    """(output, log|det J|) with shapes (N, C, H, W) and (N,)."""
    n, c, h, w = x.shape
    unit_lower, upper_s = lu_factors(lower, upper, s)
    # log|det W| = log|det P| + log|det L| + log|det(U + diag s)| = 0 + 0 + Σ_c log|s_c|, at H·W pixels
    log_det = h * w * torch.log(s.abs()).sum() * torch.ones(n, dtype=x.dtype, device=x.device)
    # every pixel's channel vector is a column: (C, N·H·W)
    columns = x.permute(1, 0, 2, 3).reshape(c, -1)
    if not reverse:
        # y = W x with W = P L (U + diag s), the same matrix at every pixel
        out = (permutation @ unit_lower @ upper_s) @ columns
    else:
        # x = (U + diag s)⁻¹ L⁻¹ Pᵀ y: P is orthogonal, the other two are triangular solves
        solved = torch.linalg.solve_triangular(unit_lower, permutation.T @ columns, upper=False, unitriangular=True)
        out = torch.linalg.solve_triangular(upper_s, solved, upper=True)
        log_det = -log_det
    return out.reshape(c, n, h, w).permute(1, 0, 2, 3), log_det


# --- the oracle: the assembled weight, F.conv2d and torch.linalg.slogdet ----------------------

def invertible_conv1x1_oracle(x, permutation, lower, upper, s, reverse=False):
    unit_lower, upper_s = lu_factors(lower, upper, s)
    weight = permutation @ unit_lower @ upper_s
    if reverse:
        weight = torch.linalg.inv(weight)
    log_det = x.shape[2] * x.shape[3] * torch.linalg.slogdet(weight).logabsdet
    return F.conv2d(x, weight[:, :, None, None]), log_det * torch.ones(x.shape[0], dtype=x.dtype, device=x.device)


# --- the exercise: cases and known bugs ------------------------------------------------------

def conv1x1_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    shapes = [(1, 2, 1, 1), (2, 3, 2, 3), (1, 4, 3, 2)] + [
        tuple(int(torch.randint(lo, hi, (), generator=generator)) for lo, hi in ((1, 3), (2, 6), (1, 5), (1, 5)))
        for _ in range(3)]
    cases = []
    for n, c, h, w in shapes:
        x = torch.randn(n, c, h, w, generator=generator, dtype=dtype)
        permutation = torch.eye(c, dtype=dtype)[torch.randperm(c, generator=generator)]
        # raw parameters, full matrices: the layer must mask them into L and U
        lower, upper = (torch.randn(c, c, generator=generator, dtype=dtype) for _ in range(2))
        signs = torch.where(torch.rand(c, generator=generator) < 0.4, -1.0, 1.0).to(dtype)
        s = signs * (0.5 + 1.5 * torch.rand(c, generator=generator, dtype=dtype))
        args = tuple(v.to(device) for v in (x, permutation, lower, upper, s))
        for reverse in (False, True):
            cases.append(Case(f"x {n}×{c}×{h}×{w}, {'reverse' if reverse else 'forward'}", args, {"reverse": reverse}))
    return cases


def conv1x1_unmasked(x, permutation, lower, upper, s, reverse=False):
    """The bug: L and U used as given, without forcing their triangular shapes."""
    weight = permutation @ lower @ (upper + torch.diag(s))
    if reverse:
        weight = torch.linalg.inv(weight)
    sign = -1 if reverse else 1
    log_det = sign * x.shape[2] * x.shape[3] * torch.log(s.abs()).sum()
    return F.conv2d(x, weight[:, :, None, None]), log_det * torch.ones(x.shape[0], dtype=x.dtype, device=x.device)


def conv1x1_forgot_hw(x, permutation, lower, upper, s, reverse=False):
    """The bug: log|det W| of one pixel, not of the H·W pixels."""
    out, log_det = invertible_conv1x1(x, permutation, lower, upper, s, reverse)
    return out, log_det / (x.shape[2] * x.shape[3])


def conv1x1_reverse_log_det_sign(x, permutation, lower, upper, s, reverse=False):
    """The bug: the reverse layer reports the forward log-determinant."""
    out, log_det = invertible_conv1x1(x, permutation, lower, upper, s, reverse)
    return out, -log_det if reverse else log_det


def conv1x1_weight_transposed(x, permutation, lower, upper, s, reverse=False):
    """The bug: the channels mixed by Wᵀ instead of W (an index order slip in the product)."""
    unit_lower, upper_s = lu_factors(lower, upper, s)
    weight = (permutation @ unit_lower @ upper_s).T
    if reverse:
        weight = torch.linalg.inv(weight)
    sign = -1 if reverse else 1
    log_det = sign * x.shape[2] * x.shape[3] * torch.log(s.abs()).sum()
    return F.conv2d(x, weight[:, :, None, None]), log_det * torch.ones(x.shape[0], dtype=x.dtype, device=x.device)


# --- check against the oracle ----------------------------------------------------------------

def check_invertible_conv1x1(device: str) -> RefResult:
    cases = conv1x1_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(list(invertible_conv1x1(*c.args, **c.kwargs)),
                            list(invertible_conv1x1_oracle(*c.args, **c.kwargs))) for c in cases]
    gen = torch.Generator().manual_seed(1)
    c = 16
    x = torch.randn(8, c, 32, 32, generator=gen, dtype=torch.float64).to(device)
    permutation = torch.eye(c, dtype=torch.float64)[torch.randperm(c, generator=gen)].to(device)
    lower, upper = (0.1 * torch.randn(c, c, generator=gen, dtype=torch.float64).to(device) for _ in range(2))
    s = (1 + 0.1 * torch.randn(c, generator=gen, dtype=torch.float64)).to(device)
    y, log_det = invertible_conv1x1(x, permutation, lower, upper, s)
    back, inverse_log_det = invertible_conv1x1(y, permutation, lower, upper, s, reverse=True)
    errors += [max_abs_error(back, x), max_abs_error(log_det + inverse_log_det, torch.zeros_like(log_det))]
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: invertible_conv1x1(x, permutation, lower, upper, s), device),
                     builtin_ms=time_ms(lambda: invertible_conv1x1_oracle(x, permutation, lower, upper, s), device))
