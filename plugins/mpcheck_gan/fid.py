"""The Fréchet distance between two Gaussians, the formula behind FID (Heusel et al., 2017):

    d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2})

FID fits a Gaussian to the Inception features of real and of generated images and reports this
distance; here the Gaussians are small enough to work by hand. Σ₁Σ₂ has the eigenvalues of the
symmetric Σ₁^{1/2} Σ₂ Σ₁^{1/2}, which are ≥ 0, so Tr (Σ₁Σ₂)^{1/2} = Σ_i √λ_i; for 2 × 2 that is
√(Tr M + 2 √det M) with M = Σ₁Σ₂.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, num, vec

KEYS = ("mu1", "sigma1", "mu2", "sigma2")
MAX_DIM = 8
MAX_ENTRY = 1e6

Matrix = list[list[float]]


def matmul(a: Matrix, b: Matrix) -> Matrix:
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def trace(m: Matrix) -> float:
    return sum(m[i][i] for i in range(len(m)))


def trace_sqrt_product(s1: Matrix, s2: Matrix) -> float:
    """Tr (Σ₁Σ₂)^{1/2} = Σ √λ_i(Σ₁Σ₂), the eigenvalues being those of Σ₁^{1/2} Σ₂ Σ₁^{1/2} ≥ 0."""
    m = matmul(s1, s2)
    if len(m) == 1:
        return math.sqrt(max(m[0][0], 0.0))
    if len(m) == 2:
        # λ₁ + λ₂ = Tr M and λ₁λ₂ = det M, so (√λ₁ + √λ₂)² = Tr M + 2 √det M
        det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        return math.sqrt(max(trace(m) + 2 * math.sqrt(max(det, 0.0)), 0.0))
    import numpy as np

    eigenvalues = np.linalg.eigvals(np.array(m)).real.clip(min=0)
    return float(np.sqrt(eigenvalues).sum())


def mean_term(p: dict) -> float:
    # ‖μ₁ − μ₂‖²
    return sum((a - b) ** 2 for a, b in zip(p["mu1"], p["mu2"]))


def frechet_distance(p: dict, factor: float = 2.0, cross=trace_sqrt_product, means=mean_term) -> float:
    """d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^{1/2}; the keywords replay the mistakes."""
    s1, s2 = p["sigma1"], p["sigma2"]
    covariances = trace(s1) + trace(s2) - factor * cross(s1, s2)
    # equal covariances leave a float residue of the traces, not a distance: 0; the mean term is
    # exact and is never rounded away, however small
    if abs(covariances) < 1e-12 * (trace(s1) + trace(s2)):
        covariances = 0.0
    return means(p) + covariances


def _no_root(s1: Matrix, s2: Matrix) -> float:
    return trace(matmul(s1, s2))


def _elementwise_root(s1: Matrix, s2: Matrix) -> float | None:
    diagonal = [matmul(s1, s2)[i][i] for i in range(len(s1))]
    return sum(math.sqrt(v) for v in diagonal) if all(v >= 0 for v in diagonal) else None


def matrix_root(m: Matrix) -> Matrix:
    """The symmetric square root of a positive semi-definite Σ; for 2 × 2,
    √Σ = (Σ + √det Σ · I)/√(Tr Σ + 2√det Σ) (Cayley–Hamilton)."""
    if len(m) == 1:
        return [[math.sqrt(max(m[0][0], 0.0))]]
    if len(m) == 2:
        root_det = math.sqrt(max(m[0][0] * m[1][1] - m[0][1] * m[1][0], 0.0))
        norm = math.sqrt(trace(m) + 2 * root_det)
        return [[(m[i][j] + (root_det if i == j else 0.0)) / norm for j in range(2)] for i in range(2)]
    import numpy as np

    values, vectors = np.linalg.eigh(np.array(m))
    return ((vectors * np.sqrt(values.clip(min=0))) @ vectors.T).tolist()


def _product_of_roots(s1: Matrix, s2: Matrix) -> float:
    # Tr(Σ₁^{1/2} Σ₂^{1/2}): equal to Tr(Σ₁Σ₂)^{1/2} only when Σ₁ and Σ₂ commute
    return trace(matmul(matrix_root(s1), matrix_root(s2)))


def _commute(s1: Matrix, s2: Matrix) -> bool:
    a, b = matmul(s1, s2), matmul(s2, s1)
    return all(math.isclose(a[i][j], b[i][j], rel_tol=1e-12, abs_tol=1e-300)
               for i in range(len(a)) for j in range(len(a)))


def _is_diagonal(m: Matrix) -> bool:
    return all(m[i][j] == 0 for i in range(len(m)) for j in range(len(m)) if i != j)


# --- sampling and validation -----------------------------------------------------------------

VARIANCES = [0.25, 1.0, 1.0, 2.25, 4.0, 9.0]


def _covariance(rng, n: int, full: bool) -> Matrix:
    """Diagonal with square variances (roots by heart), or a full 2 × 2 positive-definite one."""
    if not full:
        return [[sampling.pick(rng, VARIANCES) if i == j else 0.0 for j in range(n)] for i in range(n)]
    while True:
        a, c = (float(sampling.ints(rng, 1, 4)) for _ in range(2))
        b = sampling.pick(rng, [-1.0, -0.5, 0.5, 1.0])
        if a * c > b * b:
            return [[a, b], [b, c]]


def _sample(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2])
    full = n == 2 and sampling.pick(rng, [False, True])
    return {"mu1": [float(sampling.ints(rng, -2, 3)) for _ in range(n)], "sigma1": _covariance(rng, n, full),
            "mu2": [sampling.decimals(rng, -2, 2, 1) for _ in range(n)], "sigma2": _covariance(rng, n, full)}


def _covariance_params(p: dict, key: str, n: int) -> None:
    m = P.matrix(p, key, rows=n, cols=n, max_dim=MAX_DIM)
    if any(abs(v) > MAX_ENTRY for row in m for v in row):
        raise ParamsError(f"params: {key!r} entries must be at most {MAX_ENTRY:g} in size")
    scale = max(1.0, max(abs(v) for row in m for v in row))
    if any(abs(m[i][j] - m[j][i]) > 1e-9 * scale for i in range(n) for j in range(n)):
        raise ParamsError(f"params: {key!r} is a covariance matrix, so it must be symmetric")
    import numpy as np

    if float(np.linalg.eigvalsh(np.array(m)).min()) < -1e-9 * scale:
        raise ParamsError(f"params: {key!r} is a covariance matrix, so it must be positive semi-definite")


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    n = len(P.vector(p, "mu1", max_length=MAX_DIM))
    P.vector(p, "mu2", n)
    if any(abs(v) > MAX_ENTRY for key in ("mu1", "mu2") for v in p[key]):
        raise ParamsError(f"params: the means' entries must be at most {MAX_ENTRY:g} in size")
    _covariance_params(p, "sigma1", n)
    _covariance_params(p, "sigma2", n)


# --- texts -----------------------------------------------------------------------------------

def _prompt(p: dict) -> str:
    return "\n".join([
        "FID compares two Gaussians fitted to Inception features. Take "
        f"$\\mu_1 = {vec(p['mu1'], 15)}$, $\\mu_2 = {vec(p['mu2'], 15)}$ and",
        f"$$\\Sigma_1 = {bmatrix(p['sigma1'], 15)}, \\quad \\Sigma_2 = {bmatrix(p['sigma2'], 15)}$$",
        r"Compute the Fréchet distance "
        r"$d^2 = \|\mu_1 - \mu_2\|^2 + \mathrm{Tr}\left(\Sigma_1 + \Sigma_2 - 2(\Sigma_1 \Sigma_2)^{1/2}\right)$.",
    ])


def _solution(p: dict) -> str:
    s1, s2 = p["sigma1"], p["sigma2"]
    m = matmul(s1, s2)
    root = trace_sqrt_product(s1, s2)
    lines = [f"$\\|\\mu_1 - \\mu_2\\|^2 = {num(mean_term(p), 6)}$",
             f"$\\mathrm{{Tr}}\\,\\Sigma_1 = {num(trace(s1))}$, $\\mathrm{{Tr}}\\,\\Sigma_2 = {num(trace(s2))}$",
             f"$$\\Sigma_1 \\Sigma_2 = {bmatrix(m)}$$"]
    if len(m) == 1:
        lines.append(f"$(\\Sigma_1\\Sigma_2)^{{1/2}} = \\sqrt{{{num(m[0][0])}}} = {num(root, 6)}$")
    elif len(m) == 2:
        det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        lines.append(r"For a $2 \times 2$ matrix $M$ with eigenvalues $\lambda_1, \lambda_2 \ge 0$: "
                     r"$\mathrm{Tr}\,M^{1/2} = \sqrt{\lambda_1} + \sqrt{\lambda_2} = \sqrt{\mathrm{Tr}\,M + 2\sqrt{\det M}}$")
        lines.append(f"$\\mathrm{{Tr}}(\\Sigma_1\\Sigma_2)^{{1/2}} = \\sqrt{{{num(trace(m))} + 2\\sqrt{{{num(det)}}}}} "
                     f"= {num(root, 6)}$")
    else:
        lines.append(f"$\\mathrm{{Tr}}(\\Sigma_1\\Sigma_2)^{{1/2}} = \\sum_i \\sqrt{{\\lambda_i}} = {num(root, 6)}$")
    lines.append(f"$d^2 = {num(mean_term(p), 6)} + {num(trace(s1))} + {num(trace(s2))} - 2 \\cdot {num(root, 6)} "
                 f"= {num(frechet_distance(p), 6)}$")
    if _is_diagonal(s1) and _is_diagonal(s2):
        lines.append(r"(With diagonal covariances the trace term is $\sum_i (\sigma_{1,i} - \sigma_{2,i})^2$, "
                     r"the squared differences of the standard deviations.)")
    return "\n".join(lines)


FID = Generator(
    id="gan.fid",
    title="Fréchet distance between two Gaussians (FID)",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=frechet_distance,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"Split it: the mean term $\|\mu_1 - \mu_2\|^2$, then $\mathrm{Tr}\,\Sigma_1 + "
                     r"\mathrm{Tr}\,\Sigma_2$, then $-2\,\mathrm{Tr}(\Sigma_1\Sigma_2)^{1/2}$.",
                     r"$(\Sigma_1\Sigma_2)^{1/2}$ is a matrix square root: its trace is the sum of the "
                     r"square roots of the eigenvalues of $\Sigma_1\Sigma_2$; for $2 \times 2$, "
                     r"$\sqrt{\mathrm{Tr}\,M + 2\sqrt{\det M}}$."],
    mistakes=(
        Mistake("missing-factor-2", r"The cross term is $-2\,\mathrm{Tr}(\Sigma_1\Sigma_2)^{1/2}$: you "
                r"subtracted it once.", lambda p: frechet_distance(p, factor=1.0)),
        Mistake("no-matrix-sqrt", r"Take the matrix square root: the cross term is "
                r"$-2\,\mathrm{Tr}(\Sigma_1\Sigma_2)^{1/2}$, not $-2\,\mathrm{Tr}(\Sigma_1\Sigma_2)$.",
                lambda p: frechet_distance(p, cross=_no_root)),
        Mistake("mean-not-squared", r"The mean term is the squared distance $\|\mu_1 - \mu_2\|^2$.",
                lambda p: frechet_distance(p, means=lambda q: math.sqrt(mean_term(q)))
                if mean_term(p) not in (0.0, 1.0) else None),
        Mistake("elementwise-sqrt", r"$(\Sigma_1\Sigma_2)^{1/2}$ is a matrix square root, not the "
                r"square root of each entry: with off-diagonal covariances they differ.",
                lambda p: None if _is_diagonal(p["sigma1"]) and _is_diagonal(p["sigma2"])
                else _with_cross(p, _elementwise_root(p["sigma1"], p["sigma2"]))),
        Mistake("product-of-roots", r"$(\Sigma_1\Sigma_2)^{1/2}$ is the root of the product, not "
                r"$\Sigma_1^{1/2}\Sigma_2^{1/2}$: the two agree only when $\Sigma_1$ and $\Sigma_2$ commute.",
                lambda p: None if _commute(p["sigma1"], p["sigma2"])
                else frechet_distance(p, cross=_product_of_roots)),
    ),
    tags=("gan", "fid", "evaluation"),
    difficulty=2,
)


def _with_cross(p: dict, cross: float | None) -> float | None:
    return None if cross is None else frechet_distance(p, cross=lambda s1, s2: cross)


GENERATORS = [FID]
