"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "bptt-sum", "BPTT: the gradient as a sum of products of Jacobians", "rnn",
    build="mpcheck_rnn.derive_bptt:build",
    summary="∂L/∂W = Σ_t Σ_{k≤t} ∂L_t/∂h_t · Π_{i=k+1..t} W_hhᵀ diag f' · ∂⁺h_k/∂W."))

DERIVATIONS.append(Derivation(
    "gradient-bound", "Vanishing and exploding gradients: the Jacobian bound by induction", "rnn",
    build="mpcheck_rnn.derive_bound:build",
    summary="‖∂h_t/∂h_k‖ ≤ (λ₁γ)^{t−k}: λ₁γ < 1 is sufficient for vanishing, λ₁γ > 1 only necessary "
            "for exploding."))
