"""3-D Gaussian splatting's two formulas (Kerbl et al., 2023): a valid covariance from a rotation and
scales, and a projected splat's opacity at a pixel.

    R = R(q)  (unit quaternion q = (w, x, y, z)),   Σ = R S Sᵀ Rᵀ,   S = diag(s)
    α(x) = o · exp(−½ (x − μ')ᵀ Σ'⁻¹ (x − μ'))     (μ', Σ' the 2-D mean and covariance on the image)
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def quaternion_to_rotation(q: torch.Tensor) -> torch.Tensor:
    """(G, 4) quaternions (w, x, y, z), normalised here → (G, 3, 3) rotation matrices."""
    w, x, y, z = (q / q.norm(dim=-1, keepdim=True)).unbind(-1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ], dim=-1).reshape(-1, 3, 3)


def covariance_3d(quaternions: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """(G, 4) rotations as quaternions, (G, 3) scales → (G, 3, 3) covariances."""
    R = quaternion_to_rotation(quaternions)
    # M = R S, then Σ = M Mᵀ = R S Sᵀ Rᵀ: positive semi-definite by construction
    M = R * scales[:, None, :]
    return M @ M.transpose(1, 2)


def splat_alpha(means: torch.Tensor, covariances: torch.Tensor, opacity: torch.Tensor,
                pixels: torch.Tensor) -> torch.Tensor:
    """(G, 2) means, (G, 2, 2) covariances, (G,) opacities, (P, 2) pixels → (P, G) alphas."""
    d = pixels[:, None, :] - means[None, :, :]                     # (P, G, 2): x − μ'
    # q = (x − μ')ᵀ Σ'⁻¹ (x − μ'), solving instead of inverting
    solved = torch.linalg.solve(covariances[None].expand(d.shape[0], -1, -1, -1), d[..., None])[..., 0]
    q = (d * solved).sum(-1)
    # α = o · exp(−½ q)
    return opacity[None, :] * torch.exp(-0.5 * q)


# --- exercises: cases, oracles and known bugs ------------------------------------------------------

def covariance_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = [Case("the identity rotation", (torch.tensor([[1.0, 0, 0, 0]], dtype=dtype).to(device),
                                            torch.tensor([[1.0, 2.0, 3.0]], dtype=dtype).to(device)))]
    for count in (2, 16, int(torch.randint(1, 100, (), generator=generator))):
        q = torch.randn(count, 4, generator=generator, dtype=dtype)
        s = torch.rand(count, 3, generator=generator, dtype=dtype) * 2 + 0.1
        cases.append(Case(f"{count} Gaussians", (q.to(device), s.to(device))))
    return cases


def covariance_oracle(quaternions, scales):
    """Rodrigues' formula from the quaternion's axis and angle, then R diag(s²) Rᵀ: another route to R."""
    q = quaternions / quaternions.norm(dim=-1, keepdim=True)
    w, v = q[:, :1], q[:, 1:]
    angle = 2 * torch.atan2(v.norm(dim=-1), w[:, 0])
    axis = v / v.norm(dim=-1, keepdim=True).clamp_min(1e-300)
    K = torch.zeros(q.shape[0], 3, 3, dtype=q.dtype, device=q.device)
    K[:, 0, 1], K[:, 0, 2], K[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    K = K - K.transpose(1, 2)
    eye = torch.eye(3, dtype=q.dtype, device=q.device)
    # R = I + sin θ K + (1 − cos θ) K²
    R = eye + torch.sin(angle)[:, None, None] * K + (1 - torch.cos(angle))[:, None, None] * (K @ K)
    return R @ torch.diag_embed(scales**2) @ R.transpose(1, 2)


def covariance_scales_not_squared(quaternions, scales):
    R = quaternion_to_rotation(quaternions)
    return R @ torch.diag_embed(scales) @ R.transpose(1, 2)


def covariance_rotation_reversed(quaternions, scales):
    R = quaternion_to_rotation(quaternions)
    return R.transpose(1, 2) @ torch.diag_embed(scales**2) @ R


def alpha_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for count, pixels in [(1, 1), (3, 5), (int(torch.randint(1, 20, (), generator=generator)), 30)]:
        A = torch.randn(count, 2, 2, generator=generator, dtype=dtype)
        cov = A @ A.transpose(1, 2) + 0.5 * torch.eye(2, dtype=dtype)
        means = torch.rand(count, 2, generator=generator, dtype=dtype) * 10
        opacity = torch.rand(count, generator=generator, dtype=dtype) * 0.9 + 0.05
        px = torch.rand(pixels, 2, generator=generator, dtype=dtype) * 10
        cases.append(Case(f"{count} splats, {pixels} pixels",
                          tuple(t.to(device) for t in (means, cov, opacity, px))))
    return cases


def alpha_oracle(means, covariances, opacity, pixels):
    """Splat by splat and pixel by pixel with the explicit 2×2 inverse."""
    out = torch.zeros(pixels.shape[0], means.shape[0], dtype=means.dtype, device=means.device)
    for g in range(means.shape[0]):
        (a, b), (c, d) = covariances[g].tolist()
        det = a * d - b * c
        inverse = torch.tensor([[d, -b], [-c, a]], dtype=means.dtype, device=means.device) / det
        for p in range(pixels.shape[0]):
            r = pixels[p] - means[g]
            out[p, g] = opacity[g] * torch.exp(-0.5 * r @ inverse @ r)
    return out


def alpha_covariance_not_inverted(means, covariances, opacity, pixels):
    d = pixels[:, None, :] - means[None, :, :]
    q = torch.einsum("pgi,gij,pgj->pg", d, covariances, d)
    return opacity[None, :] * torch.exp(-0.5 * q)


def alpha_without_half(means, covariances, opacity, pixels):
    return splat_alpha(means, covariances, opacity, pixels) ** 2 / opacity[None, :]


# --- checks against the oracles --------------------------------------------------------------------

def check_covariance(device: str) -> RefResult:
    cases = covariance_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(covariance_3d(*c.args), covariance_oracle(*c.args)) for c in cases]
    q, s = torch.randn(10_000, 4, dtype=torch.float64, device=device), torch.rand(10_000, 3, dtype=torch.float64, device=device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: covariance_3d(q, s), device), builtin_ms=None)


def check_splat_alpha(device: str) -> RefResult:
    cases = alpha_cases(torch.Generator().manual_seed(0), device, torch.float64)
    errors = [max_abs_error(splat_alpha(*c.args), alpha_oracle(*c.args)) for c in cases]
    big = alpha_cases(torch.Generator().manual_seed(1), device, torch.float64)[-1].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: splat_alpha(*big), device), builtin_ms=None)
