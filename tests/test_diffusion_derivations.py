"""diffusion derivations: registered, every step verified; the checks would catch wrong claims."""

import pytest
import sympy as sp

from mpcheck.host import plugins
from mpcheck.derive import run
from mpcheck_diffusion import derive_posterior as dp

NAMES = ("diffusion-forward-marginal", "diffusion-posterior", "diffusion-epsilon-mean")


@pytest.mark.parametrize("name", NAMES)
def test_derivation_verifies(name):
    derivation = plugins.registry().derivations[name]
    report = run(derivation)
    assert derivation.topic == "diffusion"
    assert report.verified, [s for s in report.to_json()["steps"] if not s["verified"]]
    assert all(step["method"] in ("symbolic", "numeric") for step in report.to_json()["steps"])
    assert len(report.to_json()["steps"]) >= 5


def test_a_wrong_posterior_variance_is_caught():
    # β_t itself is not the posterior variance: the difference does not simplify to 0
    gap = (dp.posterior_variance() - dp.beta_t).subs(dp.SCHEDULE)
    assert sp.simplify(gap) != 0


def test_a_mean_without_the_square_root_is_caught():
    wrong = (dp.x_t - dp.beta_t / (1 - dp.abar_t) * dp.eps) / sp.sqrt(dp.alpha_t)
    where = {**dp.SCHEDULE, dp.x_t: sp.sqrt(dp.abar_t) * dp.x0 + sp.sqrt(1 - dp.abar_t) * dp.eps}
    gap = dp.posterior_mean() - wrong
    for _ in range(3):
        gap = gap.xreplace(where)
    assert sp.simplify(gap) != 0
