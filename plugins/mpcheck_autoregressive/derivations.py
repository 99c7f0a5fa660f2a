"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "attention-scaling", "Why attention divides the scores by the root of the key size", "autoregressive",
    build="mpcheck_autoregressive.derive_scaling:build",
    summary="A dot product of $D$ independent unit-variance entries has variance $D$; "
            "dividing by $\\sqrt{D}$ brings it back to 1."))
