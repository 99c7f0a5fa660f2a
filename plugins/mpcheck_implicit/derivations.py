"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "implicit-differentiation", "Implicit differentiation: the circle and the DVR surface gradient",
    "implicit", build="mpcheck_implicit.derive_implicit:build",
    summary="dy/dx = −x/y on x² + y² = 1; ∂p̂/∂θ = −w (∂f/∂p̂ · w)⁻¹ ∂f/∂θ for f_θ(p̂) = τ."))

DERIVATIONS.append(Derivation(
    "nerf-quadrature", "NeRF's quadrature of the volume-rendering integral", "implicit",
    build="mpcheck_implicit.derive_rendering:build_nerf",
    summary="Piecewise-constant density and colour turn ∫ T σ c dt into Σ Tᵢ αᵢ cᵢ with αᵢ = 1 − e^(−σᵢδᵢ)."))

DERIVATIONS.append(Derivation(
    "secant-method", "The secant method's update and its order", "implicit",
    build="mpcheck_implicit.derive_rendering:build_secant",
    summary="The root of the line through the last two points; superlinear convergence of order φ ≈ 1.618."))
