"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "determinant-lemma", "The matrix determinant lemma", "math",
    build="mpcheck_math.derive_determinant:build",
    summary="det(A + uvᵀ) = (1 + vᵀA⁻¹u) det A, by factoring out A and a block-triangular identity."))

DERIVATIONS.append(Derivation(
    "jensen", "Jensen's inequality, and why KL ≥ 0", "math",
    build="mpcheck_math.derive_jensen:build",
    summary="log Σ pᵢxᵢ ≥ Σ pᵢ log xᵢ; with xᵢ = qᵢ/pᵢ it gives KL(p‖q) ≥ 0, with equality only at p = q."))
