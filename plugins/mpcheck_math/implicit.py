"""dy/dx on a curve F(x, y) = 0 by implicit differentiation.

Differentiating F(x, y(x)) = 0 in x gives F_x + F_y · y′ = 0, so

    dy/dx = −F_x / F_y      wherever F_y ≠ 0.
"""

from __future__ import annotations

from functools import lru_cache

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.answers.curve import curve_points
from mpcheck.api import Expression, Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck_math.formulas import canonical, read, show, simplest, tidy

VARIABLES = ("x", "y")


def _curve_templates():
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    # each takes small integer coefficients (a, b, c) and returns F(x, y)
    return [
        lambda a, b, c: a * x**2 + b * y**2 - c,
        lambda a, b, c: x**3 + y**3 - a * x * y,
        lambda a, b, c: x**2 * y + b * y**3 - c * x,
        lambda a, b, c: a * x * y + sp.exp(y) - c,
        lambda a, b, c: y * sp.exp(x) + b * x**2 - c * y**2,
        lambda a, b, c: x * sp.cos(y) + a * y**2 - c,
        lambda a, b, c: sp.sin(x * y) + a * x - b * y**2,
        lambda a, b, c: a * x**2 * y**2 - b * x + y**3,
        lambda a, b, c: sp.log(x**2 + 1) + a * y**2 - b * x * y,
    ]


def _sample(rng) -> dict:
    # redraw curves with too few real points to judge an answer on (4y^2 - 2xy + log(x^2 + 1) has
    # none for |x| <= 3): ``_validate`` refuses them
    while True:
        template = sampling.pick(rng, _curve_templates())
        a, b, c = (sampling.ints(rng, 1, 5) for _ in range(3))
        F = template(a, b, c)
        if len(curve_points(F)) >= 2:
            return {"F": canonical(F)}


def partials(p: dict):
    """(F, F_x, F_y) as SymPy expressions."""
    return _partials_of(p["F"]) if isinstance(p["F"], str) else _partials_of.__wrapped__(p["F"])


@lru_cache(maxsize=256)
def _partials_of(F_text: str):
    # the answer, the texts and each mistake differentiate the same F: once is enough
    import sympy as sp

    F = read(F_text, VARIABLES, "F")
    x, y = _symbols(F)
    return F, sp.diff(F, x), sp.diff(F, y)


def _symbols(F):
    import sympy as sp

    by_name = {str(s): s for s in F.free_symbols}
    return by_name.get("x", sp.Symbol("x", real=True)), by_name.get("y", sp.Symbol("y", real=True))


def _validate(p: dict) -> None:
    P.check_keys(p, ("F",))
    F = read(p["F"], VARIABLES, "F")
    names = {str(s) for s in F.free_symbols}
    if names != {"x", "y"}:
        raise ParamsError("params: 'F' must involve both x and y (the curve F(x, y) = 0 defines y "
                          f"as a function of x), got F = {p['F']}")
    _, F_x, F_y = partials(p)
    if simplest(F_y) == 0:
        raise ParamsError("params: 'F' has ∂F/∂y = 0 everywhere, so F(x, y) = 0 does not define y(x)")
    if simplest(F_x) == 0:
        raise ParamsError("params: 'F' does not change with x, so dy/dx = 0 (choose a curve that involves x)")
    # answers are judged at points of the curve: it must have some, where y(x) is defined
    if len(curve_points(F)) < 2:
        raise ParamsError("params: the curve F(x, y) = 0 has too few real points with ∂F/∂y ≠ 0 for "
                          f"|x| ≤ 3, |y| ≤ 8 to judge an answer on it, got F = {p['F']}")


# dy/dx = −F_x / F_y
def dy_dx(p: dict):
    _, F_x, F_y = partials(p)
    return tidy(-F_x / F_y)


def _solve(p: dict) -> str:
    return canonical(dy_dx(p))


def _prompt(p: dict) -> str:
    formula = show(read(p["F"], VARIABLES, "F"))
    natural_log = r" ($\log$ is the natural logarithm)" if r"\log" in formula else ""
    return (f"The curve $F(x, y) = 0$ with\n$$F(x, y) = {formula}$$\n"
            r"defines $y$ as a function of $x$ near every point where $\partial F/\partial y \ne 0$"
            f"{natural_log}.\nFind $dy/dx$ as an expression in $x$ and $y$ (any form equal to it on the curve is right).")


def _solution(p: dict) -> str:
    F, F_x, F_y = partials(p)
    return "\n".join([
        r"Differentiate $F(x, y(x)) = 0$ in $x$: $F_x + F_y y' = 0$, so $dy/dx = -F_x/F_y$.",
        rf"$F_x = \frac{{\partial}}{{\partial x}} \left({show(F)}\right) = {show(F_x)}$",
        rf"$F_y = \frac{{\partial}}{{\partial y}} \left({show(F)}\right) = {show(F_y)}$",
        rf"$\frac{{dy}}{{dx}} = -\frac{{{show(F_x)}}}{{{show(F_y)}}} = {show(dy_dx(p))}$",
    ])


def _hints(p: dict) -> list[str]:
    return [r"Differentiate both sides of $F(x, y) = 0$ in $x$, treating $y$ as a function of $x$ "
            r"(chain rule: $\frac{d}{dx} g(y) = g'(y)\, y'$).",
            "Collect the terms with $y'$: $F_x + F_y y' = 0$, then solve for $y'$."]


def _forgot_minus(p: dict) -> str:
    _, F_x, F_y = partials(p)
    return canonical(F_x / F_y)


def _inverted(p: dict) -> str | None:
    _, F_x, F_y = partials(p)
    return canonical(-F_y / F_x)


def _forgot_denominator(p: dict) -> str | None:
    _, F_x, F_y = partials(p)
    return canonical(-F_x)


IMPLICIT_DERIVATIVE = Generator(
    id="math.implicit-derivative",
    title="The slope of a curve given implicitly (implicit differentiation)",
    # judged on the curve: -y^2 is as right as -y/x on xy = 1 (the prompt says so)
    answer_kind=Expression(variables=VARIABLES, curve="F"),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=_hints,
    mistakes=(
        Mistake("forgot-minus", "You dropped the minus sign: $F_x + F_y y' = 0$ gives $y' = -F_x/F_y$.",
                _forgot_minus),
        Mistake("inverted", "You divided the wrong way round: $y' = -F_x/F_y$, the $x$-derivative on top.",
                _inverted),
        Mistake("forgot-denominator", "You stopped at $-F_x$: divide by $F_y$ to isolate $y'$.",
                _forgot_denominator),
    ),
    tags=("implicit differentiation", "calculus", "expression"),
    difficulty=2,
)

GENERATORS = [IMPLICIT_DERIVATIVE]
