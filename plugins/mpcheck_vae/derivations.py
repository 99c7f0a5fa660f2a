"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "kl-gaussians", "KL divergence between Gaussians", "vae",
    build="mpcheck_vae.derive_kl:build",
    summary="Univariate by integration, the diagonal sum, and −KL = ½ Σ (1 + log σ² − μ² − σ²)."))

DERIVATIONS.append(Derivation(
    "elbo", "The evidence lower bound (ELBO)", "vae",
    build="mpcheck_vae.derive_elbo:build",
    summary="log p(x) = E_q[log p(x|z)] − KL(q‖p(z)) + KL(q‖p(z|x)), and the Jensen route to the bound."))

DERIVATIONS.append(Derivation(
    "kl-nonnegative", "KL divergence is never negative", "vae",
    build="mpcheck_vae.derive_jensen:build",
    summary="Jensen's inequality on the concave log: −KL = E_p[log q/p] ≤ log E_p[q/p] = log 1 = 0."))

DERIVATIONS.append(Derivation(
    "reparameterization-gradient", "The reparameterisation gradient", "vae",
    build="mpcheck_vae.derive_reparam:build",
    summary="z = μ + σε moves the parameters inside the expectation: ∇E_q[f(z)] = E_ε[∇f(μ + σε)]; "
            "the score-function form gives the same gradient."))
