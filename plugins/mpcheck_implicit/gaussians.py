"""3-D Gaussian splatting (Kerbl et al., 2023), in the plane of the image (2-D) to stay exam-sized.

    Σ = R S Sᵀ Rᵀ                              covariance from a rotation R and scales S = diag(s):
                                               positive semi-definite by construction, unlike a raw matrix
    α(x) = o · exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ))     a splat's opacity at pixel x (o its learned opacity)
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake, Real, tidy_rows
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, bmatrix, exact, exact_vec, num, vec


def rotation(degrees: float) -> list[list[float]]:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [[c, -s], [s, c]]


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def transpose(a: list[list[float]]) -> list[list[float]]:
    return [list(row) for row in zip(*a)]


# Σ = R S Sᵀ Rᵀ
def covariance(p: dict, square: bool = True, order: str = "RS") -> list[list[float]]:
    R = rotation(p["angle"])
    S = [[p["scales"][0], 0.0], [0.0, p["scales"][1]]]
    SS = matmul(S, transpose(S)) if square else S
    if order == "RS":
        return tidy_rows(matmul(matmul(R, SS), transpose(R)))
    return tidy_rows(matmul(matmul(transpose(R), SS), R))  # Rᵀ S Sᵀ R: the rotation applied backwards


def _cov_sample(rng) -> dict:
    angle = float(sampling.pick(rng, [30, 45, 60, 90, 120, -45]))
    while True:
        scales = [sampling.pick(rng, [0.5, 1.0, 2.0, 3.0]), sampling.pick(rng, [0.5, 1.5, 2.5])]
        # equal scales make an isotropic Σ = s² I that no rotation changes: the question would not test R
        if scales[0] != scales[1]:
            return {"angle": angle, "scales": scales}


def _cov_validate(p: dict) -> None:
    P.check_keys(p, ("angle", "scales"))
    P.real(p, "angle", -1e5, 1e5)
    scales = P.vector(p, "scales", 2)
    if any(s <= 0 or s > 1e4 for s in scales):
        raise ParamsError("params: 'scales' must lie in (0, 10000]")


def _cov_prompt(p: dict) -> str:
    return (f"A 2-D Gaussian splat is rotated by $\\theta = {exact(p['angle'])}^\\circ$ and scaled by "
            f"$S = \\mathrm{{diag}}({exact(p['scales'][0])}, {exact(p['scales'][1])})$ along its own axes.\n"
            "Give its covariance $\\Sigma = R S S^\\top R^\\top$ with "
            "$R = \\begin{bmatrix} \\cos\\theta & -\\sin\\theta \\\\ \\sin\\theta & \\cos\\theta \\end{bmatrix}$.")


def _cov_solution(p: dict) -> str:
    R = tidy_rows(rotation(p["angle"]))
    SS = [[p["scales"][0] ** 2, 0.0], [0.0, p["scales"][1] ** 2]]
    return (f"$$R = {bmatrix(R, 6)}, \\quad S S^\\top = {bmatrix(SS)}$$\n"
            f"$$\\Sigma = R (S S^\\top) R^\\top = {bmatrix(covariance(p), 6)}$$\n"
            "Check: $\\Sigma$ is symmetric, its eigenvalues are the squared scales "
            f"${num(SS[0][0])}$ and ${num(SS[1][1])}$, and its trace is their sum.")


GAUSSIAN_COVARIANCE = Generator(
    id="implicit.gaussian-covariance",
    title="Gaussian splatting: covariance from rotation and scale",
    answer_kind=Matrix(),
    sample_params=_cov_sample,
    validate_params=_cov_validate,
    solve=covariance,
    prompt=_cov_prompt,
    solution=_cov_solution,
    hints=lambda p: ["$S S^\\top$ is diagonal with the squared scales.",
                     "Rotate it: $R (S S^\\top) R^\\top$; the eigenvectors of $\\Sigma$ are the columns of $R$."],
    mistakes=(
        Mistake("scales-not-squared", "The covariance holds variances: $S S^\\top$ squares the scales.",
                lambda p: covariance(p, square=False) if any(s != 1 for s in p["scales"]) else None),
        Mistake("rotation-reversed", "$\\Sigma = R S S^\\top R^\\top$ rotates the scaled axes by $R$; "
                "$R^\\top S S^\\top R$ rotates them by $-\\theta$.", lambda p: covariance(p, order="RtS")),
    ),
    tags=("gaussian splatting", "covariance"),
    difficulty=2,
)


# --- a splat's opacity at a pixel -------------------------------------------------------------------

SPLAT_KEYS = ("mean", "covariance", "opacity", "pixel")


def inverse2(m: list[list[float]]) -> list[list[float]]:
    det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]


def mahalanobis2(p: dict, invert: bool = True) -> float:
    d = [x - m for x, m in zip(p["pixel"], p["mean"])]
    A = inverse2(p["covariance"]) if invert else p["covariance"]
    # (x − μ)ᵀ Σ⁻¹ (x − μ)
    return sum(d[i] * A[i][j] * d[j] for i in range(2) for j in range(2))


# α = o · exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ))
def splat_alpha(p: dict, half: float = 0.5, invert: bool = True, opacity: bool = True) -> float:
    return (p["opacity"] if opacity else 1.0) * math.exp(-half * mahalanobis2(p, invert))


def _splat_sample(rng) -> dict:
    while True:  # positive definite: a c − b² > 0
        a, c = sampling.pick(rng, [1.0, 2.0, 4.0]), sampling.pick(rng, [1.0, 2.0, 3.0])
        b = sampling.pick(rng, [0.0, 0.5, -0.5, 1.0])
        if a * c - b * b > 0.25:
            break
    mean = [float(sampling.ints(rng, 0, 4)), float(sampling.ints(rng, 0, 4))]
    return {"mean": mean, "covariance": [[a, b], [b, c]], "opacity": sampling.pick(rng, [0.5, 0.8, 0.9]),
            "pixel": [mean[0] + sampling.pick(rng, [-1.0, 1.0, 2.0]), mean[1] + sampling.pick(rng, [-1.0, 0.0, 1.0])]}


def _splat_validate(p: dict) -> None:
    P.check_keys(p, SPLAT_KEYS)
    P.vector(p, "mean", 2)
    P.vector(p, "pixel", 2)
    cov = P.matrix(p, "covariance", rows=2, cols=2)
    P.real(p, "opacity", 0, 1)
    if cov[0][1] != cov[1][0] or cov[0][0] <= 0 or cov[0][0] * cov[1][1] - cov[0][1] ** 2 <= 0:
        raise ParamsError("params: 'covariance' must be symmetric positive definite")
    if any(abs(v) > 1e4 for v in [*p["mean"], *p["pixel"], *cov[0], *cov[1]]):
        raise ParamsError("params: entries must lie in [−10000, 10000]")


def _splat_prompt(p: dict) -> str:
    return (f"A projected Gaussian splat has mean $\\mu = {exact_vec(p['mean'])}$, covariance "
            f"$\\Sigma = {bmatrix(p['covariance'], EXACT_DIGITS)}$ and opacity $o = {exact(p['opacity'])}$.\n"
            f"What is its alpha at pixel $x = {exact_vec(p['pixel'])}$, "
            "$\\alpha = o \\exp\\left(-\\tfrac{1}{2} (x - \\mu)^\\top \\Sigma^{-1} (x - \\mu)\\right)$?")


def _splat_solution(p: dict) -> str:
    d = [x - m for x, m in zip(p["pixel"], p["mean"])]
    inv = inverse2(p["covariance"])
    q = mahalanobis2(p)
    return (f"$x - \\mu = {vec(d)}$ and $\\Sigma^{{-1}} = {bmatrix(inv, 6)}$.\n"
            f"$(x - \\mu)^\\top \\Sigma^{{-1}} (x - \\mu) = {num(q, 6)}$\n"
            f"$\\alpha = {num(p['opacity'])} \\cdot e^{{-{num(q / 2, 6)}}} = {num(splat_alpha(p), 6)}$")


SPLAT_ALPHA = Generator(
    id="implicit.splat-alpha",
    title="Gaussian splatting: a splat's alpha at a pixel",
    answer_kind=Real(),
    sample_params=_splat_sample,
    validate_params=_splat_validate,
    solve=splat_alpha,
    prompt=_splat_prompt,
    solution=_splat_solution,
    hints=lambda p: [r"Invert the $2 \times 2$ covariance: swap the diagonal, negate the off-diagonal, divide by the determinant.",
                     "The exponent is $-\\tfrac{1}{2}$ times the squared Mahalanobis distance."],
    mistakes=(
        Mistake("covariance-not-inverted", "The exponent uses $\\Sigma^{-1}$: a wider Gaussian (larger "
                "$\\Sigma$) must fall off more slowly.", lambda p: splat_alpha(p, invert=False)),
        Mistake("forgot-the-half", "The Gaussian's exponent is $-\\tfrac{1}{2} d^\\top \\Sigma^{-1} d$.",
                lambda p: splat_alpha(p, half=1.0)),
        Mistake("forgot-opacity", "Multiply by the splat's opacity $o$.",
                lambda p: splat_alpha(p, opacity=False) if p["opacity"] != 1 else None),
    ),
    tags=("gaussian splatting", "alpha compositing"),
    difficulty=2,
)

GENERATORS = [GAUSSIAN_COVARIANCE, SPLAT_ALPHA]
