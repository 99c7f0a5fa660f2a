"""FID from feature vectors: fit a Gaussian to each set, then the Fréchet distance between them.

    d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2})

Σ₁Σ₂ is not symmetric, but it is similar to Σ₁^{1/2} Σ₂ Σ₁^{1/2}, which is: both have the same
eigenvalues λ_i ≥ 0, so Tr (Σ₁Σ₂)^{1/2} = Σ_i √λ_i — two symmetric eigendecompositions instead of
a general matrix square root (pytorch-fid calls scipy.linalg.sqrtm on Σ₁Σ₂, the oracle here).
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-8


def feature_statistics(features: torch.Tensor):
    """(N, d) features → mean μ (d) and unbiased covariance Σ (d, d)."""
    mu = features.mean(dim=0)
    centred = features - mu
    # Σ = (1/(N − 1)) Σ_i (f_i − μ)(f_i − μ)ᵀ, as numpy.cov computes it
    sigma = centred.T @ centred / (features.shape[0] - 1)
    return mu, sigma


def sqrtm_psd(matrix: torch.Tensor) -> torch.Tensor:
    # A = Q diag(λ) Qᵀ  ⇒  A^{1/2} = Q diag(√λ) Qᵀ   (round-off negatives clamped to 0)
    eigenvalues, q = torch.linalg.eigh(matrix)
    return q @ torch.diag(eigenvalues.clamp(min=0).sqrt()) @ q.T


def trace_sqrt_product(sigma1: torch.Tensor, sigma2: torch.Tensor) -> torch.Tensor:
    # Tr (Σ₁Σ₂)^{1/2} = Σ_i √λ_i(Σ₁^{1/2} Σ₂ Σ₁^{1/2})
    root1 = sqrtm_psd(sigma1)
    return torch.linalg.eigvalsh(root1 @ sigma2 @ root1).clamp(min=0).sqrt().sum()


def frechet_distance(mu1, sigma1, mu2, sigma2) -> torch.Tensor:
    # d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^{1/2}
    return ((mu1 - mu2) ** 2).sum() + torch.trace(sigma1) + torch.trace(sigma2) \
        - 2 * trace_sqrt_product(sigma1, sigma2)


def fid(real_features: torch.Tensor, fake_features: torch.Tensor) -> torch.Tensor:
    """The Fréchet distance between Gaussians fitted to two sets of (N, d) features."""
    return frechet_distance(*feature_statistics(real_features), *feature_statistics(fake_features))


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def fid_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Two feature sets per case, differently shifted and stretched, N ≥ 3d so Σ has full rank."""
    cases = []
    for d, n_real, n_fake in [(2, 8, 10), (3, 12, 9)] + [
            (int(torch.randint(2, 6, (), generator=generator)), 0, 0) for _ in range(3)]:
        n_real, n_fake = n_real or 3 * d + 4, n_fake or 3 * d + 2
        mix = torch.randn(d, d, generator=generator, dtype=torch.float64)
        real = torch.randn(n_real, d, generator=generator, dtype=torch.float64)
        fake = torch.randn(n_fake, d, generator=generator, dtype=torch.float64) @ mix + 0.5
        cases.append(Case(f"d = {d}, {n_real} real and {n_fake} generated feature vectors",
                          (real.to(device, dtype), fake.to(device, dtype))))
    return cases


def fid_oracle(real_features, fake_features):
    """pytorch-fid's computation: numpy mean and cov, scipy.linalg.sqrtm of Σ₁Σ₂."""
    import numpy as np
    from scipy import linalg

    a, b = (f.detach().cpu().double().numpy() for f in (real_features, fake_features))
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root = linalg.sqrtm(s1 @ s2).real
    value = ((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root)
    return torch.tensor(value, dtype=real_features.dtype, device=real_features.device)


def _fid_with(real, fake, *, ddof: int = 1, factor: float = 2.0, root: bool = True, squared: bool = True):
    stats = []
    for f in (real, fake):
        mu = f.mean(dim=0)
        stats.append((mu, (f - mu).T @ (f - mu) / (f.shape[0] - ddof)))
    (mu1, s1), (mu2, s2) = stats
    cross = trace_sqrt_product(s1, s2) if root else torch.trace(s1 @ s2)
    means = ((mu1 - mu2) ** 2).sum()
    return (means if squared else means.sqrt()) + torch.trace(s1) + torch.trace(s2) - factor * cross


def fid_biased_covariance(real_features, fake_features):
    """The bug: covariances divided by N instead of N − 1."""
    return _fid_with(real_features, fake_features, ddof=0)


def fid_missing_factor_2(real_features, fake_features):
    """The bug: − Tr(Σ₁Σ₂)^{1/2} instead of − 2 Tr(Σ₁Σ₂)^{1/2}."""
    return _fid_with(real_features, fake_features, factor=1.0)


def fid_no_matrix_sqrt(real_features, fake_features):
    """The bug: Tr(Σ₁Σ₂) where the trace of its square root belongs."""
    return _fid_with(real_features, fake_features, root=False)


def fid_mean_not_squared(real_features, fake_features):
    """The bug: ‖μ₁ − μ₂‖ instead of its square."""
    return _fid_with(real_features, fake_features, squared=False)


# --- check against the oracle ----------------------------------------------------------------

def check_fid(device: str) -> RefResult:
    gen = torch.Generator().manual_seed(0)
    errors = [max_abs_error(fid(*case.args), fid_oracle(*case.args))
              for case in fid_cases(gen, device, torch.float64)]
    # the distance of a set to itself is 0, and to a shifted copy exactly the squared shift
    real = torch.randn(200, 16, generator=gen, dtype=torch.float64).to(device)
    errors.append(float(fid(real, real).abs()))
    errors.append(float((fid(real, real + 0.5) - 16 * 0.25).abs()))
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: fid(real, real.flip(0) * 1.5), device),
                     builtin_ms=time_ms(lambda: fid_oracle(real, real.flip(0) * 1.5), device),
                     detail="oracle: numpy.cov and scipy.linalg.sqrtm, as pytorch-fid")
