"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = [
    Derivation("diffusion-forward-marginal", "q(x_t | x_0) by composing Gaussian steps", "diffusion",
               build="mpcheck_diffusion.derive_marginal:build",
               summary="x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε by induction: independent Gaussian noises add their variances."),
    Derivation("diffusion-posterior", "The posterior q(x_{t−1} | x_t, x_0): mean and variance", "diffusion",
               build="mpcheck_diffusion.derive_posterior:build_posterior",
               summary="Bayes with two Gaussians in x_{t−1}: complete the square for μ̃_t and β̃_t."),
    Derivation("diffusion-epsilon-mean", "The ε-form of the reverse mean", "diffusion",
               build="mpcheck_diffusion.derive_posterior:build_epsilon",
               summary="Substitute x_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t: μ̃_t = (x_t − β_t ε/√(1 − ᾱ_t))/√α_t."),
]
