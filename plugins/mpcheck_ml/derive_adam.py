"""Adam's bias correction: for stationary gradients E[m_t] = (1 − β1^t) E[g], so m̂_t = m_t/(1 − β1^t)
is unbiased (and likewise v̂_t for E[g²]).

The unrolled sum is checked symbolically for t = 1..8; the expectations exactly, by enumerating
every sequence of gradients drawn from a small discrete distribution (rational arithmetic).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

beta = sp.Symbol("beta_1", positive=True)
G, G2 = sp.Symbol("G", real=True), sp.Symbol("G_2", positive=True)
t = sp.Symbol("t", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
m, g, v = sp.Function("m"), sp.Function("g"), sp.Function("v")


class E(sp.Function):
    """The expectation, printed as 𝔼[·]."""

    def _latex(self, printer) -> str:
        return r"\mathbb{E}\left[" + printer._print(self.args[0]) + r"\right]"

# a gradient distribution to take exact expectations over: values with their probabilities
GRADIENTS = ((Fraction(-1), Fraction(1, 4)), (Fraction(2), Fraction(1, 2)), (Fraction(5), Fraction(1, 4)))
BETAS = (Fraction(9, 10), Fraction(1, 2), Fraction(999, 1000))
MAX_T = 8


def unrolled(b, gs):
    # m_t = (1 − β) Σ_{i=1}^t β^{t−i} g_i
    steps = len(gs)
    return (1 - b) * sum(b ** (steps - k) * gs[k - 1] for k in range(1, steps + 1))


def recursive(b, gs):
    # m_t = β m_{t−1} + (1 − β) g_t from m_0 = 0
    state = 0
    for gk in gs:
        state = b * state + (1 - b) * gk
    return state


def _unrolling_matches() -> tuple[bool, str]:
    b = sp.Symbol("b")
    for steps in range(1, MAX_T + 1):
        gs = sp.symbols(f"g_1:{steps + 1}")
        if sp.expand(recursive(b, gs) - unrolled(b, gs)) != 0:
            return False, f"t = {steps}: the recursion and the sum differ"
    return True, f"recursion = closed form for t = 1..{MAX_T}, symbolic β and g_i"


def _expectation(t_steps: int, b: Fraction, f) -> Fraction:
    """E[m_t] exactly over all i.i.d. gradient sequences, for the moment of f(g)."""
    total = Fraction(0)
    for sequence in itertools.product(GRADIENTS, repeat=t_steps):
        probability = 1
        for _, prob in sequence:
            probability *= prob
        total += probability * recursive(b, [f(value) for value, _ in sequence])
    return total


def _mean(f) -> Fraction:
    return sum(prob * f(value) for value, prob in GRADIENTS)


def _expectation_is_biased(f=lambda x: x) -> tuple[bool, str]:
    # E[m_t] = (1 − β^t) E[f(g)] for t = 1..4 and several β, exactly
    for b in BETAS:
        for steps in range(1, 5):
            if _expectation(steps, b, f) != (1 - b ** steps) * _mean(f):
                return False, f"β = {b}, t = {steps}: E[m_t] = {_expectation(steps, b, f)}"
    return True, "exact expectations, gradients ∈ {−1, 2, 5} i.i.d., β ∈ {0.9, 0.5, 0.999}, t = 1..4"


def _corrected_is_unbiased(f=lambda x: x) -> tuple[bool, str]:
    for b in BETAS:
        for steps in range(1, 5):
            if _expectation(steps, b, f) / (1 - b ** steps) != _mean(f):
                return False, f"β = {b}, t = {steps}"
    return True, "E[m_t/(1 − β^t)] = E[g] exactly on the same instances"


def _geometric_series() -> tuple[bool, str]:
    # Σ_{i=1}^t β^{t−i} = (1 − β^t)/(1 − β) for t = 1..20, symbolic β
    b = sp.Symbol("b")
    for steps in range(1, 21):
        if sp.cancel(sum(b ** (steps - k) for k in range(1, steps + 1)) - (1 - b**steps) / (1 - b)) != 0:
            return False, f"t = {steps}"
    return True, "t = 1..20, symbolic β ≠ 1"


def build() -> Walkthrough:
    total = sp.Sum(beta ** (t - i) * g(i), (i, 1, t))
    return Walkthrough(
        title=r"Adam's bias correction: $\mathbb{E}[m_t] = (1 - \beta_1^t)\,\mathbb{E}[g]$, so "
              r"$\hat{m}_t = m_t/(1 - \beta_1^t)$ is unbiased",
        assumptions=["$m_0 = 0$ (Adam's initialisation)", r"$0 \le \beta_1 < 1$",
                     r"stationary gradients: $\mathbb{E}[g_i] = G$ at every step $i$"],
        steps=[
            Given(sp.Eq(m(t), beta * m(t - 1) + (1 - beta) * g(t)), "the first-moment update, from $m_0 = 0$"),
            Step(sp.Eq(m(t), (1 - beta) * total),
                 r"unroll: $g_i$ has been multiplied by $\beta_1$ once for each of the $t - i$ later steps",
                 check=predicate(_unrolling_matches, "recursion vs sum, t = 1..8", method="instances", count=MAX_T),
                 practice=None),
            Step(sp.Eq(E(m(t)), (1 - beta) * sp.Sum(beta ** (t - i) * G, (i, 1, t))),
                 r"linearity of expectation, with $\mathbb{E}[g_i] = G$",
                 check=predicate(_expectation_is_biased, "exact expectations"), practice=None),
            Step(sp.Mul(1 - beta, G, (1 - beta**t) / (1 - beta), evaluate=False),
                 r"geometric series: $\sum_{i=1}^{t} \beta_1^{t-i} = (1 - \beta_1^t)/(1 - \beta_1)$",
                 check=predicate(_geometric_series, "geometric sum, t = 1..20", method="instances", count=20),
                 practice=None),
            Step((1 - beta**t) * G, r"cancel the common factor: the raw average is shrunk towards its zero start",
                 hint=r"$(1 - \beta_1)$ appears in the numerator and in the denominator."),
            Step(sp.Eq(E(m(t) / (1 - beta**t)), G),
                 r"divide by the known factor $(1 - \beta_1^t)$: $\hat{m}_t$ is unbiased",
                 check=predicate(_corrected_is_unbiased, "exact expectations"), practice=None),
            Step(sp.Eq(E(v(t) / (1 - sp.Symbol("beta_2", positive=True) ** t)), G2),
                 r"the same argument for $v_t$, with $g_t^2$ and $\beta_2$, gives "
                 r"$\hat{v}_t = v_t/(1 - \beta_2^t)$, unbiased for $G_2 = \mathbb{E}[g^2]$",
                 check=predicate(lambda: _corrected_is_unbiased(lambda x: x * x), "exact expectations of g²"),
                 practice=None),
        ])
