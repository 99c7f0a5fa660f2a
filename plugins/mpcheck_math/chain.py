"""Derivative of a composite f(g(x)) by the chain rule: (f ∘ g)′(x) = f′(g(x)) · g′(x)."""

from __future__ import annotations

from functools import lru_cache

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Expression, Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck_math.formulas import canonical, read, show, simplest, tidy

VARIABLES = ("x",)
OUTER = ("exp", "log", "sin", "cos", "tanh", "sqrt", "square", "cube")


def outer_function(name: str):
    """f as a SymPy function of one argument."""
    import sympy as sp

    return {"exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh,
            "sqrt": sp.sqrt, "square": lambda u: u**2, "cube": lambda u: u**3}[name]


def _sample(rng) -> dict:
    import sympy as sp

    x = sp.Symbol("x", real=True)
    a, b, c = sampling.ints(rng, 1, 5), sampling.ints(rng, -4, 4), sampling.ints(rng, 1, 6)
    inner = sampling.pick(rng, [a * x**2 + b * x + c, a * x**3 + c, a * x + c * x**2,
                                a * sp.sin(x) + c, (a * x + c) * x])
    return {"outer": sampling.pick(rng, list(OUTER)), "inner": canonical(inner)}


def _parts(p: dict):
    """(f, g, x): the outer function, the inner expression and its variable."""
    if isinstance(p["outer"], str) and isinstance(p["inner"], str):
        return _parts_of(p["outer"], p["inner"])
    return _parts_of.__wrapped__(p["outer"], p["inner"])  # let the reader refuse it, by name


@lru_cache(maxsize=256)
def _parts_of(outer: str, inner_text: str):
    # the answer, the texts and each mistake read the same params: parse them once
    import sympy as sp

    inner = read(inner_text, VARIABLES, "inner")
    x = next(iter(inner.free_symbols), sp.Symbol("x", real=True))
    return outer_function(outer), inner, x


def _validate(p: dict) -> None:
    P.check_keys(p, ("outer", "inner"))
    P.one_of(p, "outer", OUTER)
    f, g, x = _parts(p)
    if not g.free_symbols:
        raise ParamsError("params: 'inner' must depend on x")
    if simplest(g.diff(x) - 1) == 0 or simplest(g.diff(x)) == 0:
        raise ParamsError("params: 'inner' must not be x + const (there would be no chain to apply)")


# (f ∘ g)′(x) = f′(g(x)) · g′(x)
def derivative(p: dict):
    f, g, x = _parts(p)
    return tidy(f(g).diff(x))


def _outer_prime_at(p: dict, argument):
    u, prime = _outer_prime(p["outer"])
    return prime.subs(u, argument)


@lru_cache(maxsize=None)
def _outer_prime(name: str):
    """f′(u) for one of the outer functions, with its variable u."""
    import sympy as sp

    u = sp.Dummy("u")
    return u, outer_function(name)(u).diff(u)


def _solve(p: dict) -> str:
    return canonical(derivative(p))


def _prompt(p: dict) -> str:
    f, g, x = _parts(p)
    natural_log = r" ($\log$ is the natural logarithm)" if r"\log" in show(f(g)) else ""
    return (f"Differentiate $h(x) = {show(f(g))}$ with respect to $x${natural_log}.\n"
            "Give $h'(x)$ as an expression in $x$.")


def _outer_text(p: dict) -> str:
    """"$f(u) = u^2$, $f'(u) = 2u$": the outer function on its own, before g is plugged in."""
    import sympy as sp

    f, _, _ = _parts(p)
    u = sp.Symbol("u")
    return f"$f(u) = {show(f(u))}$, $f'(u) = {show(f(u).diff(u))}$"


def _solution(p: dict) -> str:
    f, g, x = _parts(p)
    # SymPy distributes 2·(4x³ + 2) into 8x³ + 4, which hides where g went: keep it visible
    outer_prime = rf"2 \left({show(g)}\right)" if p["outer"] == "square" else show(_outer_prime_at(p, g))
    return "\n".join([
        r"Chain rule: $h = f \circ g$, so $h'(x) = f'(g(x)) \cdot g'(x)$.",
        f"Inner $g(x) = {show(g)}$, $g'(x) = {show(g.diff(x))}$.",
        f"Outer {_outer_text(p)}, so $f'(g(x)) = {outer_prime}$.",
        rf"$h'(x) = \left({outer_prime}\right) \cdot \left({show(g.diff(x))}\right) = {show(derivative(p))}$",
    ])


def _hints(p: dict) -> list[str]:
    return ["Name the inner function $g(x)$ and the outer $f(u)$; differentiate each on its own.",
            "Multiply: $f'$ evaluated at $g(x)$, times $g'(x)$."]


def _forgot_inner(p: dict) -> str:
    _, g, _ = _parts(p)
    return canonical(_outer_prime_at(p, g))


def _outer_at_x(p: dict) -> str:
    _, g, x = _parts(p)
    return canonical(_outer_prime_at(p, x) * g.diff(x))


def _inner_only(p: dict) -> str:
    _, g, x = _parts(p)
    return canonical(g.diff(x))


CHAIN_RULE = Generator(
    id="math.chain-rule",
    title="Derivative of a composite function (chain rule)",
    answer_kind=Expression(variables=VARIABLES),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=_hints,
    mistakes=(
        Mistake("forgot-inner-derivative", "You differentiated the outer function only: multiply "
                "by the derivative of the inner function, $g'(x)$.", _forgot_inner),
        Mistake("outer-at-x", "You evaluated $f'$ at $x$: the outer derivative is taken at $g(x)$.", _outer_at_x),
        Mistake("inner-only", "You kept only $g'(x)$: the outer derivative $f'(g(x))$ is missing.", _inner_only),
    ),
    tags=("chain rule", "calculus", "expression"),
    difficulty=1,
)

GENERATORS = [CHAIN_RULE]
