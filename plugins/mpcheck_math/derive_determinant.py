"""The matrix determinant lemma, det(A + u vᵀ) = (1 + vᵀ A⁻¹ u) det A, by factoring out A and a
block-triangular trick for det(I + w vᵀ).

The factorisation is proved for every n with SymPy's matrix symbols; the block identity and the
rank-one determinant are expanded with fully symbolic entries for n = 1..4 (instances of n); the
product rule for determinants is checked exactly on random rational matrices.
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy as sp

from mpcheck.derive import Step, Walkthrough, predicate

SIZES = (1, 2, 3, 4)


def S(latex: str) -> sp.Symbol:
    """A symbol that stands for a matrix expression; its name is the LaTeX shown."""
    return sp.Symbol(latex)


DET_UPDATE = S(r"\det(A + u v^{\top})")
DET_A = S(r"\det A")
DET_W = S(r"\det(I + w v^{\top})")
VW = S(r"v^{\top} w")
V_AINV_U = S(r"v^{\top} A^{-1} u")


def _factorisation() -> tuple[bool, str]:
    # A (I + A⁻¹ u vᵀ) = A + A A⁻¹ u vᵀ = A + u vᵀ, for n×n A of any size n
    n = sp.Symbol("n", integer=True, positive=True)
    A, u, v = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("u", n, 1), sp.MatrixSymbol("v", n, 1)
    difference = (A * (sp.Identity(n) + A.I * u * v.T)).expand() - (A + u * v.T)
    return isinstance(difference.doit(), (sp.ZeroMatrix, sp.core.numbers.Zero)), "SymPy matrix symbols, any n: A(I + A⁻¹uvᵀ) − (A + uvᵀ) = 0"


def _random_matrix(rng: random.Random, n: int) -> sp.Matrix:
    return sp.Matrix(n, n, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)))


def _product_rule() -> tuple[bool, str]:
    # det(B C) = det B · det C, exactly, on random rational matrices
    rng = random.Random(11)
    for n in SIZES:
        for _ in range(5):
            B, C = _random_matrix(rng, n), _random_matrix(rng, n)
            if (B * C).det() != B.det() * C.det():
                return False, f"n = {n}: det(BC) ≠ det B det C"
    return True, f"exact rational arithmetic, 5 random pairs for each n = 1..{SIZES[-1]}"


def _block(rows: list[list[sp.Matrix]]) -> sp.Matrix:
    return sp.BlockMatrix(rows).as_explicit()


def _block_identity() -> tuple[bool, str]:
    # [I 0; vᵀ 1] [I + w vᵀ  w; 0 1] [I 0; −vᵀ 1] = [I w; 0 1 + vᵀw]
    for n in SIZES:
        w, v = sp.Matrix(sp.symbols(f"w1:{n + 1}")), sp.Matrix(sp.symbols(f"v1:{n + 1}"))
        I, zero, one = sp.eye(n), sp.zeros(n, 1), sp.Matrix([[1]])
        left = _block([[I, zero], [v.T, one]])
        middle = _block([[I + w * v.T, w], [zero.T, one]])
        right = _block([[I, zero], [-v.T, one]])
        target = _block([[I, w], [zero.T, one + v.T * w]])
        if sp.expand(left * middle * right - target) != sp.zeros(n + 1, n + 1):
            return False, f"n = {n}: the block product differs"
    return True, f"expanded with symbolic entries for n = 1..{SIZES[-1]}"


def _rank_one() -> tuple[bool, str]:
    # det(I + w vᵀ) = 1 + vᵀ w
    for n in SIZES:
        w, v = sp.Matrix(sp.symbols(f"w1:{n + 1}")), sp.Matrix(sp.symbols(f"v1:{n + 1}"))
        if sp.expand((sp.eye(n) + w * v.T).det() - 1 - (v.T * w)[0]) != 0:
            return False, f"n = {n}: det(I + wvᵀ) ≠ 1 + vᵀw"
    return True, f"expanded with symbolic entries for n = 1..{SIZES[-1]}"


def _lemma() -> tuple[bool, str]:
    rng = random.Random(5)
    for n in SIZES:
        for _ in range(5):
            A = _random_matrix(rng, n)
            if A.det() == 0:
                continue
            u = sp.Matrix([Fraction(rng.randint(-5, 5)) for _ in range(n)])
            v = sp.Matrix([Fraction(rng.randint(-5, 5)) for _ in range(n)])
            if (A + u * v.T).det() != (1 + (v.T * A.inv() * u)[0]) * A.det():
                return False, f"n = {n}: the lemma fails"
    return True, f"exact rational arithmetic, random invertible A, u, v for n = 1..{SIZES[-1]}"


def build() -> Walkthrough:
    return Walkthrough(
        title="The matrix determinant lemma",
        assumptions=["$A$ is an invertible $n \\times n$ matrix; $u, v \\in \\mathbb{R}^n$"],
        steps=[
            Step(sp.Eq(S(r"A + u v^{\top}"), S(r"A \left(I + A^{-1} u v^{\top}\right)")),
                 "factor $A$ out on the left ($A A^{-1} = I$); this holds for every size $n$",
                 check=predicate(_factorisation, "matrix symbols of any size", method="symbolic"), practice=None),
            Step(sp.Eq(DET_UPDATE, DET_A * DET_W),
                 "the determinant of a product is the product of the determinants, with $w = A^{-1} u$",
                 check=predicate(_product_rule, "det(BC) = det B det C on exact random instances"), practice=None),
            Step(sp.Eq(S(r"\begin{bmatrix} I & 0 \\ v^{\top} & 1 \end{bmatrix}"
                         r"\begin{bmatrix} I + w v^{\top} & w \\ 0 & 1 \end{bmatrix}"
                         r"\begin{bmatrix} I & 0 \\ -v^{\top} & 1 \end{bmatrix}"),
                       S(r"\begin{bmatrix} I & w \\ 0 & 1 + v^{\top} w \end{bmatrix}")),
                 "a block identity (multiply out the three factors); the outer ones are unit "
                 "triangular, so their determinant is 1",
                 check=predicate(_block_identity, "symbolic entries, n = 1..4"), practice=None),
            Step(sp.Eq(DET_W, 1 + VW),
                 "take determinants: the outer factors contribute 1, the right side is block upper "
                 "triangular with diagonal blocks $I$ and $1 + v^{\\top} w$",
                 check=predicate(_rank_one, "symbolic entries, n = 1..4"), hint="1 + v^T w"),
            Step(sp.Eq(DET_UPDATE, (1 + V_AINV_U) * DET_A),
                 "put $w = A^{-1} u$ back: the lemma",
                 check=predicate(_lemma, "exact random instances of the whole lemma"),
                 hint="(1 + v^T A^{-1} u) det A"),
        ])
