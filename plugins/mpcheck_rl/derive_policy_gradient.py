"""The policy gradient by the log-derivative trick, worked on a softmax bandit with three arms.

J(θ) = Σ_a π_θ(a) r_a. Every line about the bandit is an identity in θ_1, θ_2, θ_3, r_a and b that
SymPy proves (written for ∂/∂θ_1; the other components are the same with the index moved). The
trajectory form, ∇ log p_θ(τ) = Σ_t ∇ log π_θ(a_t | s_t), is proved by SymPy for every trajectory of a
small MDP with symbolic dynamics, and the unbiasedness of the sample estimate is checked by
enumerating every action.
"""

from __future__ import annotations

import itertools

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate
from mpcheck_rl.tex import tex

theta = sp.symbols("theta_1:4", real=True)
r = sp.symbols("r_1:4", real=True)
pi = sp.symbols("pi_1:4", positive=True)
b = sp.Symbol("b", real=True)
J = sp.Symbol("J")
K = 3
total = sum(sp.exp(t) for t in theta)
SOFTMAX = {pi[a]: sp.exp(theta[a]) / total for a in range(K)}


def d(expr):
    return sp.Derivative(expr, theta[0])


def _trajectory_score_matches() -> tuple[bool, str]:
    """∂ log p_θ(τ)/∂θ = Σ_t ∂ log π_θ(a_t|s_t)/∂θ for every trajectory of a 2-state, 2-action MDP over
    2 steps, with a softmax policy per state and symbolic start and transition probabilities."""
    w = sp.symbols("w_0:2_0:2", real=True)                      # policy logits w[s, a]
    q = sp.symbols("q_0:2_0:2", positive=True)                  # P(s'=0 | s, a); P(s'=1 | s, a) = 1 − q
    start = sp.Symbol("rho", positive=True)                     # P(s_1 = 0)

    def policy(s, a):
        return sp.exp(w[2 * s + a]) / (sp.exp(w[2 * s]) + sp.exp(w[2 * s + 1]))

    def move(s, a, nxt):
        return q[2 * s + a] if nxt == 0 else 1 - q[2 * s + a]

    count = 0
    for s1, a1, s2, a2 in itertools.product(range(2), repeat=4):
        p_tau = (start if s1 == 0 else 1 - start) * policy(s1, a1) * move(s1, a1, s2) * policy(s2, a2)
        # the log of the product as a sum of logs (every factor is a probability, so > 0)
        log_p = sp.expand_log(sp.log(p_tau), force=True)
        for wi in w:
            lhs = sp.diff(log_p, wi)
            rhs = sp.diff(sp.log(policy(s1, a1)), wi) + sp.diff(sp.log(policy(s2, a2)), wi)
            if sp.cancel(sp.together(lhs - rhs)) != 0:
                return False, f"trajectory {(s1, a1, s2, a2)}, ∂/∂{wi}"
            count += 1
    return True, f"SymPy, all 16 trajectories × 4 logits ({count} identities), symbolic dynamics"


def _estimate_is_unbiased(score=lambda a, j: int(a == j) - pi[j]) -> tuple[bool, str]:
    """E_a[(r_a − b) ∂ log π(a)/∂θ_j] = ∂J/∂θ_j for every j, the expectation taken exactly over a;
    ``score(a, j)`` is ∂ log π(a)/∂θ_j (a wrong one must fail)."""
    x = sp.symbols("x_1:4", positive=True)  # x_a = e^{θ_a}: the difference becomes a rational function
    for j in range(K):
        estimate = sum(pi[a] * (r[a] - b) * score(a, j) for a in range(K)).xreplace(SOFTMAX)
        exact = sp.diff(sum(pi[a] * r[a] for a in range(K)).xreplace(SOFTMAX), theta[j])
        difference = (estimate - exact).subs({t: sp.log(xa) for t, xa in zip(theta, x)})
        if sp.cancel(difference) != 0:
            return False, f"component {j + 1}"
    return True, "SymPy, all three components, exact expectation over the three arms, any b"


