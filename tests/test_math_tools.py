"""The math topic's numeric generators: the kit over 500 seeds, each answer against an independent
oracle (mpmath's secant iteration, SymPy's geometry, exact determinants and sympy.stats), and
params at the edges of what validation accepts never crash."""

import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from problem_edges import assert_survives_or_refused
from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_math import determinant, plane, probability, secant

GENERATORS = [*secant.GENERATORS, *plane.GENERATORS, *determinant.GENERATORS, *probability.GENERATORS]
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    from mpcheck.host.plugins import registry

    ids = set(registry().generators)
    assert {"math.secant-iteration", "math.plane-equation", "math.determinant-lemma", "math.gaussian-sum",
            "math.bayes", "math.implicit-derivative", "math.chain-rule"} <= ids


def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


# --- oracles -------------------------------------------------------------------------------------

@SLOW
@given(seed=st.integers(0, 2**32))
def test_secant_matches_mpmath(seed):
    import mpmath
    from mpmath.calculus.optimization import Secant

    # mpmath's own secant iteration (SciPy's reorders the first two points by |f|, a variant)
    p = Problem.from_seed(secant.SECANT_ITERATION, seed).params
    f = lambda x: sum(c * x ** k for k, c in enumerate(reversed(p["coefficients"])))  # noqa: E731
    steps = iter(Secant(mpmath.mp, f, (mpmath.mpf(p["x0"]), mpmath.mpf(p["x1"]))))
    for _ in range(p["steps"]):
        expected, _ = next(steps)
    assert secant.SECANT_ITERATION.solve(p) == pytest.approx(float(expected), rel=1e-9, abs=1e-12)


@SLOW
@given(points=st.lists(st.lists(st.integers(-20, 20), min_size=3, max_size=3), min_size=3, max_size=3))
def test_plane_matches_sympy_geometry(points):
    import sympy as sp

    params = {"points": [[float(v) for v in row] for row in points]}
    try:
        plane.PLANE_EQUATION.validate_params(params)
    except ParamsError:
        assert sp.Point3D.are_collinear(*map(sp.Point3D, points))
        return
    x, y, z = sp.symbols("x y z")
    equation = sp.Plane(*map(sp.Point3D, points)).equation(x, y, z)   # a x + b y + c z + e = 0
    a, b, c = (equation.coeff(v) for v in (x, y, z))
    oracle = [float(a), float(b), float(c), float(-equation.subs({x: 0, y: 0, z: 0}))]
    verdict = problem(plane.PLANE_EQUATION, params).check(json.dumps(oracle))
    assert verdict.correct, (oracle, verdict.expected)


@SLOW
@given(seed=st.integers(0, 2**32))
def test_determinant_lemma_matches_the_determinant(seed):
    import sympy as sp

    p = Problem.from_seed(determinant.DETERMINANT_LEMMA, seed).params
    A, u, v = sp.Matrix(p["A"]), sp.Matrix(p["u"]), sp.Matrix(p["v"])
    direct = (A + u * v.T).det()
    assert Fraction(str(determinant.DETERMINANT_LEMMA.solve(p))) == Fraction(int(direct.p), int(direct.q))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_gaussian_sum_matches_sympy_stats_and_sampling(seed):
    """The mean against sympy.stats (exact, by linearity of its expectation); the variance against
    a million samples of a·X + b·Y + c, within six standard errors (sympy.stats integrates the
    variance over the plane: half a minute per problem)."""
    import numpy as np
    import sympy as sp
    from sympy.stats import E, Normal

    p = Problem.from_seed(probability.GAUSSIAN_SUM, seed).params
    rational = {k: sp.Rational(str(v)) for k, v in p.items()}
    X, Y = Normal("X", rational["mu1"], rational["sigma1"]), Normal("Y", rational["mu2"], rational["sigma2"])
    answer = probability.GAUSSIAN_SUM.solve(p)
    assert answer["mean"] == pytest.approx(float(E(rational["a"] * X + rational["b"] * Y + rational["c"])))

    rng, n = np.random.default_rng(seed), 1_000_000
    z = p["a"] * rng.normal(p["mu1"], p["sigma1"], n) + p["b"] * rng.normal(p["mu2"], p["sigma2"], n) + p["c"]
    sample_variance = z.var(ddof=1)
    # the standard error of a sample variance of Gaussian draws is σ²·√(2/(n−1))
    assert abs(answer["variance"] - sample_variance) <= 6 * sample_variance * (2 / (n - 1)) ** 0.5


