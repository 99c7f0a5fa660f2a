"""Every implicit derivation verifies fully."""

import pytest

from mpcheck import derive
from mpcheck_implicit.derivations import DERIVATIONS


def test_the_chapter_derivations_exist():
    assert {"implicit-differentiation", "nerf-quadrature", "secant-method"} <= {d.name for d in DERIVATIONS}


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.name)
def test_derivation_verifies(derivation):
    report = derive.run(derivation)
    assert report.verified, [line.outcome for line in report.lines if line.outcome and not line.outcome.verified]
