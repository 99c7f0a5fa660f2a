"""Soft-argmax: a joint's position read from its heatmap, differentiably (integral regression).

    p_{y,x} = softmax(β h)_{y,x} = exp(β h_{y,x}) / Σ exp(β h)      a distribution over the pixels
    (x̂, ŷ) = Σ_{y,x} p_{y,x} · (x, y)                                 its expected position

Pixel coordinates count from 0 here, as tensor indices do: x is the column, y the row.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def soft_argmax(heatmaps: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """(N, J, H, W) heatmaps → (N, J, 2) expected (x, y) positions."""
    n, j, h, w = heatmaps.shape
    # p = softmax(β h) over all H·W pixels of each map
    p = torch.softmax(beta * heatmaps.reshape(n, j, h * w), dim=-1).reshape(n, j, h, w)
    xs = torch.arange(w, dtype=heatmaps.dtype, device=heatmaps.device)
    ys = torch.arange(h, dtype=heatmaps.dtype, device=heatmaps.device)
    # x̂ = Σ_x x · (Σ_y p_{y,x}),  ŷ = Σ_y y · (Σ_x p_{y,x}): expectations under the marginals
    x_hat = (p.sum(dim=2) * xs).sum(dim=-1)
    y_hat = (p.sum(dim=3) * ys).sum(dim=-1)
    return torch.stack([x_hat, y_hat], dim=-1)


# --- exercise: cases, oracle and known bugs --------------------------------------------------------

def soft_argmax_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    shapes = [(1, 1, 1, 1, 1.0), (1, 1, 3, 4, 1.0), (2, 3, 5, 5, 2.0)]
    for _ in range(3):
        n, j, h, w = (int(torch.randint(1, hi, (), generator=generator)) for hi in (3, 4, 16, 16))
        shapes.append((n, j, h, w, float(torch.rand((), generator=generator)) * 4 + 0.25))
    for n, j, h, w, beta in shapes:
        maps = torch.randn(n, j, h, w, generator=generator, dtype=dtype) * 2
        cases.append(Case(f"{n}×{j} maps of {h}×{w}, beta {beta:.3g}", (maps.to(device),), {"beta": beta}))
    return cases


def soft_argmax_oracle(heatmaps, beta=1.0):
    """NumPy, map by map over the explicit pixel grid: an independent path to the same expectation."""
    import numpy as np

    maps = heatmaps.detach().cpu().double().numpy()
    out = np.zeros(maps.shape[:2] + (2,))
    for a in range(maps.shape[0]):
        for b in range(maps.shape[1]):
            e = np.exp(beta * (maps[a, b] - maps[a, b].max()))
            p = e / e.sum()   # over every pixel of the map together
            rows, cols = np.indices(p.shape)
            out[a, b] = [(p * cols).sum(), (p * rows).sum()]
    return torch.from_numpy(out).to(heatmaps.dtype).to(heatmaps.device)


def soft_argmax_hard(heatmaps, beta=1.0):
    n, j, h, w = heatmaps.shape
    k = heatmaps.reshape(n, j, -1).argmax(dim=-1)
    return torch.stack([k % w, k // w], dim=-1).to(heatmaps.dtype)


def soft_argmax_per_row(heatmaps, beta=1.0):
    # the softmax taken over each row separately: the rows then weigh the same, whatever their heat
    p = torch.softmax(beta * heatmaps, dim=-1) / heatmaps.shape[2]
    xs = torch.arange(heatmaps.shape[3], dtype=heatmaps.dtype, device=heatmaps.device)
    ys = torch.arange(heatmaps.shape[2], dtype=heatmaps.dtype, device=heatmaps.device)
    return torch.stack([(p.sum(2) * xs).sum(-1), (p.sum(3) * ys).sum(-1)], dim=-1)


def soft_argmax_swapped(heatmaps, beta=1.0):
    return soft_argmax(heatmaps, beta).flip(-1)


def check_soft_argmax(device: str) -> RefResult:
    cases = soft_argmax_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(soft_argmax(*c.args, **c.kwargs), soft_argmax_oracle(*c.args, **c.kwargs)) for c in cases]
    maps = torch.randn(16, 17, 64, 64, dtype=torch.float64, device=device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: soft_argmax(maps, 2.0), device), builtin_ms=None)
