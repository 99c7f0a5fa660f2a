"""The softmax Jacobian and the gradient of softmax + cross-entropy.

Written for K = 3 logits so that SymPy can check every line exactly; the general index form
is then checked on all nine Jacobian entries and, numerically, for K = 5 against central
differences.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

K = 3
x = sp.symbols("x_1:4", real=True)
y = sp.symbols("y_1:4", nonnegative=True)
yhat = sp.symbols("yhat_1:4", positive=True)
L = sp.Symbol("L")
i, j, k = sp.symbols("i j k", integer=True, positive=True)
total = sum(sp.exp(v) for v in x)


# ŷ_i = e^{x_i} / Σ_k e^{x_k}
def softmax_expr(index: int):
    return sp.exp(x[index]) / total


# L = −Σ_k y_k log ŷ_k
def cross_entropy_expr():
    return -sum(y[n] * sp.log(softmax_expr(n)) for n in range(K))


def _jacobian_entries_match() -> tuple[bool, str]:
    # ∂ŷ_a/∂x_b = ŷ_a (δ_ab − ŷ_b) for every pair (a, b) with K = 3
    for a in range(K):
        for b in range(K):
            lhs = sp.diff(softmax_expr(a), x[b])
            rhs = softmax_expr(a) * (int(a == b) - softmax_expr(b))
            if sp.simplify(lhs - rhs) != 0:
                return False, f"entry ({a + 1}, {b + 1}) differs"
    return True, "all 9 entries of the K = 3 Jacobian agree symbolically"


def _softmax_numbers(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    return [e / sum(exps) for e in exps]


def _jacobian_by_differences(sizes=(5,), draws: int = 5, h: float = 1e-5) -> tuple[bool, str]:
    # central differences (f(x + h e_b) − f(x − h e_b)) / 2h against ŷ_a (δ_ab − ŷ_b)
    rng = random.Random(7)
    for size in sizes:
        for _ in range(draws):
            logits = [rng.uniform(-3, 3) for _ in range(size)]
            p = _softmax_numbers(logits)
            for b in range(size):
                up, down = list(logits), list(logits)
                up[b] += h
                down[b] -= h
                p_up, p_down = _softmax_numbers(up), _softmax_numbers(down)
                for a in range(size):
                    numeric = (p_up[a] - p_down[a]) / (2 * h)
                    formula = p[a] * ((a == b) - p[b])
                    if abs(numeric - formula) > 1e-7:
                        return False, f"K={size}: entry ({a + 1}, {b + 1}) {numeric:.8f} vs {formula:.8f}"
    return True, f"K = {sizes[0]}: matches central differences at {draws} random logit vectors"


def _gradient_entries_match() -> tuple[bool, str]:
    # with a one-hot target (y_3 = 1 − y_1 − y_2), ∂L/∂x_a = ŷ_a − y_a for every a
    one_hot = {y[2]: 1 - y[0] - y[1]}
    loss = cross_entropy_expr().xreplace(one_hot)
    for a in range(K):
        difference = sp.diff(loss, x[a]) - (softmax_expr(a) - y[a].xreplace(one_hot))
        if sp.simplify(difference) != 0:
            return False, f"component {a + 1} differs"
    return True, "all 3 components agree symbolically (K = 3, Σ y_k = 1)"


def _gradient_by_differences(size: int = 5, draws: int = 5, h: float = 1e-5) -> tuple[bool, str]:
    rng = random.Random(11)
    for _ in range(draws):
        logits = [rng.uniform(-3, 3) for _ in range(size)]
        target = rng.randrange(size)

        def loss(values):
            return -math.log(_softmax_numbers(values)[target])

        p = _softmax_numbers(logits)
        for a in range(size):
            up, down = list(logits), list(logits)
            up[a] += h
            down[a] -= h
            numeric = (loss(up) - loss(down)) / (2 * h)
            if abs(numeric - (p[a] - (a == target))) > 1e-7:
                return False, f"component {a + 1}: {numeric:.8f} vs {p[a] - (a == target):.8f}"
    return True, f"K = {size}: matches central differences at {draws} random logits and targets"


def build() -> Walkthrough:
    x1, x2, x3 = x
    y1, y2, y3 = y
    yh1, yh2, yh3 = yhat
    S = sp.Symbol("S", positive=True)
    where = {yh: softmax_expr(n) for n, yh in enumerate(yhat)}
    where[S] = total
    where[L] = cross_entropy_expr()
    d = sp.Derivative
    general_jacobian = sp.Eq(d(sp.Indexed("yhat", i), sp.Indexed("x", j)),
                             sp.Indexed("yhat", i) * (sp.KroneckerDelta(i, j) - sp.Indexed("yhat", j)))
    general_gradient = sp.Eq(d(L, sp.Indexed("x", i)), sp.Indexed("yhat", i) - sp.Indexed("y", i))
    one_hot = {y3: 1 - y1 - y2}
    return Walkthrough(
        title=r"Softmax gradient: $\partial \hat{y}_i/\partial x_j = \hat{y}_i(\delta_{ij} - \hat{y}_j)$, "
              r"and $\partial L/\partial x_i = \hat{y}_i - y_i$ for cross-entropy",
        assumptions=["$K = 3$ logits $x_1, x_2, x_3$ (every line is the same with $K$ terms)",
                     r"$y$ is one-hot: $y_k \ge 0$ and $y_1 + y_2 + y_3 = 1$"],
        where={**where, **one_hot},
        steps=[
            Given(sp.Eq(yh1, sp.exp(x1) / S),
                  "softmax, with $S = e^{x_1} + e^{x_2} + e^{x_3}$"),
            Step(sp.Eq(d(yh1, x1), (sp.exp(x1) * S - sp.exp(x1) * sp.exp(x1)) / S**2),
                 r"quotient rule, with $\partial S/\partial x_1 = e^{x_1}$ (the diagonal case $i = j$)",
                 hint=r"$(u/v)' = (u'v - uv')/v^2$ with $u = e^{x_1}$ and $v = S$."),
            Step(sp.Eq(d(yh1, x1), yh1 * (1 - yh1)),
                 "split the fraction into two factors over $S$ and recognise the softmax output in each"),
            Step(sp.Eq(d(yh1, x2), -sp.exp(x1) * sp.exp(x2) / S**2),
                 r"off-diagonal, $i \ne j$: only the denominator depends on $x_2$",
                 hint=r"The numerator $e^{x_1}$ is constant in $x_2$, and $\partial (1/S)/\partial x_2 = -e^{x_2}/S^2$."),
            Step(sp.Eq(d(yh1, x2), -yh1 * yh2), "write the product as two softmax outputs"),
            Step(general_jacobian, r"both cases in one formula with the Kronecker delta $\delta_{ij}$",
                 check=predicate(_jacobian_entries_match, "every Jacobian entry, K = 3", method="instances", count=1)),
            Step(general_jacobian, "the same formula checked for $K = 5$ without symbols",
                 check=predicate(_jacobian_by_differences, "central differences, K = 5")),
            Given(sp.Eq(L, -(y1 * sp.log(yh1) + y2 * sp.log(yh2) + y3 * sp.log(yh3))),
                  "cross-entropy with the one-hot target $y$"),
            Step(sp.Eq(d(L, x1), -(y1 / yh1 * d(yh1, x1) + y2 / yh2 * d(yh2, x1) + y3 / yh3 * d(yh3, x1))),
                 r"chain rule through each $\log \hat{y}_k$"),
            Step(-(y1 * (1 - yh1) - y2 * yh1 - y3 * yh1), "insert the Jacobian entries found above",
                 hint=r"The $\hat{y}_k$ in front cancels; the Kronecker delta keeps $y_1$ only."),
            Step(-y1 + yh1 * (y1 + y2 + y3), r"collect the terms in $\hat{y}_1$"),
            Step(yh1 - y1, "the target is one-hot, so its entries sum to 1"),
            Step(general_gradient, "the same for every logit: the gradient is prediction minus target",
                 check=predicate(_gradient_entries_match, "every component, K = 3", method="instances", count=1)),
            Step(general_gradient, "checked for $K = 5$ without symbols",
                 check=predicate(_gradient_by_differences, "central differences, K = 5")),
        ])
