"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []

DERIVATIONS.append(Derivation(
    "optimal-discriminator", "The optimal discriminator and the value of the GAN game", "gan",
    build="mpcheck_gan.derive_discriminator:build",
    summary="Maximise a log y + b log(1 − y) pointwise: D* = p_d/(p_d + p_m); V(G, D*) = −log 4 + 2 JSD."))

DERIVATIONS.append(Derivation(
    "gan-global-optimum", "The generator's global optimum: −log 4, reached only at p_m = p_d", "gan",
    build="mpcheck_gan.derive_global_optimum:build",
    summary="C(G) = −log 4 + 2 JSD(p_d‖p_m) ≥ −log 4 by Gibbs' inequality, with equality iff p_m = p_d."))