def build() -> Walkthrough:
    r1, r2, r3 = r
    p1, p2, p3 = pi
    log = sp.log
    tau, t = sp.Symbol("tau"), sp.Symbol("t", integer=True, positive=True)
    T = sp.Symbol("T", integer=True, positive=True)
    policy = sp.Function("pi")
    a_t, s_t = sp.Symbol("a_t"), sp.Symbol("s_t")
    p_tau = sp.Function("p")(tau)
    return Walkthrough(
        title="Policy gradient: $\\nabla_\\theta J = \\mathbb{E}[\\nabla_\\theta \\log \\pi_\\theta(a)\\,(r - b)]$",
        summary="The log-derivative trick turns the gradient of an expectation into an expectation of "
                "$\\nabla \\log \\pi$ times the reward.",
        assumptions=["a softmax bandit with three arms: $\\pi_a = e^{\\theta_a} / \\sum_b e^{\\theta_b}$, "
                     "expected rewards $r_a$ that do not depend on $\\theta$",
                     "the components $\\partial/\\partial\\theta_2, \\partial/\\partial\\theta_3$ follow by "
                     "moving the index"],
        where={**SOFTMAX, J: p1 * r1 + p2 * r2 + p3 * r3},
        steps=[
            Given(sp.Eq(J, p1 * r1 + p2 * r2 + p3 * r3), "the expected reward of the policy, "
                  "$J(\\theta) = \\sum_a \\pi_\\theta(a)\\, r_a$"),
            Step(sp.Eq(d(J), d(p1) * r1 + d(p2) * r2 + d(p3) * r3),
                 "the rewards do not depend on $\\theta$: differentiate the probabilities only"),
            Step(sp.Eq(d(J), p1 * d(log(p1)) * r1 + p2 * d(log(p2)) * r2 + p3 * d(log(p3)) * r3),
                 "log-derivative trick: $\\nabla \\pi = \\pi\\, \\nabla \\log \\pi$, so the sum becomes an "
                 "expectation over $a \\sim \\pi_\\theta$ again",
                 hint="$\\frac{d}{d\\theta} \\log \\pi = \\frac{1}{\\pi} \\frac{d\\pi}{d\\theta}$."),
            Step(sp.Eq(d(J), p1 * (1 - p1) * r1 + p2 * (0 - p1) * r2 + p3 * (0 - p1) * r3),
                 "the softmax score: $\\partial \\log \\pi_a / \\partial \\theta_1 = [a = 1] - \\pi_1$",
                 hint="$\\log \\pi_a = \\theta_a - \\log \\sum_b e^{\\theta_b}$."),
            Step(sp.Eq(d(J), p1 * (1 - p1) * (r1 - b) + p2 * (0 - p1) * (r2 - b) + p3 * (0 - p1) * (r3 - b)),
                 "a baseline changes nothing in expectation: $\\sum_a \\pi_a ([a = 1] - \\pi_1) = "
                 "\\pi_1 - \\pi_1 = 0$",
                 hint="The $b$ terms add up to $-b\\,(\\pi_1 (1 - \\pi_1) - \\pi_2 \\pi_1 - \\pi_3 \\pi_1)$."),
            Step(sp.Eq(tex(r"\mathbb{E}_{a \sim \pi_\theta}[(r_a - b)\, \nabla_\theta \log \pi_\theta(a)]"),
                       tex(r"\nabla_\theta J")),
                 "so one sampled arm gives an unbiased estimate, $\\hat g = (r - b)(e_a - \\pi_\\theta)$: "
                 "REINFORCE", check=predicate(_estimate_is_unbiased, "exact expectation, every component",
                                             method="symbolic"), practice=None),
            Step(sp.Eq(sp.Derivative(log(p_tau), sp.Symbol("theta")),
                       sp.Sum(sp.Derivative(log(policy(a_t, s_t)), sp.Symbol("theta")), (t, 1, T))),
                 "for trajectories, $\\log p_\\theta(\\tau) = \\log p(s_1) + \\sum_t \\log \\pi_\\theta(a_t \\mid s_t) "
                 "+ \\sum_t \\log p(s_{t+1} \\mid s_t, a_t)$ and only the policy terms depend on $\\theta$: the "
                 "unknown dynamics drop out of $\\nabla_\\theta J = \\mathbb{E}_\\tau[\\nabla_\\theta \\log "
                 "p_\\theta(\\tau)\\, r(\\tau)]$",
                 check=predicate(_trajectory_score_matches, "every trajectory of a 2-state MDP, 2 steps"),
                 practice=None),
        ])
