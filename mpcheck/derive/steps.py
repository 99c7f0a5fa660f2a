"""The parts of a derivation: premises, steps, and the check attached to each step."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: A symbol (or its name) -> (low, high): where a numeric check draws that symbol's values.
Domain = Mapping[Any, tuple[float, float]]


@dataclass(frozen=True)
class Check:
    """How a step is verified. Build one with ``symbolic``, ``numeric``, ``predicate`` or
    ``unchecked`` rather than directly."""

    kind: str  # "symbolic" | "numeric" | "predicate" | "unchecked"
    timeout: float = 3.0
    #: symbolic only: fall back to a numeric check when SymPy cannot decide in time
    fallback: bool = True
    domain: Domain | None = None
    draws: int = 8
    rtol: float = 1e-6
    #: numeric only: ``evaluate(expr, point) -> float`` replaces SymPy's ``evalf``
    evaluate: Callable[[Any, dict], float] | None = None
    test: Callable[[], Any] | None = None
    #: predicate: which method the test amounts to: "symbolic" (a proof in general), "instances"
    #: (a proof or exact check on finitely many cases) or "numeric" (random draws)
    method: str = "numeric"
    #: predicate: how many instances or draws it checks, shown beside the ✓
    count: int | None = None
    description: str = ""


def symbolic(timeout: float = 3.0, *, fallback: bool = True, domain: Domain | None = None) -> Check:
    """Prove the claim with SymPy (``simplify(difference) == 0``) within ``timeout`` seconds.

    If SymPy cannot decide in time the step is checked numerically on ``domain`` (default), and
    the step's method says "numeric"; with ``fallback=False`` it stays unverified instead.
    """
    return Check("symbolic", timeout=timeout, fallback=fallback, domain=domain)


def numeric(domain: Domain | None = None, *, draws: int = 8, rtol: float = 1e-6,
            evaluate: Callable[[Any, dict], float] | None = None) -> Check:
    """Check the claim at ``draws`` random points of ``domain`` (symbol or name -> (lo, hi)).

    Symbols missing from ``domain`` are drawn from (0.2, 3) if declared positive, else (−2, 2).
    Integrals are evaluated by numeric quadrature (mpmath, through ``evalf``), derivatives
    symbolically first. Pass ``evaluate`` for quantities ``evalf`` cannot reach.
    """
    return Check("numeric", domain=domain, draws=draws, rtol=rtol, evaluate=evaluate)


PREDICATE_METHODS = ("symbolic", "instances", "numeric")


def predicate(test: Callable[[], Any], description: str, *, method: str = "numeric",
              count: int | None = None) -> Check:
    """A custom check: ``test()`` returns a bool (or ``(bool, detail)``). ``description`` says
    what it checks. ``method``: "symbolic" only for a proof of the step in general (SymPy, with
    the step's own symbols); "instances" for a check on finitely many cases (t = 1..8, four
    curves, K = 3), with their ``count``; "numeric" for random draws (``count`` of them)."""
    if method not in PREDICATE_METHODS:
        raise ValueError(f"predicate method must be one of {', '.join(PREDICATE_METHODS)}")
    if method == "instances" and not count:
        raise ValueError("a check on instances says how many: pass count=")
    return Check("predicate", test=test, method=method, count=count, description=description)


def unchecked(why: str) -> Check:
    """No check is possible; ``why`` is shown. The step is never shown as verified."""
    return Check("unchecked", description=why)


@dataclass(frozen=True)
class Given:
    """A premise or definition: shown, used by the next step, not checked."""

    math: Any
    reason: str


@dataclass(frozen=True)
class Step:
    """One claim of a derivation.

    ``math`` is a SymPy expression or relation:
    - an equation ``Eq(lhs, rhs)`` claims that it holds (lhs − rhs = 0);
    - a bare expression claims that it equals the previous line's value (its rhs, or itself);
    - an inequality ``Lt/Gt/Le/Ge`` claims that it holds.
    ``claim="follows"`` on an equation compares its rhs with the previous line's value instead.
    ``practice`` says what ``derive --practice`` asks for: "rhs" (the default for equations),
    "difference" (lhs − rhs), "expression", or None to show the step without asking.
    """

    math: Any
    reason: str
    check: Check = field(default_factory=symbolic)
    hint: str = ""
    claim: str = "auto"  # "auto" | "equation" | "follows"
    practice: str | None = "auto"


@dataclass(frozen=True)
class Walkthrough:
    """What a ``Derivation.build`` function returns.

    ``where`` defines shorthand symbols (``{yhat_1: exp(x_1)/(...)}``): lines show the symbol,
    checks substitute its definition first.
    """

    title: str
    steps: Sequence[Step | Given]
    assumptions: Sequence[str] = ()
    where: Mapping[Any, Any] = field(default_factory=dict)
    summary: str = ""
