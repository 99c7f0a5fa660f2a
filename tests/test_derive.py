"""The derivation engine: checks bite, the required derivations verify, the CLI works."""

import json
import sys
import types

import pytest
import sympy as sp

from mpcheck.host import plugins
from mpcheck.api import Derivation
from mpcheck.derive import Given, Step, Walkthrough, numeric, predicate, run, unchecked
from tests.cli_helpers import assert_clean_error, run_cli

REQUIRED = ["softmax-gradient", "kl-gaussians", "optimal-discriminator", "implicit-differentiation", "elbo"]


def _register(build) -> Derivation:
    """A throwaway module holding ``build``, so the engine loads it like a plugin's."""
    module = types.ModuleType("derive_under_test")
    module.build = build
    sys.modules[module.__name__] = module
    return Derivation("under-test", "under test", "math", build="derive_under_test:build")


def test_a_wrong_step_is_not_verified_and_fails_the_derivation():
    a, b = sp.symbols("a b", positive=True)

    def build():
        return Walkthrough("square", [
            Given((a + b) ** 2, "the square"),
            Step(a**2 + 2 * a * b + b**2, "expand"),
            Step(a**2 + a * b + b**2, "one ab term lost"),
            Step(sp.Eq(a * (a + b), a**2 + a * b), "distribute"),
        ])

    report = run(_register(build))
    steps = report.to_json()["steps"]
    assert [s["verified"] for s in steps] == [True, False, True]
    assert steps[1]["method"] == "numeric" and "differ" in steps[1]["detail"]
    assert report.verified is False and report.to_json()["verified"] is False


def test_unchecked_steps_never_count_as_verified_and_wrong_numeric_claims_fail():
    x = sp.Symbol("x", positive=True)
    t = sp.Symbol("t", real=True)

    def build():
        return Walkthrough("checks", [
            Step(sp.Eq(sp.Integral(sp.exp(-t**2), (t, -sp.oo, sp.oo)), sp.sqrt(sp.pi), evaluate=False), "Gauss",
                 check=numeric()),
            Step(sp.Eq(sp.Integral(sp.exp(-x * t**2), (t, -sp.oo, sp.oo)), sp.sqrt(sp.pi / (2 * x)),
                       evaluate=False),
                 "wrong by a factor", check=numeric({x: (0.5, 3)})),
            Step(sp.Lt(-x**2 - 1, 0, evaluate=False), "negative"),
            Step(sp.Eq(x, x), "taken on trust", check=unchecked("a definition")),
            Step(sp.Eq(x, x, evaluate=False), "a failing predicate", check=predicate(lambda: (False, "no"), "never")),
        ])

    steps = run(_register(build)).to_json()["steps"]
    assert [s["verified"] for s in steps] == [True, False, True, False, False]
    assert [s["method"] for s in steps] == ["numeric", "numeric", "symbolic", "unchecked", "numeric"]


def test_the_guide_example_in_the_package_docstring_verifies():
    import mpcheck.derive as package

    source = package.__doc__.split("# plugins/mpcheck_math/derive_square.py", 1)[1]
    source = source.split("How each line", 1)[0]
    namespace: dict = {}
    code = compile("\n".join(line[4:] for line in source.splitlines()), "guide", "exec")
    exec(code, namespace)  # the guide's own example, part of this repository
    report = run(_register(namespace["build"]))
    assert report.verified and len(report.steps) == 3


@pytest.mark.parametrize("name", REQUIRED)
def test_required_derivation_verifies_fully(name):
    derivation = plugins.registry().derivations[name]
    report = run(derivation)
    data = report.to_json()
    assert data["verified"] is True and len(data["steps"]) >= 5
    assert all(s["verified"] and s["method"] in ("symbolic", "instances", "numeric") for s in data["steps"])
    assert all(s["text"] and s["latex"] and s["reason"] for s in data["steps"])


def test_derive_list_json_names_the_required_derivations():
    done = run_cli("derive", "--list", "--json")
    assert done.returncode == 0, done.stderr
    names = {row["name"] for row in json.loads(done.stdout)}
    assert set(REQUIRED) <= names


def test_derive_json_and_latex():
    done = run_cli("derive", "optimal-discriminator", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["name"] == "optimal-discriminator" and data["verified"] is True
    assert {"text", "latex", "reason", "verified", "method"} <= set(data["steps"][0])
    latex = run_cli("derive", "optimal-discriminator", "--latex")
    assert latex.returncode == 0
    assert latex.stdout.count(r"\begin{align*}") == 1 and r"\end{align*}" in latex.stdout
    assert "&=" in latex.stdout and r"\intertext{" in latex.stdout
    assert r"\documentclass" not in latex.stdout  # a body fragment: --standalone wraps a document


def test_derive_unknown_name_suggests_and_exits_2():
    done = run_cli("derive", "elbow")
    assert_clean_error(done, "unknown derivation", "elbo")


def test_derive_practice_through_a_pipe():
    # circle: the first typed step is dy/dx = −x/y; then a wrong try, a hint, skip, quit
    done = run_cli("derive", "implicit-differentiation", "--practice", input="hint\nx/(-y)\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "hint:" in done.stdout and "✓ right" in done.stdout and "1 of 1" in done.stdout
    wrong = run_cli("derive", "softmax-gradient", "--practice",
                    input="exp(x_1)/S\nyhat_1*(1+yhat_1)\nquit\n")
    assert wrong.returncode == 0, wrong.stderr
    assert "not quite" in wrong.stdout and "The step is" in wrong.stdout
    unreadable = run_cli("derive", "softmax-gradient", "--practice", input="x_1.real\nquit\n")
    assert "try again" in unreadable.stdout and "Traceback" not in unreadable.stderr


def test_numeric_integrals_match_mpmath_and_closed_forms():
    import mpmath

    from mpcheck.derive.verify import evaluate_number

    z = sp.Symbol("z", real=True)
    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    density = sp.exp(-(z - m) ** 2 / (2 * v)) / sp.sqrt(2 * sp.pi * v)
    for m0, v0 in ((0.3, 0.2), (-1.7, 1.4), (2.0, 0.5)):
        point = {m: m0, v: v0}
        second_moment = evaluate_number(sp.Integral(density * (z - m) ** 2, (z, -sp.oo, sp.oo)), point)
        assert abs(second_moment - v0) < 1e-10
        integrand = density * sp.log(1 + z**2)  # no closed form: mpmath is the oracle
        ours = evaluate_number(sp.Integral(integrand, (z, -sp.oo, sp.oo)), point)
        f = sp.lambdify(z, integrand.subs(point), "mpmath")
        assert abs(ours - complex(mpmath.quad(f, [-mpmath.inf, m0, mpmath.inf]))) < 1e-9
        half_line = evaluate_number(sp.Integral(density, (z, 0, sp.oo)), point)
        assert abs(half_line - float(mpmath.ncdf(m0 / mpmath.sqrt(v0)))) < 1e-10
