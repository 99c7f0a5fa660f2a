"""rnn derivations verify step by step, and their checks catch a wrong step."""

import pytest
import sympy as sp

from mpcheck.derive import Step, Walkthrough, run
from mpcheck.derive.verify import lines_of
from mpcheck_rnn import derive_bptt
from mpcheck_rnn.derivations import DERIVATIONS


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = run(derivation)
    assert report.verified, [(line.item.reason, line.outcome) for line in report.steps]
    assert all(line.outcome.method in ("symbolic", "instances", "numeric") for line in report.steps)


def test_both_syllabus_derivations_exist():
    assert {d.name for d in DERIVATIONS} == {"bptt-sum", "gradient-bound"}
    assert all(d.topic == "rnn" for d in DERIVATIONS)


@pytest.mark.parametrize("wrong, reason", [
    # the recursion without the factor w on the path through h_2
    (lambda m, d: sp.Eq(d(m.h3, m.w), (1 - m.h3 ** 2) * (m.h2 + d(m.h2, m.w))), "dropped w"),
    # the tanh derivative left out
    (lambda m, d: sp.Eq(d(m.h3, m.w), m.h2 + m.w * d(m.h2, m.w)), "no tanh derivative"),
    # only the last term of the BPTT sum
    (lambda m, d: sp.Eq(d(m.L, m.w), (m.h3 - m.y) * (1 - m.h3 ** 2) * m.h2), "last term only"),
])
def test_bptt_checks_reject_a_wrong_step(wrong, reason):
    walk = derive_bptt.build()
    bad = Step(wrong(derive_bptt, sp.Derivative), reason)
    lines = lines_of(Walkthrough(walk.title, [walk.steps[0], bad], where=walk.where))
    assert not lines[-1].outcome.verified


def test_sum_of_products_matches_the_course_formula_for_one_unit():
    """The scalar formula and the matrix formula agree on a 1-unit RNN with the loss at T only."""
    import numpy as np

    w, u, h0, xs, y = 0.7, 1.1, 0.3, [0.5, -0.4, 0.9], 0.2
    scalar = derive_bptt.sum_of_products(w, u, h0, xs, y)
    # W_hy = 1 and targets chosen so that only L_T is non-zero: y_t = h_t for t < T
    hs = derive_bptt.scalar_states(w, u, h0, xs)
    ys = np.array([[hs[1]], [hs[2]], [y]])
    matrix = derive_bptt.course_bptt(np.array([[w]]), np.array([[u]]), np.array([[1.0]]),
                                     np.array([[x] for x in xs]), np.array([h0]), ys)
    assert matrix[0, 0] == pytest.approx(scalar, rel=1e-12)
