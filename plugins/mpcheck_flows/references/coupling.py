"""An affine coupling layer (RealNVP) from the formulas: forward, inverse, log-determinant.

x has shape (N, D) with D even. The first half x_A is transformed, the second half x_B is kept
and conditions it through a linear conditioner (any network would do: it is never inverted):

    s = W_s x_B,   t = W_t x_B                                   (W_s, W_t: D/2 × D/2)
    forward   y_A = x_A ⊙ exp(s) + t,   y_B = x_B,   log|det J| = Σ_i s_i
    reverse   x_A = (y_A − t) ⊙ exp(−s),   x_B = y_B,   log|det J⁻¹| = −Σ_i s_i

The Jacobian is triangular (y_B ignores x_A), with exp(s) and ones on the diagonal: its
log-determinant is a sum, one per example.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def affine_coupling(x: torch.Tensor, weight_s: torch.Tensor, weight_t: torch.Tensor, reverse: bool = False):
    """(output, log|det J|) with shapes (N, D) and (N,); ``reverse`` runs the inverse layer."""
    half = x.shape[1] // 2
    changed, kept = x[:, :half], x[:, half:]
    # s = W_s x_B,  t = W_t x_B: x_B = y_B, so the inverse sees the same s and t
    s = kept @ weight_s.T
    t = kept @ weight_t.T
    if not reverse:
        # y_A = x_A ⊙ exp(s) + t;  log|det J| = Σ_i s_i
        return torch.cat([changed * torch.exp(s) + t, kept], 1), s.sum(1)
    # x_A = (y_A − t) ⊙ exp(−s);  log|det J⁻¹| = −Σ_i s_i
    return torch.cat([(changed - t) * torch.exp(-s), kept], 1), -s.sum(1)


# --- the oracle: RealNVP's mask form, and slogdet of the autograd Jacobian --------------------

def _mask_form(weight_s: torch.Tensor, weight_t: torch.Tensor, dims: int, reverse: bool):
    """The layer on one vector, written with a binary mask b (1 on the kept half):
    y = b ⊙ x + (1 − b) ⊙ (x ⊙ exp(s(b ⊙ x)) + t(b ⊙ x)), with s and t padded to D × D."""
    half = dims // 2
    b = torch.zeros(dims, dtype=weight_s.dtype, device=weight_s.device)
    b[half:] = 1
    full_s = torch.zeros(dims, dims, dtype=weight_s.dtype, device=weight_s.device)
    full_t = torch.zeros_like(full_s)
    full_s[:half, half:], full_t[:half, half:] = weight_s, weight_t

    def layer(v: torch.Tensor) -> torch.Tensor:
        s, t = full_s @ (b * v), full_t @ (b * v)
        if reverse:
            return b * v + (1 - b) * ((v - t) * torch.exp(-s))
        return b * v + (1 - b) * (v * torch.exp(s) + t)
    return layer


def affine_coupling_oracle(x, weight_s, weight_t, reverse=False):
    layer = _mask_form(weight_s, weight_t, x.shape[1], reverse)
    outputs = torch.stack([layer(v) for v in x])
    log_dets = torch.stack([torch.linalg.slogdet(torch.autograd.functional.jacobian(layer, v)).logabsdet for v in x])
    return outputs, log_dets


# --- the exercise: cases and known bugs ------------------------------------------------------

def coupling_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    shapes = [(1, 2), (3, 4), (2, 6)] + [(int(torch.randint(1, 4, (), generator=generator)),
                                          2 * int(torch.randint(1, 5, (), generator=generator))) for _ in range(3)]
    cases = []
    for n, dims in shapes:
        x = torch.randn(n, dims, generator=generator, dtype=dtype)
        weight_s = 0.5 * torch.randn(dims // 2, dims // 2, generator=generator, dtype=dtype)
        weight_t = torch.randn(dims // 2, dims // 2, generator=generator, dtype=dtype)
        args = tuple(v.to(device) for v in (x, weight_s, weight_t))
        for reverse in (False, True):
            cases.append(Case(f"x {n}×{dims}, {'reverse' if reverse else 'forward'}", args, {"reverse": reverse}))
    return cases


def coupling_log_det_sign(x, weight_s, weight_t, reverse=False):
    """The bug: the log-determinant with the inverse direction's sign."""
    out, log_det = affine_coupling(x, weight_s, weight_t, reverse)
    return out, -log_det


def coupling_det_not_log(x, weight_s, weight_t, reverse=False):
    """The bug: det J = exp(Σ s) returned where log|det J| belongs."""
    out, log_det = affine_coupling(x, weight_s, weight_t, reverse)
    return out, torch.exp(log_det)


def coupling_halves_swapped(x, weight_s, weight_t, reverse=False):
    """The bug: the second half transformed, conditioned on the first."""
    half = x.shape[1] // 2
    swapped = torch.cat([x[:, half:], x[:, :half]], 1)
    out, log_det = affine_coupling(swapped, weight_s, weight_t, reverse)
    return torch.cat([out[:, half:], out[:, :half]], 1), log_det


def coupling_shift_before_scale(x, weight_s, weight_t, reverse=False):
    """The bug: y_A = (x_A + t) ⊙ exp(s), and its inverse y_A ⊙ exp(−s) − t."""
    half = x.shape[1] // 2
    changed, kept = x[:, :half], x[:, half:]
    s, t = kept @ weight_s.T, kept @ weight_t.T
    if not reverse:
        return torch.cat([(changed + t) * torch.exp(s), kept], 1), s.sum(1)
    return torch.cat([changed * torch.exp(-s) - t, kept], 1), -s.sum(1)


def coupling_reverse_multiplies(x, weight_s, weight_t, reverse=False):
    """The bug: the inverse multiplies by exp(s) again instead of dividing."""
    if not reverse:
        return affine_coupling(x, weight_s, weight_t)
    half = x.shape[1] // 2
    changed, kept = x[:, :half], x[:, half:]
    s, t = kept @ weight_s.T, kept @ weight_t.T
    return torch.cat([(changed - t) * torch.exp(s), kept], 1), -s.sum(1)


# --- check against the oracle ----------------------------------------------------------------

def check_affine_coupling(device: str) -> RefResult:
    """Against the mask form and autograd's Jacobian on the exercise's cases, and the round trip
    reverse(forward(x)) = x with log-determinants that cancel."""
    cases = coupling_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(list(affine_coupling(*c.args, **c.kwargs)), list(affine_coupling_oracle(*c.args, **c.kwargs)))
              for c in cases]
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(256, 64, generator=gen, dtype=torch.float64).to(device)
    weight_s, weight_t = (0.1 * torch.randn(32, 32, generator=gen, dtype=torch.float64).to(device) for _ in range(2))
    y, forward_log_det = affine_coupling(x, weight_s, weight_t)
    back, reverse_log_det = affine_coupling(y, weight_s, weight_t, reverse=True)
    errors += [max_abs_error(back, x), max_abs_error(forward_log_det + reverse_log_det, torch.zeros_like(forward_log_det))]
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: affine_coupling(x, weight_s, weight_t), device))
