"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "implicit-differentiation", "Implicit differentiation: the circle and the DVR surface gradient",
    "implicit", build="mpcheck_implicit.derive_implicit:build",
    summary="dy/dx = −x/y on x² + y² = 1; ∂p̂/∂θ = −w (∂f/∂p̂ · w)⁻¹ ∂f/∂θ for f_θ(p̂) = τ."))
