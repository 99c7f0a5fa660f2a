"""KL(p ‖ q) ≥ 0 by Jensen's inequality, with equality exactly when p = q.

Stated for distributions on n outcomes (sums); the same lines hold for densities with integrals.
The algebra is proved by SymPy for every n; the lines that need p and q to be distributions
(Jensen's inequality, Σ q_i = 1) are checked on random pairs of distributions with 2 to 7 outcomes.
"""

from __future__ import annotations

import random

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate

n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
p = sp.IndexedBase("p", positive=True)
q = sp.IndexedBase("q", positive=True)
KL = sp.Symbol(r"D_{\mathrm{KL}}(p \| q)")
mu_q, mu_p = sp.symbols("mu_q mu_p", real=True)
sigma_q, sigma_p = sp.symbols("sigma_q sigma_p", positive=True)


def total(expr):
    """Σ_{i=1}^{n} expr."""
    return sp.Sum(expr, (i, 1, n))


def ratio(a, b):
    """a/b kept as written (SymPy would cancel p_i · q_i/p_i at once)."""
    return sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False)


def at_random_distributions(relation, per_size: int = 4):
    """A check of ``relation`` (an Eq, Le or Ge over the sums) on random pairs of distributions:
    the sums written out for n = 2..7 outcomes, then evaluated at ``per_size`` random pairs each."""
    def test():
        rng = random.Random(7)
        for k in range(2, 8):
            symbols = [p[j] for j in range(1, k + 1)] + [q[j] for j in range(1, k + 1)]
            sides = [sp.lambdify(symbols, side.subs(n, k).doit(), "math")
                     for side in (relation.lhs, relation.rhs)]
            for _ in range(per_size):
                pv, qv = _distribution(rng, k), _distribution(rng, k)
                left, right = (float(side(*pv, *qv)) for side in sides)
                holds = {sp.Eq: abs(left - right) <= 1e-12 * max(1.0, abs(left)),
                         sp.Le: left <= right + 1e-12, sp.Ge: left >= right - 1e-12}[type(relation)]
                if not holds:
                    return False, f"fails for p = {pv}, q = {qv}: {left:.10g} vs {right:.10g}"
        return True, f"holds on {6 * per_size} random pairs of distributions with 2 to 7 outcomes"
    return predicate(test, "random pairs of distributions")


def _distribution(rng: random.Random, k: int) -> list[float]:
    weights = [rng.uniform(0.05, 1.0) for _ in range(k)]
    return [w / sum(weights) for w in weights]


def build() -> Walkthrough:
    definition = total(p[i] * sp.log(p[i] / q[i]))
    flipped = total(p[i] * sp.log(q[i] / p[i]))
    expected_ratio = total(sp.Mul(p[i], ratio(q[i], p[i]), evaluate=False))
    jensen = sp.Le(flipped, sp.log(expected_ratio), evaluate=False)
    normalised = sp.Eq(sp.log(total(q[i])), 0)
    # KL between two Gaussians in closed form, as a continuous example of the bound
    gaussian_kl = sp.log(sigma_p / sigma_q) + (sigma_q**2 + (mu_q - mu_p) ** 2) / (2 * sigma_p**2) - sp.Rational(1, 2)
    return Walkthrough(
        title="KL divergence is never negative (Jensen's inequality)",
        assumptions=["$p$ and $q$ are distributions on $n$ outcomes with $p_i, q_i > 0$ (for densities, "
                     "replace the sums by integrals)",
                     "Jensen: for a concave $\\varphi$, $\\mathbb{E}[\\varphi(Y)] \\le \\varphi(\\mathbb{E}[Y])$, "
                     "with equality only when $Y$ is constant"],
        where={KL: definition},
        steps=[
            Given(sp.Eq(KL, definition), "definition: $D_{\\mathrm{KL}}(p \\,\\|\\, q) = "
                  "\\mathbb{E}_p\\left[\\log\\frac{p}{q}\\right]$"),
            Step(sp.Eq(-KL, flipped), "$-\\log\\frac{p_i}{q_i} = \\log\\frac{q_i}{p_i}$: the negative KL is "
                 "$\\mathbb{E}_p[\\log Y]$ with $Y = q/p$",
                 hint="Move the minus sign into the log."),
            Step(jensen, "Jensen: $\\log$ is concave, so $\\mathbb{E}_p[\\log Y] \\le \\log \\mathbb{E}_p[Y]$",
                 check=at_random_distributions(jensen)),
            Step(sp.Eq(sp.log(expected_ratio), sp.log(total(q[i]))), "$p_i \\cdot \\frac{q_i}{p_i} = q_i$: the "
                 "expectation under $p$ of $q/p$ is the total mass of $q$"),
            Step(normalised, "$q$ is a distribution: $\\sum_i q_i = 1$ and $\\log 1 = 0$",
                 check=at_random_distributions(normalised)),
            Step(sp.Ge(KL, 0, evaluate=False), "so $-D_{\\mathrm{KL}} \\le 0$, i.e. $D_{\\mathrm{KL}}(p \\,\\|\\, q) \\ge 0$",
                 check=at_random_distributions(sp.Ge(definition, 0, evaluate=False))),
            Step(sp.Eq(total(p[i] * sp.log(ratio(p[i], p[i]), evaluate=False)), 0),
                 "equality needs $Y = q/p$ constant (strict concavity); both sum to 1, so the constant is 1 "
                 "and $q = p$, where every log is $\\log 1 = 0$"),
            Step(sp.Ge(gaussian_kl, 0, evaluate=False), "the same bound for densities, e.g. two Gaussians: "
                 "$\\log\\frac{\\sigma_p}{\\sigma_q} + \\frac{\\sigma_q^2 + (\\mu_q - \\mu_p)^2}{2\\sigma_p^2} - \\frac{1}{2} \\ge 0$",
                 check=numeric({mu_q: (-2, 2), mu_p: (-2, 2), sigma_q: (0.2, 3), sigma_p: (0.2, 3)}, draws=12)),
        ])
