"""The secant method: Newton's method with the derivative replaced by the slope through the last
two iterates (used in differentiable volumetric rendering to find where a ray meets a surface).

    x_{n+1} = x_n − f(x_n) · (x_n − x_{n−1}) / (f(x_n) − f(x_{n−1}))
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, exact, num

KEYS = ("coefficients", "x0", "x1", "steps")
MAX_DEGREE = 4
MAX_STEPS = 5
MAX_VALUE = 1e6


def polynomial(coefficients: list[float], x: float) -> float:
    """f(x) = c_0 x^d + c_1 x^(d−1) + … + c_d (Horner)."""
    value = 0.0
    for c in coefficients:
        value = value * x + c
    return value


# x_{n+1} = x_n − f(x_n)(x_n − x_{n−1}) / (f(x_n) − f(x_{n−1}))
def secant_step(f, x_prev: float, x_now: float) -> float:
    return x_now - f(x_now) * (x_now - x_prev) / (f(x_now) - f(x_prev))


def iterates(p: dict, step=secant_step, anchor_first: bool = False) -> list[float]:
    """[x_0, x_1, …, x_{steps+1}]; ``anchor_first`` keeps x_0 as the second point (a mistake)."""
    f = lambda x: polynomial(p["coefficients"], x)  # noqa: E731
    xs = [p["x0"], p["x1"]]
    for _ in range(p["steps"]):
        xs.append(step(f, xs[0] if anchor_first else xs[-2], xs[-1]))
    return xs


def _solve(p: dict) -> float:
    return iterates(p)[-1]


# mistakes: each a real misconception about the update
def _plus_sign(f, x_prev, x_now):
    return x_now + f(x_now) * (x_now - x_prev) / (f(x_now) - f(x_prev))


def _times_slope(f, x_prev, x_now):
    # multiplied by the slope instead of dividing by it
    return x_now - f(x_now) * (f(x_now) - f(x_prev)) / (x_now - x_prev)


def _safe(p: dict, **kwargs) -> float | None:
    """The last iterate of a wrong update, or None where it divides by zero or overflows. A huge value
    is still the student's answer: multiplying by the slope squares f and runs off to 1e20 in two steps."""
    try:
        value = iterates(p, **kwargs)[-1]
    except ZeroDivisionError:
        return None
    return value if math.isfinite(value) else None


def poly_latex(coefficients: list[float], var: str = "x") -> str:
    """``[1, 0, -2, -5]`` → ``x^{3} - 2 x - 5``, each coefficient as given."""
    degree = len(coefficients) - 1
    terms = []
    for power, c in zip(range(degree, -1, -1), coefficients):
        if c == 0:
            continue
        size = num(abs(c), EXACT_DIGITS)
        monomial = "" if power == 0 else (var if power == 1 else f"{var}^{{{power}}}")
        body = (size if power == 0 or abs(c) != 1 else "") + (" " if monomial and abs(c) != 1 else "") + monomial
        terms.append(("-" if c < 0 else "+", body.strip()))
    if not terms:
        return "0"
    first_sign, first = terms[0]
    text = ("-" if first_sign == "-" else "") + first
    return text + "".join(f" {sign} {body}" for sign, body in terms[1:])


def _sample(rng) -> dict:
    degree = sampling.pick(rng, [2, 3, 3])
    while True:
        coefficients = [1] + [sampling.ints(rng, -5, 5) for _ in range(degree)]
        x0 = float(sampling.ints(rng, -3, 3))
        x1 = x0 + sampling.pick(rng, [0.5, 1.0, 1.0, 2.0])
        p = {"coefficients": coefficients, "x0": x0, "x1": x1, "steps": sampling.pick(rng, [1, 2, 2])}
        try:
            _validate(p)
        except ParamsError:
            continue
        xs = iterates(p)
        # a step that moves visibly and an answer away from 0, so a relative tolerance is fair
        if abs(xs[-1]) > 0.2 and abs(xs[-1] - xs[-2]) > 1e-2 and abs(xs[-1]) < 50:
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    coefficients = P.vector(p, "coefficients", min_length=2, max_length=MAX_DEGREE + 1)
    if all(c == 0 for c in coefficients[:-1]):
        raise ParamsError("params: 'coefficients' must describe a non-constant polynomial")
    for key in ("x0", "x1"):
        P.real(p, key, -1e3, 1e3)
    if any(abs(c) > 1e3 for c in coefficients):
        raise ParamsError("params: 'coefficients' must lie in [−1000, 1000]")
    P.integer(p, "steps", 1, MAX_STEPS)
    f = lambda x: polynomial(coefficients, x)  # noqa: E731
    xs = [p["x0"], p["x1"]]
    for n in range(p["steps"]):
        if f(xs[-1]) == f(xs[-2]):
            raise ParamsError(f"params: f(x_{n}) = f(x_{n + 1}), so the secant through them is flat "
                              f"and step {n + 1} divides by zero")
        xs.append(secant_step(f, xs[-2], xs[-1]))
        if not math.isfinite(xs[-1]) or abs(xs[-1]) > MAX_VALUE:
            raise ParamsError(f"params: the iterates leave [−{MAX_VALUE:g}, {MAX_VALUE:g}]; choose closer starting points")


