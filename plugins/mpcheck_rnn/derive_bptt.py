"""Backpropagation through time is a sum over steps of products of Jacobians.

Written out for a scalar RNN over T = 3 steps, where SymPy checks every line exactly; then the
general sum-of-products formula is checked for T up to 8 against central differences, and the
course's matrix form ∂h_t/∂h_k = Π W_hhᵀ diag f' on a vector RNN with a loss at every step.
"""

from __future__ import annotations

import math
import random

import numpy as np
import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

w, u, y = sp.symbols("w u y", real=True)
h0, x1, x2, x3 = sp.symbols("h_0 x_1 x_2 x_3", real=True)
h1, h2, h3 = sp.symbols("h_1 h_2 h_3", real=True)
L = sp.Symbol("L")


def scalar_states(weight: float, u_: float, h_start: float, xs: list[float]) -> list[float]:
    hs = [h_start]
    for x_t in xs:
        # h_t = tanh(w h_{t−1} + u x_t)
        hs.append(math.tanh(weight * hs[-1] + u_ * x_t))
    return hs


def scalar_loss(weight: float, u_: float, h_start: float, xs: list[float], target: float) -> float:
    return 0.5 * (scalar_states(weight, u_, h_start, xs)[-1] - target) ** 2


def sum_of_products(weight: float, u_: float, h_start: float, xs: list[float], target: float) -> float:
    """Σ_k ∂L/∂h_T · Π_{i=k+1..T} w(1 − h_i²) · (1 − h_k²) h_{k−1}."""
    hs = scalar_states(weight, u_, h_start, xs)
    T = len(xs)
    upstream = hs[T] - target
    return sum(upstream * math.prod(weight * (1 - hs[i] ** 2) for i in range(k + 1, T + 1))
               * (1 - hs[k] ** 2) * hs[k - 1] for k in range(1, T + 1))


def _scalar_formula_matches_differences(draws: int = 40, step: float = 1e-6) -> tuple[bool, str]:
    rng = random.Random(3)
    for _ in range(draws):
        T = rng.randint(1, 8)
        args = [rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5), rng.uniform(-1, 1),
                [rng.uniform(-1, 1) for _ in range(T)], rng.uniform(-1, 1)]
        up, down = scalar_loss(args[0] + step, *args[1:]), scalar_loss(args[0] - step, *args[1:])
        numeric = (up - down) / (2 * step)
        formula = sum_of_products(*args)
        if abs(numeric - formula) > 1e-7 * max(1.0, abs(formula)):
            return False, f"T = {T}: central difference {numeric:.10f} vs formula {formula:.10f}"
    return True, f"matches central differences for {draws} random RNNs with T = 1..8"


def _vector_forward(W_hh, W_xh, W_hy, xs, h_start):
    hs = [h_start]
    for x_t in xs:
        # h_t = tanh(W_hh h_{t−1} + W_xh x_t)
        hs.append(np.tanh(W_hh @ hs[-1] + W_xh @ x_t))
    return hs


def _vector_loss(W_hh, W_xh, W_hy, xs, h_start, ys):
    # L = Σ_t L_t,  L_t = ½‖W_hy h_t − y_t‖²
    hs = _vector_forward(W_hh, W_xh, W_hy, xs, h_start)
    return sum(0.5 * np.sum((W_hy @ hs[t] - ys[t - 1]) ** 2) for t in range(1, len(hs)))


def course_bptt(W_hh, W_xh, W_hy, xs, h_start, ys):
    """∂L/∂W_hh = Σ_t Σ_{k≤t} ∂L_t/∂ŷ_t · ∂ŷ_t/∂h_t · ∂h_t/∂h_k · ∂⁺h_k/∂W_hh, term by term."""
    hs = _vector_forward(W_hh, W_xh, W_hy, xs, h_start)
    H = len(h_start)
    grad = np.zeros_like(W_hh)
    for t in range(1, len(hs)):
        # ∂L_t/∂h_t as a row vector: (ŷ_t − y_t)ᵀ W_hy
        d_h_t = (W_hy @ hs[t] - ys[t - 1]) @ W_hy
        jacobian = np.eye(H)  # ∂h_t/∂h_k, built from k = t downwards
        for k in range(t, 0, -1):
            # ∂⁺h_k/∂(W_hh)_ab = (1 − h_k²)_a h_{k−1,b}: the row d_h_t·J picks out unit a
            d_h_k = d_h_t @ jacobian
            grad += np.outer(d_h_k * (1 - hs[k] ** 2), hs[k - 1])
            # ∂h_k/∂h_{k−1} = diag f'(a_k) W_hh  (the course writes its transpose, W_hhᵀ diag f')
            jacobian = jacobian @ (np.diag(1 - hs[k] ** 2) @ W_hh)
    return grad


