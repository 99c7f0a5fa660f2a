"""Max pooling forward and backward, and max-unpooling, from the definitions.

Forward: y[i, j] = max over the window of x, and we remember where: i* = argmax (as a flat index
h·W + w into the input plane, PyTorch's ``return_indices`` convention).
Backward: ∂y/∂x_k = [k = i*], so δ_x[k] = Σ over windows whose argmax is k of δ_y (overlapping
windows that share an argmax add up): find the argmaxes again, then route δ_y to them. Max-unpooling writes y back at i*, zeros elsewhere.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.exercises.draw import dims, integer, normal
from mpcheck_cnn.references.conv import out_size, window_index


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


def route_to_argmax(grad_out: torch.Tensor, indices: torch.Tensor, input_shape) -> torch.Tensor:
    """δ_x[k] = Σ_{windows with argmax k} δ_y: scatter-add, so shared argmaxes accumulate."""
    n, c, h, w = input_shape
    grad = torch.zeros(n, c, h * w, dtype=grad_out.dtype, device=grad_out.device)
    grad.scatter_add_(2, indices.reshape(n, c, -1), grad_out.reshape(n, c, -1))
    return grad.view(n, c, h, w)


def max_pool2d_backward(x: torch.Tensor, grad_out: torch.Tensor, size: int, stride: int | None = None) -> torch.Tensor:
    """∂L/∂x for y = max_pool2d(x, size, stride), given δ_y = ∂L/∂y."""
    _, indices = max_pool2d(x, size, stride)
    return route_to_argmax(grad_out, indices, x.shape)


def max_unpool2d(y: torch.Tensor, indices: torch.Tensor, output_size: tuple[int, int]) -> torch.Tensor:
    """out[k] = y[window whose argmax was k], 0 where no window's max came from.

    With overlapping windows several values may target one index; PyTorch's F.max_unpool2d
    then keeps one of them (unspecified), so the oracle check uses non-overlapping windows."""
    n, c = y.shape[:2]
    h, w = output_size
    out = torch.zeros(n, c, h * w, dtype=y.dtype, device=y.device)
    out.scatter_(2, indices.reshape(n, c, -1), y.reshape(n, c, -1))
    return out.view(n, c, h, w)


# --- the exercises: cases, oracles and known bugs --------------------------------------------

FIXED = [(1, 1, 4, 4, 2, 2), (2, 3, 8, 8, 2, 2), (1, 2, 9, 7, 3, 2), (2, 2, 6, 10, 3, 1)]  # N, C, H, W, size, stride
#: the four overlapping 2×2 windows of this 3×3 input all have their maximum, 9, in the centre
SHARED_ARGMAX = [[1.0, 2, 3], [4, 9, 5], [6, 7, 8]]


def pool_shapes(generator: torch.Generator, overlapping: bool = True, count: int = 4) -> list[tuple[int, ...]]:
    """The fixed shapes, then random ones (with ``overlapping``, stride may be less than size)."""
    shapes = [s for s in FIXED if overlapping or s[4] == s[5]]
    for _ in range(count):
        size = integer(generator, 1, 3)
        stride = integer(generator, 1, size) if overlapping else size
        shapes.append((integer(generator, 1, 2), integer(generator, 1, 3), integer(generator, size, 10),
                       integer(generator, size, 10), size, stride))
    return shapes


def _pool_input(generator, device, dtype, shape):
    n, c, h, w, size, stride = shape
    return normal(generator, n, c, h, w, dtype=dtype, device=device), f"x {dims((n, c, h, w))}, size {size}, stride {stride}"


def max_pool2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for shape in pool_shapes(generator):
        x, label = _pool_input(generator, device, dtype, shape)
        cases.append(Case(label, (x, shape[4], shape[5])))
    return cases


def timing_case(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    x = normal(generator, 8, 32, 64, 64, dtype=dtype, device=device)
    return Case("x 8×32×64×64, size 2, stride 2", (x, 2, 2))


def max_pool2d_oracle(x, size, stride=None):
    return F.max_pool2d(x, size, stride, return_indices=True)


def max_pool2d_window_index(x, size, stride=None):
    """The bug: the index of the maximum inside its window (m·size + q), not in the input plane."""
    stride = stride or size
    pooled, indices = F.max_pool2d(x, size, stride, return_indices=True)
    h_out, w_out = pooled.shape[2:]
    row, col = indices // x.shape[3], indices % x.shape[3]
    top = torch.arange(h_out, device=x.device)[:, None] * stride
    left = torch.arange(w_out, device=x.device)[None, :] * stride
    return pooled, (row - top) * size + (col - left)


def max_pool2d_backward_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    x = torch.tensor([[SHARED_ARGMAX]], dtype=torch.float64).to(device, dtype)
    cases = [Case("x 1×1×3×3 with one maximum shared by all windows, size 2, stride 1",
                  (x, normal(generator, 1, 1, 2, 2, dtype=dtype, device=device), 2, 1))]
    for shape in pool_shapes(generator):
        x, label = _pool_input(generator, device, dtype, shape)
        grad_out = normal(generator, *F.max_pool2d(x, shape[4], shape[5]).shape, dtype=dtype, device=device)
        cases.append(Case(label, (x, grad_out, shape[4], shape[5])))
    return cases


def max_pool2d_backward_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    x, size, stride = timing_case(generator, device, dtype).args
    grad_out = normal(generator, 8, 32, 32, 32, dtype=dtype, device=device)
    return Case("x 8×32×64×64, size 2, stride 2", (x, grad_out, size, stride))


def autograd_pool_grad(x: torch.Tensor, grad_out: torch.Tensor, size: int, stride: int | None = None) -> torch.Tensor:
    """The oracle: autograd through F.max_pool2d."""
    x = x.detach().requires_grad_()
    F.max_pool2d(x, size, stride).backward(grad_out)
    return x.grad


def max_pool2d_backward_spread(x, grad_out, size, stride=None):
    """The bug: δ_y shared equally over the window (average pooling's gradient)."""
    x = x.detach().requires_grad_()
    F.avg_pool2d(x, size, stride).backward(grad_out)
    return x.grad


def max_pool2d_backward_overwrites(x, grad_out, size, stride=None):
    """The bug: each window writes its δ (=) instead of adding it (+=): where windows share an
    argmax, the last window in row-major order wins."""
    _, indices = F.max_pool2d(x, size, stride, return_indices=True)
    n, c, h, w = x.shape
    indices = indices.reshape(n, c, -1)
    order = torch.arange(indices.shape[2], device=x.device).expand_as(indices)
    last = torch.full((n, c, h * w), -1, dtype=torch.long, device=x.device).scatter_reduce(2, indices, order, "amax")
    routed = grad_out.reshape(n, c, -1).gather(2, last.clamp(min=0))
    return torch.where(last >= 0, routed, torch.zeros_like(routed)).view(n, c, h, w)


def max_unpool2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Non-overlapping windows (size = stride: the encoder-decoder use), with a few leftover rows
    and columns the pooling never read (fewer than the pooled size, so H // H_pooled = size)."""
    cases = []
    for n, c, _, _, size, _ in pool_shapes(generator, overlapping=False):
        h_pooled, w_pooled = integer(generator, 1, 4), integer(generator, 1, 4)
        h = h_pooled * size + integer(generator, 0, min(size, h_pooled) - 1)
        w = w_pooled * size + integer(generator, 0, min(size, w_pooled) - 1)
        x = normal(generator, n, c, h, w, dtype=dtype, device=device)
        _, indices = F.max_pool2d(x, size, size, return_indices=True)
        # unpool something else than the maxima themselves, as a decoder would
        y = normal(generator, *indices.shape, dtype=dtype, device=device)
        cases.append(Case(f"y {dims(y.shape)} from windows {size}×{size}, output {h}×{w}", (y, indices, (h, w))))
    return cases


def max_unpool2d_oracle(y, indices, output_size):
    # F.max_unpool2d needs the window size; the cases keep H // H_pooled equal to it
    size = (output_size[0] // y.shape[2], output_size[1] // y.shape[3])
    return F.max_unpool2d(y, indices, size, size, output_size=output_size)


def max_unpool2d_nearest(y, indices, output_size):
    """The bug: every value copied over its whole window (nearest-neighbour upsampling); the
    indices say where the one maximum was."""
    size_h, size_w = output_size[0] // y.shape[2], output_size[1] // y.shape[3]
    out = torch.zeros(*y.shape[:2], *output_size, dtype=y.dtype, device=y.device)
    copies = y.repeat_interleave(size_h, 2).repeat_interleave(size_w, 3)
    out[:, :, :copies.shape[2], :copies.shape[3]] = copies
    return out
