"""Why attention divides the scores by √D: a dot product of D independent unit-variance entries has
variance D, so s/√D has variance 1 whatever the dimension.

The probabilistic lines (independence factorises expectations, variances of independent terms
add) are theorems about every distribution; here they are checked on instances, exactly: by
enumerating every outcome of q and k with entries from three zero-mean, unit-variance
distributions (a symmetric two-point, a symmetric three-point and a skewed two-point one) for
D = 1, 2, 3, and for Gaussian entries with sympy.stats. The algebra after them is proved by SymPy.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate, symbolic

D = sp.Symbol("D", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
s = sp.Symbol("s", real=True)
q, k = sp.IndexedBase("q"), sp.IndexedBase("k")
E, Var = sp.Function("E"), sp.Function("Var")

# zero mean, unit variance: value -> probability
RADEMACHER = {Fraction(-1): Fraction(1, 2), Fraction(1): Fraction(1, 2)}
THREE_POINT = {Fraction(-2): Fraction(1, 8), Fraction(0): Fraction(3, 4), Fraction(2): Fraction(1, 8)}
SKEWED = {Fraction(-1, 2): Fraction(4, 5), Fraction(2): Fraction(1, 5)}
DISTRIBUTIONS = {"two-point": RADEMACHER, "three-point": THREE_POINT, "skewed": SKEWED}
DIMENSIONS = (1, 2, 3)


def outcomes(laws: list[dict]):
    """Every joint outcome of independent variables with the given laws: (values, probability)."""
    for values in itertools.product(*(law.items() for law in laws)):
        probability = Fraction(1)
        for _, p in values:
            probability *= p
        yield [v for v, _ in values], probability


def expect(laws: list[dict], f) -> Fraction:
    # E[f(X)] = Σ_x p(x) f(x), exact over the finite joint support
    return sum((p * f(x) for x, p in outcomes(laws)), Fraction(0))


def variance(laws: list[dict], f) -> Fraction:
    # Var[Y] = E[Y²] − E[Y]²
    return expect(laws, lambda x: f(x) ** 2) - expect(laws, f) ** 2


def dot(x: list[Fraction], d: int) -> Fraction:
    """s = Σ_i q_i k_i, with the outcome laid out as (q_1, …, q_D, k_1, …, k_D)."""
    return sum((x[j] * x[d + j] for j in range(d)), Fraction(0))


def instances():
    """(D, laws of q_1..q_D, k_1..k_D): every pair of distributions for q and k, every D."""
    for d in DIMENSIONS:
        for law_q, law_k in itertools.product(DISTRIBUTIONS.values(), repeat=2):
            yield d, [law_q] * d + [law_k] * d


def _all(claim, what: str):
    def test():
        count = 0
        for d, laws in instances():
            if not claim(d, laws):
                return False, f"fails for D = {d}"
            count += 1
        return True, (f"{what}: exact on {count} instances (D = 1, 2, 3; entries from the "
                      f"{', '.join(DISTRIBUTIONS)} laws)")
    return test


def _mean_factorises(d: int, laws: list[dict]) -> bool:
    # E[s] = Σ_i E[q_i] E[k_i]
    means = [expect([law], lambda x: x[0]) for law in laws]
    return expect(laws, lambda x: dot(x, d)) == sum(means[j] * means[d + j] for j in range(d))


def _variances_add(d: int, laws: list[dict]) -> bool:
    # Var[s] = Σ_i Var[q_i k_i]
    terms = sum(variance([laws[j], laws[d + j]], lambda x: x[0] * x[1]) for j in range(d))
    return variance(laws, lambda x: dot(x, d)) == terms


def _product_variance(d: int, laws: list[dict]) -> bool:
    # Var[q_i k_i] = E[q_i²] E[k_i²] − E[q_i]² E[k_i]²
    pair = [laws[0], laws[d]]
    moments = [expect([law], lambda x: x[0]) for law in pair], [expect([law], lambda x: x[0] ** 2) for law in pair]
    (m_q, m_k), (s_q, s_k) = moments
    return variance(pair, lambda x: x[0] * x[1]) == s_q * s_k - (m_q * m_k) ** 2


def _scaling(d: int, laws: list[dict]) -> bool:
    # Var[s/√D] = Var[s]/D: the law of s/√D, value by value, with √D exact (SymPy numbers)
    law: dict[Fraction, Fraction] = {}
    for x, p in outcomes(laws):
        value = dot(x, d)
        law[value] = law.get(value, Fraction(0)) + p
    scaled = [(sp.Rational(v) / sp.sqrt(d), sp.Rational(p)) for v, p in law.items()]
    mean = sum(p * v for v, p in scaled)
    second = sum(p * v**2 for v, p in scaled)
    return sp.expand(second - mean**2 - sp.Rational(variance(laws, lambda x: dot(x, d))) / d) == 0


def _gaussian_product() -> tuple[bool, str]:
    # the same two moments for standard Gaussian entries, by sympy.stats integration
    from sympy.stats import Normal
    from sympy.stats import E as expectation
    from sympy.stats import variance as var

    x, y = Normal("x", 0, 1), Normal("y", 0, 1)
    ok = expectation(x * y) == 0 and var(x * y) == 1
    return ok, "Gaussian entries: sympy.stats integrates E[q_i k_i] = 0 and Var[q_i k_i] = 1"


def _product_variance_and_gaussian():
    ok, detail = _all(_product_variance, "Var[q_i k_i] enumerated")()
    gaussian, gaussian_detail = _gaussian_product()
    return ok and gaussian, f"{detail}; {gaussian_detail}"


def build() -> Walkthrough:
    terms = sp.Sum(q[i] * k[i], (i, 1, D))
    moments = {E(q[i]): 0, E(k[i]): 0, E(q[i] ** 2): 1, E(k[i] ** 2): 1}
    return Walkthrough(
        title="Why attention divides the scores by $\\sqrt{D}$",
        assumptions=["$q, k \\in \\mathbb{R}^D$ with independent entries of mean $0$ and variance $1$ "
                     "(so $E[q_i^2] = E[k_i^2] = 1$)",
                     "probabilistic steps checked exactly on instances; algebra proved by SymPy"],
        where={**moments, Var(s): D},
        steps=[
            Given(sp.Eq(s, terms), "the score of one query against one key is their dot product"),
            Step(sp.Eq(E(s), sp.Sum(E(q[i]) * E(k[i]), (i, 1, D))),
                 "linearity of expectation, then independence: $E[q_i k_i] = E[q_i]\\,E[k_i]$",
                 check=predicate(_all(_mean_factorises, "E[s] enumerated"), "exact enumeration")),
            Step(sp.Integer(0), "every entry has mean $0$", check=symbolic()),
            Step(sp.Eq(Var(s), sp.Sum(Var(q[i] * k[i]), (i, 1, D))),
                 "the $D$ products involve disjoint, independent entries: their variances add",
                 check=predicate(_all(_variances_add, "Var[s] enumerated"), "exact enumeration")),
            Step(sp.Sum(E(q[i] ** 2) * E(k[i] ** 2) - E(q[i]) ** 2 * E(k[i]) ** 2, (i, 1, D)),
                 "$\\mathrm{Var}[X] = E[X^2] - E[X]^2$ with $X = q_i k_i$; independence factorises both "
                 "expectations",
                 check=predicate(_product_variance_and_gaussian, "exact enumeration and sympy.stats")),
            Step(D, "$E[q_i^2] = E[k_i^2] = 1$ and $E[q_i] = E[k_i] = 0$: each of the $D$ terms is $1$",
                 check=symbolic()),
            Step(sp.Eq(sp.sqrt(Var(s)), sp.sqrt(D)),
                 "unscaled, the scores spread like $\\sqrt{D}$ (8 for $D = 64$): the softmax saturates on "
                 "the largest score and its gradient $a_j(\\delta_{jl} - a_l)$ vanishes", check=symbolic()),
            Step(sp.Eq(Var(s / sp.sqrt(D)), Var(s) / D), "scaling a variable by $c$ scales its variance by "
                 "$c^2$, here $c = 1/\\sqrt{D}$",
                 check=predicate(_all(_scaling, "Var[s/sqrt(D)] enumerated with exact square roots"),
                                 "exact enumeration")),
            Step(sp.Integer(1), "with $\\mathrm{Var}[s] = D$: the scaled scores have unit variance for every "
                 "$D$, which is why attention uses $\\mathrm{softmax}(QK^\\top / \\sqrt{D})$", check=symbolic()),
        ])
