"""Derivations of the flows topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = [
    Derivation("change-of-variables", "Change of variables in one dimension", "flows",
               build="mpcheck_flows.derive_change:build",
               summary="From the CDF of X = f(Z) to p_x(x) = p_z(f⁻¹(x)) |df⁻¹/dx|, and log-determinants that add."),
    Derivation("coupling-jacobian", "The triangular Jacobian of a coupling layer", "flows",
               build="mpcheck_flows.derive_coupling:build",
               summary="y_B = x_B makes the Jacobian triangular: log|det J| = Σ s_i, and the inverse is explicit."),
]