@SLOW
@given(prior=st.fractions(Fraction(1, 1000), Fraction(999, 1000), max_denominator=1000),
       sensitivity=st.fractions(Fraction(1, 100), 1, max_denominator=100),
       false_alarm=st.fractions(0, 1, max_denominator=100), positive=st.booleans())
def test_bayes_matches_counting(prior, sensitivity, false_alarm, positive):
    # count a population: how many with the condition test this way, out of all who test this way
    people = 10**6
    sick = prior * people
    sick_with_result = sick * (sensitivity if positive else 1 - sensitivity)
    healthy_with_result = (people - sick) * (false_alarm if positive else 1 - false_alarm)
    params = {"prior": float(prior), "sensitivity": float(sensitivity), "false_positive_rate": float(false_alarm),
              "result": "positive" if positive else "negative"}
    try:
        probability.BAYES.validate_params(params)
    except ParamsError:
        assert sick_with_result == 0
        return
    expected = sick_with_result / (sick_with_result + healthy_with_result)
    assert probability.BAYES.solve(params) == pytest.approx(float(expected), rel=1e-9)


def test_textbook_bayes():
    # 1 % prevalence, 90 % sensitivity, 9 % false alarms: a positive means about 9 % (Gigerenzer's example)
    p = {"prior": 0.01, "sensitivity": 0.9, "false_positive_rate": 0.09, "result": "positive"}
    assert probability.BAYES.solve(p) == pytest.approx(0.0917, abs=5e-4)
    verdict = problem(probability.BAYES, p).check("0.9")
    assert verdict.mistake == "confused-the-conditionals"


def test_plane_accepts_any_multiple_and_names_the_sign_slip():
    p = {"points": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]}
    for text in ("[1, 1, 1, 1]", "[-2, -2, -2, -2]", "[0.5, 0.5, 0.5, 0.5]"):
        assert problem(plane.PLANE_EQUATION, p).check(text).correct
    assert problem(plane.PLANE_EQUATION, p).check("[1, 1, 1, -1]").mistake == "d-sign"
    assert not problem(plane.PLANE_EQUATION, p).check("[0, 0, 0, 0]").correct


# --- edges of validation ---------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([0.0, 1e-300, -1e-300, 1e300])


@pytest.mark.parametrize("generator, strategy", [
    (secant.SECANT_ITERATION, st.fixed_dictionaries({
        "coefficients": st.lists(finite, min_size=1, max_size=6), "x0": finite, "x1": finite,
        "steps": st.integers(0, 6)})),
    (plane.PLANE_EQUATION, st.fixed_dictionaries({"points": st.lists(st.lists(finite, min_size=3, max_size=3),
                                                                        min_size=3, max_size=3)})),
    (determinant.DETERMINANT_LEMMA, st.integers(1, 4).flatmap(lambda n: st.fixed_dictionaries({
        "A": st.lists(st.lists(st.integers(-200, 200), min_size=n, max_size=n), min_size=n, max_size=n),
        "u": st.lists(st.integers(-200, 200), min_size=n, max_size=n),
        "v": st.lists(st.integers(-200, 200), min_size=n, max_size=n)}))),
    (probability.GAUSSIAN_SUM, st.fixed_dictionaries({k: finite for k in probability.GAUSSIAN_KEYS})),
    (probability.BAYES, st.fixed_dictionaries({
        "prior": st.floats(0, 1), "sensitivity": st.floats(0, 1), "false_positive_rate": st.floats(0, 1),
        "result": st.sampled_from(["positive", "negative"])})),
], ids=lambda x: getattr(x, "id", ""))
def test_edge_params_never_crash(generator, strategy):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=strategy)
    def run(params):
        assert_survives_or_refused(generator, params)

    run()


def test_secant_names_a_mistake_however_far_it_runs():
    # multiplying by the slope instead of dividing squares f: two steps from x_0 = -3, x_1 = -2.5 on
    # x^3 + 3x + 5 land near -2.1e13, which is still the answer of that mistake and must be named
    params = {"coefficients": [1, 0, 3, 5], "x0": -3.0, "x1": -2.5, "steps": 2}
    f = lambda x: x**3 + 3 * x + 5  # noqa: E731
    x0, x1 = params["x0"], params["x1"]
    x2 = x1 - f(x1) * (f(x1) - f(x0)) / (x1 - x0)
    x3 = x2 - f(x2) * (f(x2) - f(x1)) / (x2 - x1)
    assert abs(x3) > 1e12
    verdict = problem(secant.SECANT_ITERATION, params).check(repr(x3))
    assert not verdict.correct and verdict.mistake == "multiplied-by-slope"
