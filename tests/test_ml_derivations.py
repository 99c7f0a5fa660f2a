"""ml derivations: registered, and every step verified (symbolically or on exact instances)."""

import pytest

from mpcheck.host import plugins
from mpcheck.derive import run
from mpcheck_ml import derive_adam, derive_cross_entropy

NAMES = ("cross-entropy-kl", "adam-bias-correction")


def derivation(name):
    return plugins.registry().derivations[name]


@pytest.mark.parametrize("name", NAMES)
def test_derivation_verifies(name):
    report = run(derivation(name))
    assert derivation(name).topic == "ml"
    assert report.verified, [s for s in report.to_json()["steps"] if not s["verified"]]
    assert all(step["method"] in ("symbolic", "instances", "numeric") for step in report.to_json()["steps"])


def test_a_wrong_bias_correction_is_caught():
    # the checks are not vacuous: with β^(t−1) the corrected mean is off
    b = derive_adam.BETAS[0]
    biased = derive_adam._expectation(3, b, lambda x: x) / (1 - b ** 2)
    assert biased != derive_adam._mean(lambda x: x)


def test_the_identity_fails_for_a_reversed_kl():
    import sympy as sp

    reversed_kl = sum(q * sp.log(q / p) for p, q in zip(derive_cross_entropy.p, derive_cross_entropy.q))
    gap = derive_cross_entropy.cross_entropy_expr() - derive_cross_entropy.entropy_expr() - reversed_kl
    assert sp.simplify(sp.expand_log(gap, force=True)) != 0
