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
