"""The flows derivations verify, every step by SymPy or on instances, and their checks bite."""

import pytest
import sympy as sp

from mpcheck.derive import run
from mpcheck_flows import derive_change, derive_coupling
from mpcheck_flows.derivations import DERIVATIONS


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = run(derivation)
    steps = report.to_json()["steps"]
    assert report.verified and len(steps) >= 5
    assert all(step["verified"] and step["method"] in ("symbolic", "numeric") for step in steps)


def test_coupling_steps_are_proved_symbolically():
    (coupling,) = [d for d in DERIVATIONS if d.name == "coupling-jacobian"]
    assert all(step["method"] == "symbolic" for step in run(coupling).to_json()["steps"])


def test_matrix_check_rejects_a_wrong_jacobian():
    def forgot_the_shift():
        jac = sp.Matrix(derive_coupling.triangular_form())
        jac[0, 2] = derive_coupling.x1 * sp.exp(derive_coupling.s1(derive_coupling.x3))
        return jac

    ok, _ = derive_coupling.same_matrix(derive_coupling.jacobian, forgot_the_shift, "a wrong Jacobian").test()
    assert not ok


def test_monte_carlo_cdf_check_passes_and_is_deterministic():
    assert derive_change.cdf_matches_samples() == derive_change.cdf_matches_samples()
    assert derive_change.cdf_matches_samples()[0]
