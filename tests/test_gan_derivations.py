"""gan derivations: registered, every step verified; the checks would catch a wrong claim."""

import math

import pytest

from mpcheck.host import plugins
from mpcheck.derive import run
from mpcheck_gan import derive_global_optimum

NAMES = ("optimal-discriminator", "gan-global-optimum")


@pytest.mark.parametrize("name", NAMES)
def test_derivation_verifies(name):
    derivation = plugins.registry().derivations[name]
    report = run(derivation)
    assert derivation.topic == "gan"
    assert report.verified, [s for s in report.to_json()["steps"] if not s["verified"]]
    assert all(step["method"] in ("symbolic", "numeric") for step in report.to_json()["steps"])


def test_global_optimum_steps_are_proved_not_assumed():
    steps = run(plugins.registry().derivations["gan-global-optimum"]).to_json()["steps"]
    assert sum(step["method"] == "symbolic" for step in steps) >= 4


def test_the_value_bound_would_catch_a_plus_log_4():
    # the instance check compares V(G, D*) with −log 4 + 2 JSD; +log 4 is far off
    pd, pm = [0.2, 0.8], [0.6, 0.4]
    value = sum(a * math.log(a / (a + b)) + b * math.log(b / (a + b)) for a, b in zip(pd, pm))
    assert abs(value - (math.log(4) + 2 * derive_global_optimum.jsd(pd, pm))) > 1
    assert derive_global_optimum._value_bound()[0]
