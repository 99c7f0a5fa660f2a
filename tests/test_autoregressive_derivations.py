"""The 1/sqrt(D) derivation verifies, every step by SymPy or exactly on instances, and its checks bite."""

from fractions import Fraction

from mpcheck.derive import run
from mpcheck_autoregressive import derive_scaling as derivation
from mpcheck_autoregressive.derivations import DERIVATIONS


def test_attention_scaling_verifies():
    (scaling,) = [d for d in DERIVATIONS if d.name == "attention-scaling"]
    report = run(scaling)
    steps = report.to_json()["steps"]
    assert report.verified and len(steps) >= 7
    assert all(step["verified"] and step["method"] in ("symbolic", "numeric") for step in steps)
    assert sum(step["method"] == "symbolic" for step in steps) >= 3


def test_the_instance_distributions_have_mean_zero_and_variance_one():
    for law in derivation.DISTRIBUTIONS.values():
        assert sum(law.values()) == 1
        assert derivation.expect([law], lambda x: x[0]) == 0
        assert derivation.variance([law], lambda x: x[0]) == 1


def test_variance_of_the_dot_product_is_d():
    for d, laws in derivation.instances():
        assert derivation.variance(laws, lambda x: derivation.dot(x, d)) == d


def test_the_instance_checks_reject_wrong_claims():
    # variances of dependent terms do not add: q_1 k_1 + q_1 k_1 has variance 4, not 2
    law = derivation.RADEMACHER
    assert derivation.variance([law, law], lambda x: 2 * x[0] * x[1]) == 4
    too_small = derivation._all(lambda d, laws: derivation.variance(laws, lambda x: derivation.dot(x, d)) == Fraction(1), "")
    assert too_small()[0] is False
