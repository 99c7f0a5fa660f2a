"""Max pooling forward and backward, and max-unpooling, from the definitions.

Forward: y[i, j] = max over the window of x, and we remember where: i* = argmax (as a flat index
h·W + w into the input plane, PyTorch's ``return_indices`` convention).
Backward: ∂y/∂x_k = [k = i*], so δ_x[k] = Σ over windows whose argmax is k of δ_y (overlapping
windows that share an argmax add up). Max-unpooling writes y back at i*, zeros elsewhere.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.reference import RefResult, max_abs_error, time_ms
from mpcheck_cnn.references.conv import out_size, window_index

TOLERANCE = 1e-12


def max_pool2d(x: torch.Tensor, size: int, stride: int | None = None):
    """(N, C, H, W) → (pooled, indices) like F.max_pool2d(..., return_indices=True), no padding."""
    stride = stride or size
    n, c, h, w = x.shape
    h_out, w_out = out_size(h, size, 0, stride, 1), out_size(w, size, 0, stride, 1)
    rows = window_index(h_out, size, stride, 1, x.device)   # (H_out, size): row i·s + m
    cols = window_index(w_out, size, stride, 1, x.device)   # (W_out, size): col j·s + q
    # windows[n, c, i, j, m, q] = x[n, c, i·s + m, j·s + q]
    windows = x[:, :, rows[:, None, :, None], cols[None, :, None, :]].reshape(n, c, h_out, w_out, -1)
    # torch.argmax returns the first maximum, row-major in the window: PyTorch's pooling tie rule
    pooled, k = windows.max(dim=-1)
    # flat input index of the winner: (i·s + m)·W + (j·s + q) with (m, q) = divmod(k, size)
    m, q = k // size, k % size
    i = torch.arange(h_out, device=x.device)[:, None]
    j = torch.arange(w_out, device=x.device)[None, :]
    indices = (i * stride + m) * w + (j * stride + q)
    return pooled, indices


def max_pool2d_backward(grad_out: torch.Tensor, indices: torch.Tensor, input_shape) -> torch.Tensor:
    """δ_x[k] = Σ_{windows with argmax k} δ_y: scatter-add, so shared argmaxes accumulate."""
    n, c, h, w = input_shape
    grad = torch.zeros(n, c, h * w, dtype=grad_out.dtype, device=grad_out.device)
    grad.scatter_add_(2, indices.reshape(n, c, -1), grad_out.reshape(n, c, -1))
    return grad.view(n, c, h, w)


def max_unpool2d(y: torch.Tensor, indices: torch.Tensor, output_size: tuple[int, int]) -> torch.Tensor:
    """out[k] = y[window whose argmax was k], 0 where no window's max came from.

    With overlapping windows several values may target one index; PyTorch's F.max_unpool2d
    then keeps one of them (unspecified), so the oracle check uses non-overlapping windows."""
    n, c = y.shape[:2]
    h, w = output_size
    out = torch.zeros(n, c, h * w, dtype=y.dtype, device=y.device)
    out.scatter_(2, indices.reshape(n, c, -1), y.reshape(n, c, -1))
    return out.view(n, c, h, w)


# --- checks against the oracles --------------------------------------------------------------

CASES = [(2, 3, 8, 8, 2, 2), (1, 2, 9, 7, 3, 2), (2, 2, 6, 10, 3, 1), (1, 1, 5, 5, 2, 1)]  # N, C, H, W, size, stride


def _input(case, device: str, seed: int) -> torch.Tensor:
    n, c, h, w = case[:4]
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, c, h, w, generator=gen, dtype=torch.float64).to(device)


def _noise(shape, like: torch.Tensor, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(1000 + seed)
    return torch.randn(tuple(shape), generator=gen, dtype=like.dtype).to(like.device)


def _timing_input(device: str) -> torch.Tensor:
    return _input((8, 32, 64, 64), device, 99)


def check_max_pool2d(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(CASES):
        x, (size, stride) = _input(case, device, seed), case[4:]
        mine, mine_idx = max_pool2d(x, size, stride)
        ref, ref_idx = F.max_pool2d(x, size, stride, return_indices=True)
        # a wrong index is an error of at least 1
        errors += [max_abs_error(mine, ref), float((mine_idx != ref_idx).sum().item())]
    x = _timing_input(device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: max_pool2d(x, 2, 2), device),
                     builtin_ms=time_ms(lambda: F.max_pool2d(x, 2, 2, return_indices=True), device))


def autograd_pool_grad(x: torch.Tensor, grad_out: torch.Tensor, size: int, stride: int) -> torch.Tensor:
    """The oracle: autograd through F.max_pool2d."""
    x = x.detach().requires_grad_()
    F.max_pool2d(x, size, stride).backward(grad_out)
    return x.grad


def check_max_pool2d_backward(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(CASES):
        x, (size, stride) = _input(case, device, seed), case[4:]
        _, indices = max_pool2d(x, size, stride)
        grad_out = _noise(indices.shape, x, seed)
        errors.append(max_abs_error(max_pool2d_backward(grad_out, indices, x.shape),
                                    autograd_pool_grad(x, grad_out, size, stride)))
    x = _timing_input(device)
    _, indices = max_pool2d(x, 2, 2)
    grad_out = _noise(indices.shape, x, 0)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: max_pool2d_backward(grad_out, indices, x.shape), device),
                     builtin_ms=time_ms(lambda: autograd_pool_grad(x, grad_out, 2, 2), device))


def check_max_unpool2d(device: str) -> RefResult:
    errors = []
    for seed, case in enumerate(c for c in CASES if c[4] == c[5]):
        x, size = _input(case, device, seed), case[4]
        pooled, indices = F.max_pool2d(x, size, size, return_indices=True)
        # unpool something else than the maxima themselves, as a decoder would
        y = _noise(pooled.shape, pooled, seed)
        errors.append(max_abs_error(max_unpool2d(y, indices, x.shape[2:]),
                                    F.max_unpool2d(y, indices, size, size, output_size=x.shape[2:])))
    x = _timing_input(device)
    pooled, indices = F.max_pool2d(x, 2, 2, return_indices=True)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: max_unpool2d(pooled, indices, x.shape[2:]), device),
                     builtin_ms=time_ms(lambda: F.max_unpool2d(pooled, indices, 2, 2), device))
