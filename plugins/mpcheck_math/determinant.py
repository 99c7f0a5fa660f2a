"""The matrix determinant lemma: a rank-one update changes the determinant by one scalar factor.

    det(A + u vᵀ) = (1 + vᵀ A⁻¹ u) · det A

(In flows it gives cheap log-determinants for layers of the form I + u vᵀ.) Integer A, u, v keep
every quantity an exact fraction, so the answer is checked exactly.
"""

from __future__ import annotations

from fractions import Fraction

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Fraction as FractionAnswer
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix

KEYS = ("A", "u", "v")
MAX_SIZE = 4
MAX_ENTRY = 100


def det(m: list[list[int]]) -> int:
    """Laplace expansion along the first row, in exact integers (fine for n ≤ 4)."""
    if len(m) == 1:
        return m[0][0]
    return sum((-1) ** j * m[0][j] * det([row[:j] + row[j + 1:] for row in m[1:]]) for j in range(len(m)))


def integers(p: dict) -> tuple[list[list[int]], list[int], list[int]]:
    return [[int(x) for x in row] for row in p["A"]], [int(x) for x in p["u"]], [int(x) for x in p["v"]]


def cramer_numerators(A: list[list[int]], u: list[int]) -> list[int]:
    """det(A_i), A with column i replaced by u: Cramer's rule gives (A⁻¹u)_i = det(A_i) / det A."""
    return [det([row[:i] + [ui] + row[i + 1:] for row, ui in zip(A, u)]) for i in range(len(A))]


def pieces(p: dict) -> tuple[Fraction, list[Fraction], Fraction]:
    """(det A, w = A⁻¹u, vᵀA⁻¹u), exact."""
    A, u, v = integers(p)
    det_a = det(A)
    numerators = cramer_numerators(A, u)
    w = [Fraction(n, det_a) for n in numerators]
    return Fraction(det_a), w, Fraction(sum(vi * n for vi, n in zip(v, numerators)), det_a)


# det(A + u vᵀ) = (1 + vᵀ A⁻¹ u) det A
def lemma(p: dict) -> Fraction:
    det_a, _, v_ainv_u = pieces(p)
    return (1 + v_ainv_u) * det_a


def _json(value: Fraction) -> int | str:
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _solve(p: dict) -> int | str:
    return _json(lemma(p))


def _forgot_det(p: dict) -> int | str:
    return _json(1 + pieces(p)[2])


def _forgot_one(p: dict) -> int | str:
    det_a, _, v_ainv_u = pieces(p)
    return _json(v_ainv_u * det_a)


def _used_a_not_inverse(p: dict) -> int | str:
    A, u, v = integers(p)
    v_a_u = sum(v[i] * A[i][j] * u[j] for i in range(len(u)) for j in range(len(u)))
    return _json(Fraction((1 + v_a_u) * det(A)))


def _sum_of_dets(p: dict) -> int | str:
    # det(A + B) = det A + det B is false; det(u vᵀ) = 0 for n ≥ 2, so this gives det A
    return _json(Fraction(det(integers(p)[0])))


def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 2, 3])
    while True:
        A = sampling.ints(rng, -3, 3, (n, n))
        if det(A) == 0:
            continue
        u, v = sampling.ints(rng, -2, 2, n), sampling.ints(rng, -2, 2, n)
        if any(u) and any(v):
            return {"A": A, "u": u, "v": v}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    A = P.matrix(p, "A", max_dim=MAX_SIZE)
    n = len(A)
    if len(A[0]) != n:
        raise ParamsError(f"params: 'A' must be square, got {n}×{len(A[0])}")
    for key in ("u", "v"):
        P.vector(p, key, n, integer=True)
    if any(isinstance(x, bool) or not isinstance(x, int) for row in p["A"] for x in row):
        raise ParamsError("params: 'A' must hold integers (so the answer is an exact fraction)")
    if any(abs(x) > MAX_ENTRY for row in p["A"] for x in row) or any(abs(x) > MAX_ENTRY for x in p["u"] + p["v"]):
        raise ParamsError(f"params: entries must lie in [−{MAX_ENTRY}, {MAX_ENTRY}]")
    if det(integers(p)[0]) == 0:
        raise ParamsError("params: 'A' is singular, so the lemma's A⁻¹ does not exist")


def _column(values: list[int]) -> str:
    return bmatrix([[x] for x in values])


def _frac(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def _paren(value: Fraction) -> str:
    return _frac(value) if value >= 0 else f"({_frac(value)})"


def _prompt(p: dict) -> str:
    return ("With the matrix determinant lemma, compute $\\det(A + u v^\\top)$ for\n"
            f"$$A = {bmatrix(p['A'])}, \\quad u = {_column(p['u'])}, \\quad v = {_column(p['v'])}.$$\n"
            "Give the exact value (an integer or a fraction $p/q$).")


def _solution(p: dict) -> str:
    det_a, w, v_ainv_u = pieces(p)
    result = lemma(p)
    return "\n".join([
        "The lemma: $\\det(A + u v^\\top) = (1 + v^\\top A^{-1} u)\\,\\det A$.",
        f"$\\det A = {_frac(det_a)}$.",
        "Solve $A w = u$ instead of inverting $A$: "
        f"$w = A^{{-1}} u = ({', '.join(_frac(x) for x in w)})$.",
        f"$v^\\top A^{{-1}} u = v \\cdot w = {_frac(v_ainv_u)}$.",
        f"$\\det(A + u v^\\top) = (1 + {_paren(v_ainv_u)}) \\cdot {_paren(det_a)} = {_frac(result)}$.",
        f"Check directly: $A + u v^\\top = {bmatrix([[a + ui * vj for a, vj in zip(row, p['v'])] for row, ui in zip(p['A'], p['u'])])}$ "
        f"has the same determinant, ${_frac(result)}$."])


DETERMINANT_LEMMA = Generator(
    id="math.determinant-lemma",
    title="The matrix determinant lemma",
    answer_kind=FractionAnswer(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["$\\det(A + u v^\\top) = (1 + v^\\top A^{-1} u)\\,\\det A$.",
                     "Compute $A^{-1} u$ by solving $A w = u$; then $v^\\top A^{-1} u = v \\cdot w$."],
    mistakes=(
        Mistake("forgot-det-A", "The factor $1 + v^\\top A^{-1} u$ multiplies $\\det A$.", _forgot_det),
        Mistake("forgot-the-one", "The factor is $1 + v^\\top A^{-1} u$: the 1 comes from "
                "$\\det(I + A^{-1} u v^\\top)$.", _forgot_one),
        Mistake("used-A-not-its-inverse", "The middle of the scalar is $A^{-1}$, not $A$: "
                "$A + u v^\\top = A (I + A^{-1} u v^\\top)$.", _used_a_not_inverse),
        Mistake("determinant-is-additive", "The determinant is not additive: $\\det(A + B) \\ne \\det A + \\det B$ "
                "(and $\\det(u v^\\top) = 0$ for $n \\ge 2$).", _sum_of_dets),
    ),
    tags=("linear algebra", "determinant"),
    difficulty=2,
)

GENERATORS = [DETERMINANT_LEMMA]
