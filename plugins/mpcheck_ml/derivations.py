"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "softmax-gradient", "Softmax Jacobian and the softmax + cross-entropy gradient", "ml",
    build="mpcheck_ml.derive_softmax:build",
    summary="∂ŷ_i/∂x_j = ŷ_i(δ_ij − ŷ_j); ∂L/∂x_i = ŷ_i − y_i for a one-hot target."))

DERIVATIONS.append(Derivation(
    "cross-entropy-kl", "Cross-entropy = entropy + KL divergence", "ml",
    build="mpcheck_ml.derive_cross_entropy:build",
    summary="H(p, q) = H(p) + KL(p‖q) ≥ H(p): minimising the cross-entropy minimises KL(p‖q)."))

DERIVATIONS.append(Derivation(
    "adam-bias-correction", "Adam's bias correction", "ml",
    build="mpcheck_ml.derive_adam:build",
    summary="E[m_t] = (1 − β1^t) E[g] for stationary gradients, so m̂_t = m_t/(1 − β1^t) is unbiased."))
