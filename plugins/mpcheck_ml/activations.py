"""Activation functions: values and derivatives of sigmoid, tanh, ReLU and leaky ReLU.

    σ(x) = 1/(1 + e^(−x)),     σ'(x) = σ(x)(1 − σ(x))       range (0, 1)
    tanh(x),                   tanh'(x) = 1 − tanh(x)²       range (−1, 1)
    ReLU(x) = max(0, x),       ReLU'(x) = [x > 0]            range [0, ∞)
    leaky(x) = x or a·x,       leaky'(x) = 1 or a

ReLU is not differentiable at 0. Any value in [0, 1] is a subgradient there; PyTorch's autograd
uses 0 for ReLU and a for leaky ReLU (its backward tests x > 0), and so does this checker. The
course summary's table writes [x ≥ 0], so the solution says which convention is meant.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.text import exact, num
from mpcheck_ml.common import clean, log_name, paren, show, sigmoid

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky-relu")
QUANTITIES = ("value", "derivative")
#: each function's name and definition in LaTeX (for inside $…$)
NAMES = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "leaky-relu": r"\mathrm{LeakyReLU}"}
DEFINITIONS = {
    "sigmoid": r"\sigma(x) = 1/(1 + e^{-x})",
    "tanh": r"\tanh(x) = (e^x - e^{-x})/(e^x + e^{-x})",
    "relu": r"\mathrm{ReLU}(x) = \max(0, x)",
    "leaky-relu": r"\mathrm{LeakyReLU}(x) = x \text{ for } x > 0 \text{, and } a x \text{ otherwise}",
}


def activation(f: str, x: float, slope: float = 0.0) -> float:
    if f == "sigmoid":
        return sigmoid(x)
    if f == "tanh":
        return math.tanh(x)
    # ReLU is leaky ReLU with slope 0: f(x) = x for x > 0, a·x otherwise
    return x if x > 0 else slope * x


def derivative(f: str, x: float, slope: float = 0.0) -> float:
    if f == "sigmoid":
        # σ'(x) = σ(x)(1 − σ(x))
        s = sigmoid(x)
        return s * (1 - s)
    if f == "tanh":
        # tanh'(x) = 1 − tanh(x)²
        return 1 - math.tanh(x) ** 2
    # [x > 0] + a·[x ≤ 0]: PyTorch's convention at x = 0 is the left slope
    return 1.0 if x > 0 else slope


def _slope(p: dict) -> float:
    return p["negative_slope"] if p["function"] == "leaky-relu" else 0.0


def _solve(p: dict) -> float:
    compute = activation if p["quantity"] == "value" else derivative
    return clean(compute(p["function"], p["x"], _slope(p)))


def _sample(rng) -> dict:
    f = sampling.pick(rng, list(FUNCTIONS))
    quantity = sampling.pick(rng, list(QUANTITIES))
    if f in ("sigmoid", "tanh"):
        # ±ln k gives exact fractions: σ(ln 3) = 3/4, tanh(ln 2) = 3/5
        if rng.random() < 0.5:
            x = sampling.pick(rng, [1, -1]) * math.log(sampling.pick(rng, [2, 3, 4, 9]))
        else:
            x = sampling.pick(rng, [0.0, sampling.decimals(rng, -3, 3, 1)])
    else:
        x = sampling.pick(rng, [0.0, float(sampling.ints(rng, -5, 5)), sampling.decimals(rng, -4, 4, 1)])
    params = {"function": f, "quantity": quantity, "x": float(x)}
    if f == "leaky-relu":
        params["negative_slope"] = sampling.pick(rng, [0.01, 0.05, 0.1, 0.2])
    return params


def _validate(p: dict) -> None:
    # leaky ReLU needs its slope; the other functions take none
    slope_key = ("negative_slope",) if p.get("function") == "leaky-relu" else ()
    P.check_keys(p, ("function", "quantity", "x", *slope_key))
    P.one_of(p, "function", FUNCTIONS)
    P.one_of(p, "quantity", QUANTITIES)
    P.real(p, "x", -50, 50)
    if slope_key:
        P.real(p, "negative_slope", 0, 1)


def _x_text(x: float) -> str:
    return show(x) if log_name(x) else exact(x)


def _prompt(p: dict) -> str:
    f, name = p["function"], NAMES[p["function"]]
    slope = f", with negative slope $a = {exact(_slope(p))}$." if f == "leaky-relu" else "."
    lines = [f"${DEFINITIONS[f]}${slope}"]
    if p["quantity"] == "value":
        lines.append(f"Compute ${name}(x)$ at $x = {_x_text(p['x'])}$.")
    else:
        lines.append(f"Compute the derivative ${name}'(x)$ at $x = {_x_text(p['x'])}$.")
        if f in ("relu", "leaky-relu") and p["x"] == 0:
            lines.append(f"${name}$ is not differentiable at 0: give the value PyTorch's autograd uses there.")
    return "\n".join(lines)


def _solution(p: dict) -> str:
    f, x, a = p["function"], p["x"], _slope(p)
    # the exact name (ln 3) inside the function, without the "(≈ …)" of the prompt
    xs, minus_xs = log_name(x) or num(x), log_name(-x) or num(-x)
    if f == "sigmoid":
        s = sigmoid(x)
        lines = [f"$\\sigma({xs}) = 1/(1 + e^{{{minus_xs}}}) = 1/(1 + {num(math.exp(-x))}) = {num(s)}$."]
        if p["quantity"] == "derivative":
            lines.append(f"$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x)) = {num(s)} \\cdot {num(1 - s)} = {num(s * (1 - s))}$.")
    elif f == "tanh":
        t, e_plus, e_minus = math.tanh(x), num(math.exp(x)), num(math.exp(-x))
        lines = [f"$e^x = e^{{{xs}}} = {e_plus}$ and $e^{{-x}} = {e_minus}$, so",
                 f"$\\tanh({xs}) = ({e_plus} - {e_minus})/({e_plus} + {e_minus}) = {num(t)}$."]
        if p["quantity"] == "derivative":
            lines.append(f"$\\tanh'(x) = 1 - \\tanh(x)^2 = 1 - {paren(t)}^2 = {num(1 - t * t)}$.")
    elif p["quantity"] == "value":
        side = (f"$x = {num(x)} > 0$, so $f(x) = x" if x > 0
                else f"$x = {num(x)} \\le 0$, so $f(x) = {num(a)} \\cdot {paren(x)}")
        lines = [f"{side} = {num(activation(f, x, a))}$."]
    else:
        if x > 0:
            lines = [f"$x = {num(x)} > 0$: the function is the identity there, slope 1."]
        elif x < 0:
            lines = [f"$x = {num(x)} < 0$: the function is ${num(a)} x$ there, slope ${num(a)}$."]
        else:
            lines = [f"At $x = 0$ the left slope is ${num(a)}$ and the right slope is 1, so there is no derivative.",
                     f"Any value in $[{num(a)}, 1]$ is a subgradient; PyTorch's backward tests $x > 0$ and uses "
                     f"the left slope, ${num(a)}$ (the course table's $[x \\ge 0]$ would give 1)."]
    lines.append(f"Answer: ${num(_solve(p))}$")
    return "\n".join(lines)


def _hints(p: dict) -> list[str]:
    hints = {"sigmoid": r"$\sigma'(x) = \sigma(x)(1 - \sigma(x))$: compute $\sigma(x)$ first.",
             "tanh": r"$\tanh'(x) = 1 - \tanh(x)^2$: compute $\tanh(x)$ first.",
             "relu": "ReLU passes positive inputs unchanged and zeroes the rest.",
             "leaky-relu": "Leaky ReLU multiplies non-positive inputs by the slope $a$ instead of zeroing them."}
    return [f"Definition: ${DEFINITIONS[p['function']]}$.", hints[p["function"]]]


def _other_quantity(p: dict) -> float:
    compute = derivative if p["quantity"] == "value" else activation
    return clean(compute(p["function"], p["x"], _slope(p)))


def _when(condition, answer):
    return lambda p: answer(p) if condition(p) else None


def _at_kink(p: dict) -> bool:
    """The derivative of a ReLU at 0, where the slope is a convention."""
    return p["function"] in ("relu", "leaky-relu") and p["quantity"] == "derivative" and p["x"] == 0


def _is(f: str, quantity: str):
    return lambda p: p["function"] == f and p["quantity"] == quantity


def _plugged_x(p: dict) -> float:
    x = p["x"]
    # x(1 − x) for σ', 1 − x² for tanh': the formula used on the input instead of the activation
    return clean(x * (1 - x) if p["function"] == "sigmoid" else 1 - x * x)


MISTAKES = (
    # at the kink of a ReLU the value is 0, which is also ReLU's derivative there: the question at
    # x = 0 is the convention, which the mistake after next covers
    Mistake("value-instead-of-derivative", "That is the activation's value, not its derivative.",
            _when(lambda p: p["quantity"] == "derivative" and not _at_kink(p), _other_quantity)),
    Mistake("derivative-instead-of-value", "That is the derivative, not the activation's value.",
            _when(lambda p: p["quantity"] == "value", _other_quantity)),
    Mistake("plugged-x-not-activation", "The derivative formula takes the activation, not $x$: "
            r"$\sigma'(x) = \sigma(x)(1 - \sigma(x))$ and $\tanh'(x) = 1 - \tanh(x)^2$.",
            _when(lambda p: p["quantity"] == "derivative" and p["function"] in ("sigmoid", "tanh"), _plugged_x)),
    Mistake("tanh-forgot-square", r"$\tanh'(x) = 1 - \tanh(x)^2$: you forgot the square.",
            _when(_is("tanh", "derivative"), lambda p: clean(1 - math.tanh(p["x"])))),
    Mistake("sigmoid-sign-flipped", r"$\sigma(x) = 1/(1 + e^{-x})$: you used $e^{+x}$, which gives $\sigma(-x)$.",
            _when(_is("sigmoid", "value"), lambda p: clean(sigmoid(-p["x"])))),
    Mistake("relu-derivative-one-at-zero", "At $x = 0$ PyTorch uses the left slope ($x > 0$ is false), "
            "not 1.", _when(_at_kink, lambda p: 1.0)),
    # (its value at 0 is 0 with or without the slope; its derivative there is a, not 0)
    Mistake("leaky-slope-ignored", "Leaky ReLU does not zero negative inputs: it multiplies them by $a$.",
            _when(lambda p: p["function"] == "leaky-relu" and (p["x"] < 0 or _at_kink(p)), lambda p: 0.0)),
)

ACTIVATION = Generator(
    id="ml.activation",
    title="Value or derivative of an activation function",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=_hints,
    mistakes=MISTAKES,
    tags=("activation",),
)

GENERATORS = [ACTIVATION]
