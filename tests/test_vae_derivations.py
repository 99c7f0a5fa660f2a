"""The vae derivations verify, every step by SymPy or on instances, and their checks bite."""

import pytest
import sympy as sp

from mpcheck.derive import run
from mpcheck_vae import derive_jensen
from mpcheck_vae.derivations import DERIVATIONS


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = run(derivation)
    steps = report.to_json()["steps"]
    assert report.verified and len(steps) >= 5
    assert all(step["verified"] and step["method"] in ("symbolic", "numeric") for step in steps)


def test_new_derivations_are_registered():
    assert {"elbo", "kl-gaussians", "kl-nonnegative", "reparameterization-gradient"} <= {d.name for d in DERIVATIONS}


def test_distribution_check_rejects_a_false_inequality():
    p, q, i = derive_jensen.p, derive_jensen.q, derive_jensen.i
    # the reverse of Jensen's inequality is false for most pairs of distributions
    wrong = sp.Ge(derive_jensen.total(p[i] * sp.log(q[i] / p[i])),
                  sp.log(derive_jensen.total(sp.Mul(p[i], derive_jensen.ratio(q[i], p[i]), evaluate=False))),
                  evaluate=False)
    ok, detail = derive_jensen.at_random_distributions(wrong).test()
    assert not ok and "fails" in detail
