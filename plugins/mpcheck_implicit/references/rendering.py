"""Volume rendering and positional encoding, as NeRF computes them for a batch of rays.

    α_i = 1 − exp(−σ_i δ_i)            opacity of sample i
    T_i = Π_{j<i} (1 − α_j)             transmittance: an exclusive cumulative product
    c = Σ_i T_i α_i c_i                 the ray's colour

    γ(p) = (sin(2⁰πp), cos(2⁰πp), …, sin(2^{L−1}πp), cos(2^{L−1}πp)) for each coordinate p
"""

from __future__ import annotations

import math

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def volume_render(sigma: torch.Tensor, delta: torch.Tensor, rgb: torch.Tensor) -> torch.Tensor:
    """(R, N) densities, (R, N) segment lengths, (R, N, 3) colours → (R, 3) pixel colours."""
    # α_i = 1 − exp(−σ_i δ_i)
    alpha = -torch.expm1(-sigma * delta)
    # T_i = Π_{j<i} (1 − α_j): shift a cumulative product right by one, T_1 = 1
    kept = torch.cumprod(1 - alpha, dim=-1)
    T = torch.cat([torch.ones_like(kept[:, :1]), kept[:, :-1]], dim=-1)
    # c = Σ_i T_i α_i c_i
    return ((T * alpha)[..., None] * rgb).sum(dim=1)


def positional_encoding(x: torch.Tensor, L: int, include_input: bool = False) -> torch.Tensor:
    """(N, d) coordinates → (N, 2Ld) features (plus the d raw coordinates first if asked), ordered
    coordinate by coordinate, then frequency by frequency, sine before cosine."""
    # angles[n, j, k] = 2^k π x[n, j]
    freqs = math.pi * 2.0 ** torch.arange(L, dtype=x.dtype, device=x.device)
    angles = x[:, :, None] * freqs
    features = torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).reshape(x.shape[0], -1)
    return torch.cat([x, features], dim=1) if include_input else features


# --- exercise: cases, oracles and known bugs ------------------------------------------------------

def render_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for rays, samples in [(1, 1), (2, 4), *((int(torch.randint(1, 9, (), generator=generator)),
                                             int(torch.randint(1, 33, (), generator=generator))) for _ in range(3))]:
        sigma = torch.rand(rays, samples, generator=generator, dtype=dtype) * 5
        delta = torch.rand(rays, samples, generator=generator, dtype=dtype) * 0.5 + 0.01
        rgb = torch.rand(rays, samples, 3, generator=generator, dtype=dtype)
        cases.append(Case(f"{rays} rays × {samples} samples", (sigma.to(device), delta.to(device), rgb.to(device))))
    return cases


def render_oracle(sigma, delta, rgb):
    """Ray by ray and sample by sample, in Python floats (independent of any cumulative product)."""
    out = torch.zeros(sigma.shape[0], 3, dtype=torch.float64)
    for r in range(sigma.shape[0]):
        T = 1.0
        for i in range(sigma.shape[1]):
            a = 1 - math.exp(-float(sigma[r, i]) * float(delta[r, i]))
            out[r] += T * a * rgb[r, i].double().cpu()
            T *= 1 - a
    return out.to(sigma.dtype).to(sigma.device)


def render_inclusive_transmittance(sigma, delta, rgb):
    alpha = 1 - torch.exp(-sigma * delta)
    T = torch.cumprod(1 - alpha, dim=-1)   # includes the sample's own (1 − α_i)
    return ((T * alpha)[..., None] * rgb).sum(dim=1)


def render_without_delta(sigma, delta, rgb):
    return volume_render(sigma, torch.ones_like(delta), rgb)


def render_without_transmittance(sigma, delta, rgb):
    alpha = 1 - torch.exp(-sigma * delta)
    return (alpha[..., None] * rgb).sum(dim=1)


def encoding_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for n, d, L, keep in [(1, 1, 1, False), (4, 3, 4, True), (3, 2, 10, False),
                          *((int(torch.randint(1, 20, (), generator=generator)), int(torch.randint(1, 4, (), generator=generator)),
                             int(torch.randint(1, 8, (), generator=generator)), bool(torch.randint(0, 2, (), generator=generator)))
                            for _ in range(3))]:
        x = (torch.rand(n, d, generator=generator, dtype=dtype) * 2 - 1).to(device)
        cases.append(Case(f"{n} points in {d}-D, L = {L}, include_input = {keep}", (x, L), {"include_input": keep}))
    return cases


def encoding_oracle(x, L, include_input=False):
    rows = []
    for point in x.double().cpu().tolist():
        row = list(point) if include_input else []
        for p in point:
            for k in range(L):
                row += [math.sin(2**k * math.pi * p), math.cos(2**k * math.pi * p)]
        rows.append(row)
    return torch.tensor(rows, dtype=x.dtype, device=x.device)


def encoding_without_pi(x, L, include_input=False):
    features = positional_encoding(x / math.pi, L)   # sin(2^k x): the π left out
    return torch.cat([x, features], dim=1) if include_input else features


def encoding_from_first_power(x, L, include_input=False):
    features = positional_encoding(2 * x, L, False)   # 2^k π (2x) = 2^{k+1} π x: k from 1 to L
    return torch.cat([x, features], dim=1) if include_input else features


# --- checks against the oracles --------------------------------------------------------------------

def check_volume_render(device: str) -> RefResult:
    cases = render_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(volume_render(*c.args), render_oracle(*c.args)) for c in cases]
    # constant density σ over the whole ray, one colour: c = (1 − e^{−σ D}) c_0 in closed form
    sigma, delta = torch.full((1, 64), 1.5, dtype=torch.float64, device=device), torch.full((1, 64), 0.02,
                                                                                           dtype=torch.float64, device=device)
    colour = torch.tensor([0.2, 0.5, 0.9], dtype=torch.float64, device=device)
    closed = (1 - math.exp(-1.5 * 64 * 0.02)) * colour
    errors.append(max_abs_error(volume_render(sigma, delta, colour.expand(1, 64, 3)), closed[None]))
    big = render_cases(torch.Generator().manual_seed(1), device, torch.float64)[-1].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: volume_render(*big), device), builtin_ms=None)


def check_positional_encoding(device: str) -> RefResult:
    cases = encoding_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(positional_encoding(*c.args, **c.kwargs), encoding_oracle(*c.args, **c.kwargs))
              for c in cases]
    x = torch.rand(4096, 3, dtype=torch.float64, device=device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: positional_encoding(x, 10), device), builtin_ms=None)
