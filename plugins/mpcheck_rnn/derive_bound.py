"""The vanishing/exploding bound ‖∂h_t/∂h_k‖ ≤ (λ₁γ)^{t−k}, by induction on t − k.

λ₁ is the largest singular value of W_hh (its spectral norm) and γ bounds the activation's slope,
‖diag f'(a)‖ ≤ γ. The matrix facts (sub-multiplicativity, ‖Wᵀ‖ = ‖W‖) are checked on random
matrices; the induction and the limit by SymPy; the bound itself on real RNN runs; and a
counterexample shows that λ₁γ > 1 does not force the gradients to explode.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate

ACTIVATIONS = {"tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2, 1.0),
               "sigmoid": (lambda a: 1 / (1 + np.exp(-a)),
                           lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2, 0.25)}


def spectral_norm(M) -> float:
    return float(np.linalg.norm(M, 2))


def _one_step_bound(draws: int = 300) -> tuple[bool, str]:
    # ‖W_hhᵀ diag f'‖ ≤ ‖W_hhᵀ‖ ‖diag f'‖ = λ₁ · max_j |f'_j| ≤ λ₁ γ
    rng = np.random.default_rng(1)
    for _ in range(draws):
        n = int(rng.integers(1, 6))
        W = rng.normal(size=(n, n))
        gamma = float(rng.uniform(0.1, 2))
        slopes = rng.uniform(-gamma, gamma, n)
        if spectral_norm(W.T @ np.diag(slopes)) > spectral_norm(W) * gamma * (1 + 1e-12):
            return False, f"n = {n}: the one-step Jacobian exceeds λ₁γ"
        if abs(spectral_norm(W.T) - spectral_norm(W)) > 1e-12 * spectral_norm(W):
            return False, "‖Wᵀ‖ ≠ ‖W‖"
    return True, f"‖Wᵀ diag(d)‖ ≤ λ₁ max|d_j| and ‖Wᵀ‖ = ‖W‖ on {draws} random matrices"


def _product_bound(draws: int = 200) -> tuple[bool, str]:
    # ‖J_t ⋯ J_{k+1}‖ ≤ ‖J_t‖ ⋯ ‖J_{k+1}‖
    rng = np.random.default_rng(2)
    for _ in range(draws):
        n, length = int(rng.integers(1, 5)), int(rng.integers(1, 8))
        factors = [rng.normal(size=(n, n)) for _ in range(length)]
        product = np.linalg.multi_dot(factors) if length > 1 else factors[0]
        if spectral_norm(product) > np.prod([spectral_norm(J) for J in factors]) * (1 + 1e-10):
            return False, "a product's norm exceeds the product of norms"
    return True, f"‖Π J_i‖ ≤ Π ‖J_i‖ on {draws} random chains"


def _induction_step(eta, P_n, n) -> tuple[bool, str]:
    # the inequality itself: η^{n+1} − η·P_n = η·(η^n − P_n), a positive η times the hypothesis's
    # non-negative gap, so η·P_n ≤ η^{n+1} for every n (not only the identity η·η^n = η^{n+1})
    gap = eta ** (n + 1) - eta * P_n
    factored = sp.simplify(gap - eta * (eta**n - P_n)) == 0
    return bool(factored and eta.is_positive), "η^{n+1} − η·P_n = η·(η^n − P_n) ≥ 0, as η > 0 and P_n ≤ η^n"


def jacobian_of_run(W, U, xs, h_start, activation: str):
    """∂h_t/∂h_0 of h_i = f(W h_{i−1} + U x_i), built step by step: J ← diag f'(a_i) W J."""
    f, slope, _ = ACTIVATIONS[activation]
    h, J = h_start, np.eye(len(h_start))
    for x in xs:
        a = W @ h + U @ x
        J = np.diag(slope(a)) @ W @ J
        h = f(a)
    return J


def _bound_on_runs(draws: int = 200) -> tuple[bool, str]:
    rng = np.random.default_rng(3)
    for _ in range(draws):
        activation = ("tanh", "sigmoid")[int(rng.integers(2))]
        gamma = ACTIVATIONS[activation][2]
        n, steps = int(rng.integers(1, 5)), int(rng.integers(1, 12))
        W = rng.normal(0, float(rng.uniform(0.2, 2)) / gamma / np.sqrt(n), (n, n))
        J = jacobian_of_run(W, rng.normal(size=(n, 2)), rng.normal(size=(steps, 2)), rng.normal(size=n), activation)
        bound = (spectral_norm(W) * gamma) ** steps
        if spectral_norm(J) > bound * (1 + 1e-9):
            return False, f"{activation}, n = {n}, t − k = {steps}: ‖J‖ = {spectral_norm(J):.4g} > {bound:.4g}"
    return True, f"holds on {draws} random tanh and sigmoid runs"


