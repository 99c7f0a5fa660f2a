"""Surfaces and fields: the secant root finder of DVR, the eikonal loss, trilinear interpolation.

    secant:    t_{n+1} = t_n − f(t_n) (t_n − t_{n−1}) / (f(t_n) − f(t_{n−1}))   (batched over rays)
    eikonal:   L = mean_i (‖∇_x f(x_i)‖ − 1)²                                   (∇ by autograd)
    trilinear: f(x) = Σ_{corners c} Π_axes (t_a if c_a = 1 else 1 − t_a) · f_c
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-9


def secant_root(f: Callable[[torch.Tensor], torch.Tensor], t0: torch.Tensor, t1: torch.Tensor,
                steps: int) -> torch.Tensor:
    """``steps`` secant iterations on every ray at once; (R,) starting depths → (R,) estimates."""
    f0, f1 = f(t0), f(t1)
    for _ in range(steps):
        # a converged ray has f1 = f0: keep it where it is instead of dividing by zero
        denom = f1 - f0
        done = denom == 0
        t2 = torch.where(done, t1, t1 - f1 * (t1 - t0) / torch.where(done, torch.ones_like(denom), denom))
        t0, f0, t1, f1 = t1, f1, t2, f(t2)
    return t1


def eikonal_loss(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The mean over (N, 3) points of (‖∇f‖ − 1)², with ∇f by autograd (create_graph so the loss
    itself can be trained through)."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return ((grad.norm(dim=-1) - 1) ** 2).mean()


def trilinear(grid: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """(C, X, Y, Z) grid values, (N, 3) points in grid-index units (0 … size − 1) → (N, C)."""
    sizes = torch.tensor(grid.shape[1:], device=points.device)
    # the cell's lower corner, clamped so points on the upper boundary use the last cell
    lower = points.floor().long().clamp(torch.zeros_like(sizes), sizes - 2).clamp(min=0)
    t = points - lower                          # position inside the cell, in [0, 1]³
    out = torch.zeros(points.shape[0], grid.shape[0], dtype=grid.dtype, device=grid.device)
    for corner in torch.cartesian_prod(*(torch.tensor([0, 1], device=points.device),) * 3):
        # weight = Π_axes (t if the corner is at 1 else 1 − t)
        weight = torch.where(corner.bool(), t, 1 - t).prod(dim=-1)
        index = (lower + corner).clamp(max=sizes - 1)
        out += weight[:, None] * grid[:, index[:, 0], index[:, 1], index[:, 2]].T
    return out


# --- exercises: cases, oracles and known bugs ------------------------------------------------------

def quadratic(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    return lambda t: (a * t + b) * t + c


def secant_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for rays, steps in [(1, 1), (3, 2), (5, 6), (int(torch.randint(1, 64, (), generator=generator)), 4)]:
        # f(t) = a (t − r)(t − r − 3): a root r ∈ [1, 2] bracketed by t0 = r − 0.5 and t1 = r + 0.5
        root = (torch.rand(rays, generator=generator, dtype=dtype) + 1).to(device)
        a = (torch.rand(rays, generator=generator, dtype=dtype) + 0.5).to(device)
        f = quadratic(a, -a * (2 * root + 3), a * root * (root + 3))
        cases.append(Case(f"{rays} rays, {steps} steps", (f, root - 0.5, root + 0.5, steps)))
    return cases


def secant_oracle(f, t0, t1, steps):
    """Each ray alone, in Python floats: the textbook recursion."""
    out = []
    for i in range(t0.shape[0]):
        def g(t: float) -> float:
            return float(f(torch.full_like(t0, t))[i])

        a, b = float(t0[i]), float(t1[i])
        for _ in range(steps):
            fa, fb = g(a), g(b)
            a, b = b, (b if fb == fa else b - fb * (b - a) / (fb - fa))
        out.append(b)
    return torch.tensor(out, dtype=t0.dtype, device=t0.device)


def secant_plus_sign(f, t0, t1, steps):
    for _ in range(steps):
        f0, f1 = f(t0), f(t1)
        t0, t1 = t1, t1 + f1 * (t1 - t0) / (f1 - f0)
    return t1


def secant_first_point_kept(f, t0, t1, steps):
    anchor, f_anchor = t0, f(t0)
    for _ in range(steps):
        f1 = f(t1)
        t1 = t1 - f1 * (t1 - anchor) / (f1 - f_anchor)
    return t1


def sphere_sdf(radius: torch.Tensor, scale: float) -> Callable[[torch.Tensor], torch.Tensor]:
    """scale · (‖x‖ − r): a true SDF at scale 1; a scaled one breaks the eikonal equation."""
    return lambda x: scale * (x.norm(dim=-1) - radius)


def eikonal_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for n, scale in [(1, 1.0), (8, 2.0), (32, 0.5), (int(torch.randint(2, 100, (), generator=generator)), 1.7)]:
        x = (torch.randn(n, 3, generator=generator, dtype=dtype) * 2).to(device)
        cases.append(Case(f"{n} points, a sphere's SDF scaled by {scale}", (sphere_sdf(torch.tensor(1.0), scale), x)))
    return cases


def eikonal_oracle(f, x):
    """Closed form: ∇(s(‖x‖ − r)) = s x/‖x‖ has norm |s| everywhere; read s off f by differences."""
    unit = x / x.norm(dim=-1, keepdim=True)
    scale = (f(x + unit) - f(x)).mean()   # f grows by s per unit step along x/‖x‖
    return ((scale.abs() - 1) ** 2).expand(x.shape[0]).mean()


def eikonal_without_square(f, x):
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(x).sum(), x)
    return (grad.norm(dim=-1) - 1).abs().mean()


def eikonal_squared_norm(f, x):
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(x).sum(), x)
    return (((grad**2).sum(-1) - 1) ** 2).mean()


def trilinear_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for c, size, n in [(1, (2, 2, 2), 1), (3, (4, 5, 6), 10), (2, (7, 3, 9), 40)]:
        grid = torch.randn(c, *size, generator=generator, dtype=dtype).to(device)
        points = torch.rand(n, 3, generator=generator, dtype=dtype) * (torch.tensor(size, dtype=dtype) - 1)
        cases.append(Case(f"{c} channels on a {size[0]}×{size[1]}×{size[2]} grid, {n} points",
                          (grid, points.to(device))))
    return cases


def trilinear_oracle(grid, points):
    """F.grid_sample with align_corners=True: index 0 ↦ −1 and size − 1 ↦ +1 on every axis."""
    sizes = torch.tensor(grid.shape[1:], dtype=points.dtype, device=points.device)
    normalised = 2 * points / (sizes - 1) - 1
    # grid_sample reads (N, C, D, H, W) with the sample's (x, y, z) indexing (W, H, D): reverse the axes
    volume = grid.permute(0, 3, 2, 1)[None]
    sampled = F.grid_sample(volume, normalised[None, :, None, None, :], mode="bilinear", align_corners=True)
    return sampled[0, :, :, 0, 0].T


def trilinear_weights_swapped(grid, points):
    sizes = torch.tensor(grid.shape[1:], device=points.device)
    lower = points.floor().long().clamp(torch.zeros_like(sizes), sizes - 2).clamp(min=0)
    t = points - lower
    out = torch.zeros(points.shape[0], grid.shape[0], dtype=grid.dtype, device=grid.device)
    for corner in torch.cartesian_prod(*(torch.tensor([0, 1], device=points.device),) * 3):
        weight = torch.where(corner.bool(), 1 - t, t).prod(dim=-1)
        index = (lower + corner).clamp(max=sizes - 1)
        out += weight[:, None] * grid[:, index[:, 0], index[:, 1], index[:, 2]].T
    return out


def trilinear_nearest(grid, points):
    index = points.round().long()
    return grid[:, index[:, 0], index[:, 1], index[:, 2]].T


# --- checks against the oracles --------------------------------------------------------------------

def _check(function, oracle, cases_of, device: str, timed) -> RefResult:
    cases = cases_of(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(function(*c.args, **c.kwargs), oracle(*c.args, **c.kwargs)) for c in cases]
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(timed, device), builtin_ms=None)


def check_secant(device: str) -> RefResult:
    rays = torch.rand(10_000, dtype=torch.float64, device=device) + 1
    f = quadratic(torch.ones_like(rays), -(2 * rays + 3), rays * (rays + 3))
    return _check(secant_root, secant_oracle, secant_cases, device, lambda: secant_root(f, rays - 0.5, rays + 0.5, 8))


def check_eikonal(device: str) -> RefResult:
    x = torch.randn(10_000, 3, dtype=torch.float64, device=device)
    return _check(eikonal_loss, eikonal_oracle, eikonal_cases, device,
                  lambda: eikonal_loss(sphere_sdf(torch.tensor(1.0), 1.5), x))


def check_trilinear(device: str) -> RefResult:
    grid = torch.randn(8, 32, 32, 32, dtype=torch.float64, device=device)
    points = torch.rand(10_000, 3, dtype=torch.float64, device=device) * 31
    result = _check(trilinear, trilinear_oracle, trilinear_cases, device, lambda: trilinear(grid, points))
    result.builtin_ms = time_ms(lambda: trilinear_oracle(grid, points), device)
    return result
