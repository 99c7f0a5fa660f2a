"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "conv-input-gradient", "Input gradient of a conv layer: full convolution with the rotated kernel", "cnn",
    build="mpcheck_cnn.derive_conv_backward:build",
    summary="∂L/∂x_a = Σ_i δ_i K_{a−i}: correlate δ, framed by k − 1 zeros, with rot180(K)."))
