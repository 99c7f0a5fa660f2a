"""The math concept-question bank: what it covers, and its answers against the topic's own
code and derivations (the contract every bank meets is ``tests/test_question_banks.py``)."""

import pytest

from mpcheck import derive
from mpcheck.questions import builtin_bank
from mpcheck_math import probability
from mpcheck_math.derivations import DERIVATIONS

BANK = builtin_bank("math")


def test_variance_question_agrees_with_the_generator():
    (question,) = [q for q in BANK if q.id == "math.q-variance-of-difference"]
    params = {"mu1": 1.0, "sigma1": 3.0, "mu2": 2.0, "sigma2": 4.0, "a": 1.0, "b": -1.0, "c": 0.0}
    assert question.solve({}) == probability.sum_variance(params)


def test_base_rate_question_agrees_with_the_generator():
    (question,) = [q for q in BANK if q.id == "math.q-base-rate"]
    p = {"prior": 0.001, "sensitivity": 0.99, "false_positive_rate": 0.01, "result": "positive"}
    assert question.solve({}) is (probability.posterior(p) > 0.5)


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = derive.run(derivation)
    assert report.verified, [line.outcome for line in report.lines if line.outcome and not line.outcome.verified]