def _vector_formula_matches_differences(draws: int = 6, step: float = 1e-6) -> tuple[bool, str]:
    rng = np.random.default_rng(5)
    for _ in range(draws):
        H, X, Y = (int(v) for v in rng.integers(1, 5, size=3))
        T = int(rng.integers(1, 6))
        W_hh, W_xh, W_hy = rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.6, (H, X)), rng.normal(0, 0.6, (Y, H))
        xs, ys, h_start = rng.normal(size=(T, X)), rng.normal(size=(T, Y)), rng.normal(0, 0.5, H)
        formula = course_bptt(W_hh, W_xh, W_hy, xs, h_start, ys)
        for a in range(H):
            for b in range(H):
                bump = np.zeros_like(W_hh)
                bump[a, b] = step
                numeric = (_vector_loss(W_hh + bump, W_xh, W_hy, xs, h_start, ys)
                           - _vector_loss(W_hh - bump, W_xh, W_hy, xs, h_start, ys)) / (2 * step)
                if abs(numeric - formula[a, b]) > 1e-6 * max(1.0, abs(numeric)):
                    return False, f"H={H}, T={T}: entry ({a}, {b}) {numeric:.8f} vs {formula[a, b]:.8f}"
    return True, f"every entry of ∂L/∂W_hh matches central differences on {draws} random vector RNNs"


def build() -> Walkthrough:
    d = sp.Derivative
    t, k, i, T = sp.symbols("t k i T", integer=True, positive=True)
    h = sp.IndexedBase("h")
    Lt = sp.IndexedBase("L")
    W = sp.Symbol("W_hh")
    scalar_general = sp.Eq(d(L, w), sp.Sum(d(L, h[T]) * sp.Product(w * (1 - h[i] ** 2), (i, k + 1, T))
                                            * (1 - h[k] ** 2) * h[k - 1], (k, 1, T)))
    course_form = sp.Eq(d(L, W), sp.Sum(sp.Sum(d(Lt[t], h[t]) * sp.Product(d(h[i], h[i - 1]), (i, k + 1, t))
                                               * d(h[k], W), (k, 1, t)), (t, 1, T)))
    where = {h1: sp.tanh(w * h0 + u * x1), h2: sp.tanh(w * h1 + u * x2), h3: sp.tanh(w * h2 + u * x3),
             L: (h3 - y) ** 2 / 2}
    return Walkthrough(
        title=r"BPTT: $\partial L/\partial w = \sum_k \frac{\partial L}{\partial h_T} "
              r"\frac{\partial h_T}{\partial h_k} \frac{\partial^+ h_k}{\partial w}$, a sum of products of Jacobians",
        assumptions=[r"a scalar RNN $h_t = \tanh(w h_{t-1} + u x_t)$ over $T = 3$ steps, $h_0$ fixed",
                     r"the loss is on the last state, $L = \frac{1}{2}(h_3 - y)^2$",
                     r"$\partial^+$ is the immediate derivative: $h_{t-1}$ held fixed"],
        where=where,
        steps=[
            Given(sp.Eq(h3, sp.tanh(w * h2 + u * x3)), "the same $w$ at every step ($h_2$ and $h_1$ likewise)"),
            Given(sp.Eq(L, (h3 - y) ** 2 / 2), "the loss"),
            Step(sp.Eq(d(L, w), (h3 - y) * d(h3, w)), r"chain rule through the loss",
                 hint=r"Differentiate $\frac{1}{2}(h_3 - y)^2$ with $h_3$ a function of $w$."),
            Step(sp.Eq(d(h3, w), (1 - h3 ** 2) * (h2 + w * d(h2, w))),
                 r"$w$ enters $h_3$ directly and through $h_2$; $\tanh' = 1 - \tanh^2$",
                 hint=r"Differentiate $\tanh(w h_2 + u x_3)$, with the product rule on $w h_2$."),
            Step(sp.Eq(d(h2, w), (1 - h2 ** 2) * (h1 + w * d(h1, w))), "the same recursion one step back"),
            Step(sp.Eq(d(h1, w), (1 - h1 ** 2) * h0), r"$h_0$ does not depend on $w$: only the immediate term"),
            Step(sp.Eq(d(L, w), (h3 - y) * ((1 - h3 ** 2) * h2
                                            + w * (1 - h3 ** 2) * (1 - h2 ** 2) * h1
                                            + w * (1 - h3 ** 2) * w * (1 - h2 ** 2) * (1 - h1 ** 2) * h0)),
                 r"unroll: one term per step $k$, the product of one-step Jacobians from $h_3$ back to "
                 r"$h_k$ times $\partial^+ h_k/\partial w$",
                 hint="Substitute the recursion into itself and expand."),
            Step(scalar_general, "the same for any $T$: a sum over $k$ of products of Jacobians",
                 check=predicate(_scalar_formula_matches_differences, "central differences, T = 1..8")),
            Step(course_form, r"a vector RNN with a loss at every step: $\partial h_t/\partial h_k = "
                 r"\prod_{i=k+1}^{t} W_{hh}^\top \operatorname{diag} f'(a_i)$",
                 check=predicate(_vector_formula_matches_differences, "central differences, vector RNNs")),
        ])