def _saturation_counterexample() -> tuple[bool, str]:
    # W = 2I has λ₁γ = 2 > 1 with tanh, yet large inputs saturate tanh and kill the gradient
    W, U = 2 * np.eye(2), 5 * np.eye(2)
    xs = np.full((10, 2), 3.0)
    norm = spectral_norm(jacobian_of_run(W, U, xs, np.zeros(2), "tanh"))
    return norm < 1e-6, f"W = 2I, tanh, inputs 3: λ₁γ = 2 but ‖∂h_10/∂h_0‖ = {norm:.2e}"


class norm(sp.Function):
    """The spectral norm, printed as ‖·‖."""

    def _latex(self, printer) -> str:
        return r"\left\| " + printer._print(self.args[0]) + r" \right\|"


def build() -> Walkthrough:
    lam, gam, s = sp.symbols("lambda_1 gamma s", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    eta = sp.Symbol("eta", positive=True)
    i, k, t = sp.symbols("i k t", integer=True, positive=True)
    h = sp.IndexedBase("h")
    J = sp.IndexedBase("J")
    # shown as written (not typed): noncommutative keeps the course's order W_hhᵀ diag f′(a_i)
    W = sp.Symbol(r"W_{hh}^{\top}", commutative=False)
    D = sp.Symbol(r"\operatorname{diag} f'(a_i)", commutative=False)
    P_n = sp.Symbol("P_n", positive=True)  # ‖∂h_{k+n}/∂h_k‖
    return Walkthrough(
        title=r"$\|\partial h_t/\partial h_k\| \le (\lambda_1\gamma)^{t-k}$: vanishing if "
              r"$\lambda_1\gamma < 1$, exploding needs $\lambda_1\gamma > 1$",
        assumptions=[r"$\lambda_1 = \|W_{hh}\|$ (its largest singular value), "
                     r"$\|\operatorname{diag} f'(a)\| \le \gamma$ for every $a$",
                     r"$\|\cdot\|$ is the spectral norm", r"$n = t - k \ge 1$"],
        where={eta: lam * gam},
        steps=[
            Given(sp.Eq(J[i], sp.Derivative(h[i], h[i - 1])), "the Jacobian of one step"),
            Given(sp.Eq(J[i], W * D), r"with $h_i = f(W_{hh} h_{i-1} + W_{xh} x_i + b)$, in the course's notation"),
            Step(sp.Le(norm(J[i]), lam * gam),
                 r"$\|AB\| \le \|A\|\,\|B\|$, $\|W_{hh}^\top\| = \lambda_1$ and "
                 r"$\|\operatorname{diag} f'\| = \max |f'| \le \gamma$",
                 check=predicate(_one_step_bound, "random matrices and slopes")),
            Step(sp.Le(norm(sp.Derivative(h[t], h[k])), sp.Product(norm(J[i]), (i, k + 1, t))),
                 r"chain rule: $\partial h_t/\partial h_k = J_t \cdots J_{k+1}$, and the norm is sub-multiplicative",
                 check=predicate(_product_bound, "random chains of matrices")),
            Given(sp.Le(P_n, eta ** n), r"induction hypothesis for $n = t - k$ (true for $n = 1$ by the "
                  r"one-step bound, with $\eta = \lambda_1\gamma$)"),
            Step(sp.Le(eta * P_n, eta ** (n + 1)),
                 r"induction step: $P_{n+1} \le \|J\| \, P_n \le \eta P_n \le \eta \cdot \eta^n = \eta^{n+1}$",
                 check=predicate(lambda: _induction_step(eta, P_n, n), "η > 0 times the hypothesis",
                                 method="symbolic"),
                 hint=r"Multiply the hypothesis by the one-step bound $\eta$.", practice=None),
            Step(sp.Le(norm(sp.Derivative(h[t], h[k])), (lam * gam) ** (t - k)),
                 "hence the bound for every $t > k$; checked on real RNN runs",
                 check=predicate(_bound_on_runs, "Jacobians of random tanh and sigmoid RNNs")),
            Step(sp.Eq(sp.Limit((1 / (1 + s)) ** n, n, sp.oo), 0),
                 r"if $\lambda_1\gamma < 1$, write $\lambda_1\gamma = 1/(1 + s)$ with $s > 0$: the bound "
                 "goes to 0 and the gradients vanish (a sufficient condition)"),
            Step(sp.Le((1 / (1 + s)) ** n, 1),
                 r"if $\lambda_1\gamma \le 1$ the bound stays at most 1, so nothing explodes: exploding "
                 r"needs $\lambda_1\gamma > 1$",
                 check=numeric({s: (0, 5), n: (1, 40)})),
            Step(sp.Lt(norm(sp.Derivative(h[10], h[0])), sp.Rational(1, 10**6)),
                 r"but $\lambda_1\gamma > 1$ is not sufficient: with $W = 2I$ ($\lambda_1\gamma = 2$) and "
                 "saturating inputs the gradient still vanishes",
                 check=predicate(_saturation_counterexample, "a saturated tanh RNN")),
        ])
