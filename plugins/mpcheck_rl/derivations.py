"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS = [
    Derivation("policy-gradient", "Policy gradient by the log-derivative trick", "rl",
               build="mpcheck_rl.derive_policy_gradient:build",
               summary="$\\nabla_\\theta J = \\mathbb{E}[\\nabla_\\theta \\log \\pi_\\theta(a)\\,(r - b)]$; "
                       "the dynamics drop out of $\\nabla \\log p_\\theta(\\tau)$."),
    Derivation("bellman-contraction", "The Bellman optimality operator is a contraction", "rl",
               build="mpcheck_rl.derive_contraction:build",
               summary="$\\|T V - T U\\|_\\infty \\le \\gamma \\|V - U\\|_\\infty$, so value iteration converges."),
]
