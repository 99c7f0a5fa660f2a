'''Machine-checked derivations: every step is verified by SymPy or on random instances.

Writing a derivation
====================

A derivation lives in a plugin module that may import sympy at the top (it is imported only
when the derivation runs). A function with no arguments returns a ``Walkthrough``: a title,
assumptions, and a list of ``Given`` premises and ``Step`` claims. It is registered with a
``Derivation`` whose ``build`` names that function::

    # plugins/mpcheck_math/derivations.py
    DERIVATIONS.append(Derivation("square-expand", "Expanding a square", "math",
                                  build="mpcheck_math.derive_square:build"))

    # plugins/mpcheck_math/derive_square.py
    import sympy as sp
    from mpcheck.derive import Given, Step, Walkthrough, numeric

    def build() -> Walkthrough:
        a, b, t = sp.symbols("a b t", positive=True)
        S = sp.Symbol("S")
        return Walkthrough(
            title="(a + b)² = a² + 2ab + b²",
            assumptions=["a, b > 0"],
            where={S: (a + b) ** 2},  # so that the last step can be checked
            steps=[
                Given(sp.Eq(S, (a + b) ** 2), "the square to expand"),
                Step(sp.Mul(a + b, a + b, evaluate=False), "a square is a product with itself"),
                Step(a**2 + 2 * a * b + b**2, "distribute and collect the two ab terms"),
                Step(sp.Eq(S, sp.Integral(2 * t, (t, 0, a + b))), "u² is the integral of 2t from 0 to u",
                     check=numeric({a: (0.1, 5), b: (0.1, 5)})),
            ])

How each line is read and checked
---------------------------------
- ``Given(math, reason)``: a premise or definition. It is shown and later lines continue from it,
  but it is not a claim, so it is not checked (and not counted among the steps).
- ``Step(Eq(lhs, rhs), reason)`` claims the equation holds. ``Step(expr, reason)`` claims that
  ``expr`` equals the previous line's value (the rhs of an equation, or the bare expression).
  ``Step(Lt(lhs, rhs), reason)`` (also Gt, Le, Ge) claims the inequality.
- The ``check`` of a step decides how it is verified:

  ``symbolic(timeout=3)`` (default)
      ``simplify(left − right) == 0`` within the time limit; if SymPy cannot decide, the step
      is checked numerically instead and its method says "numeric".
  ``numeric(domain, draws=8, rtol=1e-6, evaluate=None)``
      both sides at random draws of the free symbols (``domain`` maps a symbol or its name to
      ``(low, high)``). Integrals are evaluated by quadrature (``evalf``/mpmath), so an
      expectation written as ``Integral(density * f, (z, -oo, oo))`` is checked numerically.
  ``predicate(test, description, method="numeric", count=None)``
      any other check, e.g. against random discrete distributions; ``test()`` returns a bool or
      ``(bool, detail)``. ``method`` says what it amounts to, and is shown: "symbolic" only for
      a proof of the step in general; "instances" for finitely many cases (t = 1..8, four
      curves), with their ``count`` (shown beside the ✓); "numeric" for random draws.
  ``unchecked(why)``
      only where no check is possible; the step shows "?" and the derivation is not verified.

- ``Walkthrough(where={yhat: exp(x1)/(exp(x1) + exp(x2))})`` lets lines use short symbols;
  checks substitute their definitions first.
- ``Step(..., hint="...")`` is offered in ``mpcheck derive NAME --practice``; ``practice``
  says what the student types: "rhs" (default for equations), "difference", "expression" (the
  default for bare expressions) or None (shown, not asked: e.g. the line holds an integral).

Run ``mpcheck derive NAME`` to see the result, ``--json`` for tools; tests assert
``run(derivation).verified``.
'''

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from mpcheck.derive.steps import (
    Check, Domain, Given, Step, Walkthrough, numeric, predicate, symbolic, unchecked,
)

__all__ = ["Check", "Domain", "Given", "Report", "Step", "Walkthrough", "build", "numeric",
           "predicate", "run", "symbolic", "unchecked"]


def build(derivation: Any) -> Walkthrough:
    """Import and call the ``"module:function"`` named by ``derivation.build``."""
    module_name, _, function_name = derivation.build.partition(":")
    walk = getattr(importlib.import_module(module_name), function_name)()
    if not isinstance(walk, Walkthrough):
        raise TypeError(f"{derivation.build} returned {type(walk).__name__}, expected Walkthrough")
    return walk


@dataclass
class Report:
    """A derivation with every line checked; ``to_json`` is the ``derive --json`` contract."""

    name: str
    title: str
    walkthrough: Walkthrough
    lines: list

    @property
    def verified(self) -> bool:
        from mpcheck.derive.verify import all_verified

        return all_verified(self.lines)

    @property
    def steps(self) -> list:
        return [line for line in self.lines if line.is_step]

    def to_json(self) -> dict[str, Any]:
        from mpcheck.derive import render

        steps, given = [], []
        for line in self.lines:
            if line.is_step:
                steps.append(render.step_json(line))
            else:
                given.append(render.given_json(line, before_step=len(steps)))
        return {"name": self.name, "title": self.title, "verified": self.verified,
                "assumptions": list(self.walkthrough.assumptions), "given": given, "steps": steps}

    def latex(self, standalone: bool = False) -> str:
        """The walkthrough as a LaTeX body fragment (``align*``), or a whole document."""
        from mpcheck.derive import render

        body = render.latex_align(self.title, self.lines, list(self.walkthrough.assumptions))
        return render.standalone(body) if standalone else body


def run(derivation: Any, verify: bool = True) -> Report:
    """Build a registered ``Derivation`` and check every step."""
    from mpcheck.derive.verify import lines_of

    walk = build(derivation)
    return Report(derivation.name, walk.title or derivation.title, walk, lines_of(walk, verify))