def _target(p: dict) -> str:
    return f"x_{{{p['steps'] + 1}}}"


def _prompt(p: dict) -> str:
    steps = p["steps"]
    return (f"Find a root of $f(x) = {poly_latex(p['coefficients'])}$ with the secant method, "
            f"starting from $x_0 = {exact(p['x0'])}$ and $x_1 = {exact(p['x1'])}$.\n"
            f"Take {steps} step{'s' if steps > 1 else ''} of\n"
            "$$x_{n+1} = x_n - f(x_n)\\,\\frac{x_n - x_{n-1}}{f(x_n) - f(x_{n-1})}$$\n"
            f"and give ${_target(p)}$.")


def _solution(p: dict) -> str:
    f = lambda x: polynomial(p["coefficients"], x)  # noqa: E731
    xs = iterates(p)
    lines = [f"$f(x) = {poly_latex(p['coefficients'])}$, so $f(x_0) = {num(f(xs[0]), 6)}$ and "
             f"$f(x_1) = {num(f(xs[1]), 6)}$."]
    for n in range(1, len(xs) - 1):
        a, b = xs[n - 1], xs[n]
        lines.append(f"$x_{{{n + 1}}} = {num(b, 6)} - ({num(f(b), 6)})\\cdot"
                     f"\\frac{{{num(b, 6)} - ({num(a, 6)})}}{{{num(f(b), 6)} - ({num(f(a), 6)})}} = {num(xs[n + 1], 6)}$"
                     + (f", where $f(x_{{{n + 1}}}) = {num(f(xs[n + 1]), 6)}$" if n + 1 < len(xs) - 1 else ""))
    lines.append(f"So ${_target(p)} = {num(xs[-1], 6)}$. Each step replaces the curve by the line through the "
                 "last two points and takes that line's root.")
    return "\n".join(lines)


SECANT_ITERATION = Generator(
    id="math.secant-iteration",
    title="Secant method: a few iterations",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["The new point is where the straight line through $(x_{n-1}, f(x_{n-1}))$ and "
                     "$(x_n, f(x_n))$ crosses zero.",
                     "Each step uses the two most recent iterates, not $x_0$."],
    mistakes=(
        Mistake("plus-sign", "Step against $f$: $x_{n+1} = x_n - f(x_n)\\,(x_n - x_{n-1})/(f(x_n) - f(x_{n-1}))$.",
                lambda p: _safe(p, step=_plus_sign)),
        Mistake("multiplied-by-slope", "Divide $f(x_n)$ by the secant's slope "
                "$(f(x_n) - f(x_{n-1}))/(x_n - x_{n-1})$; you multiplied by it.",
                lambda p: _safe(p, step=_times_slope)),
        Mistake("kept-first-point", "The secant method always uses the two latest iterates; keeping $x_0$ "
                "as the second point is a different method (regula falsi without its bracketing).",
                lambda p: _safe(p, anchor_first=True) if p["steps"] > 1 else None),
        Mistake("stopped-early", "Count the steps: each one produces one new iterate.",
                lambda p: iterates(p)[-2] if p["steps"] > 1 else None),
    ),
    tags=("secant method", "root finding"),
    difficulty=1,
)

GENERATORS = [SECANT_ITERATION]
