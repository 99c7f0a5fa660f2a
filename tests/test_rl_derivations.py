"""The rl derivations verify, say how each step was checked, and their checks bite."""

import pytest

from mpcheck.derive import run
from mpcheck_rl import derive_contraction, derive_policy_gradient
from mpcheck_rl.derivations import DERIVATIONS


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = run(derivation)
    steps = report.to_json()["steps"]
    assert report.verified and len(steps) >= 5
    assert all(step["verified"] and step["method"] in ("symbolic", "numeric") for step in steps)
    assert not any("__" in step["latex"] for step in steps)


def test_policy_gradient_has_symbolic_steps_and_the_trajectory_step_on_instances():
    methods = [s["method"] for s in run(DERIVATIONS[0]).to_json()["steps"]]
    assert methods.count("symbolic") >= 4 and methods[-1] == "numeric"


def test_unbiasedness_check_rejects_a_wrong_score():
    ok, _ = derive_policy_gradient._estimate_is_unbiased(score=lambda a, j: int(a == j))
    assert not ok


def test_contraction_check_is_tight():
    assert derive_contraction._contraction_on_instances()[0]
    assert not derive_contraction._contraction_on_instances(factor=0.5)[0]
