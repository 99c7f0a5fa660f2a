"""An affine coupling layer (RealNVP), forward and inverse (flows.coupling-forward, -inverse).

The input splits into a half A that is transformed and a half B that conditions it; here the
conditioner is linear, s = W_s x_B and t = W_t x_B:

    forward   y_A = x_A ⊙ exp(s(x_B)) + t(x_B),   y_B = x_B,   log|det J| = Σ_i s_i(x_B)
    inverse   x_B = y_B,   x_A = (y_A − t(y_B)) ⊙ exp(−s(y_B)),   log|det J⁻¹| = −Σ_i s_i(y_B)

The Jacobian is triangular (y_B does not depend on x_A), with exp(s) and ones on its diagonal:
its log-determinant costs a sum, however complicated s and t are.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact_vec, num, paren, vec
from mpcheck_flows.linalg import matvec

HALVES = ("first", "second")
MAX_SIZE = 16
MAX_ENTRY = 100.0
MAX_SCALE = 30.0  # |s_i| ≤ 30 keeps exp(±s) far from overflow


def split(v: list[float], half: str) -> tuple[list[float], list[float]]:
    """(v_A, v_B): the transformed half and the conditioning half."""
    k = len(v) // 2
    return (v[:k], v[k:]) if half == "first" else (v[k:], v[:k])


def join(a: list[float], b: list[float], half: str) -> list[float]:
    return a + b if half == "first" else b + a


def conditioner(p: dict, given: list[float]) -> tuple[list[float], list[float]]:
    # s = W_s x_B,  t = W_t x_B
    return matvec(p["W_s"], given), matvec(p["W_t"], given)


def other(half: str) -> str:
    return "second" if half == "first" else "first"


def forward(p: dict, *, half: str | None = None, order: str = "scale-then-shift", scale=math.exp) -> dict:
    half = half or p["half"]
    x_a, x_b = split(p["x"], half)
    s, t = conditioner(p, x_b)
    if order == "scale-then-shift":
        # y_A = x_A ⊙ exp(s) + t
        y_a = [xa * scale(si) + ti for xa, si, ti in zip(x_a, s, t)]
    else:
        y_a = [(xa + ti) * scale(si) for xa, si, ti in zip(x_a, s, t)]
    # log|det J| = Σ_i s_i: the diagonal of the triangular Jacobian is exp(s) and ones
    return {"y": join(y_a, x_b, half), "log_det": sum(s)}


def inverse(p: dict, *, half: str | None = None, order: str = "unshift-then-unscale", sign: float = -1.0) -> dict:
    half = half or p["half"]
    y_a, y_b = split(p["y"], half)
    # y_B = x_B, so the conditioner sees exactly what it saw going forward
    s, t = conditioner(p, y_b)
    if order == "unshift-then-unscale":
        # x_A = (y_A − t) ⊙ exp(−s)
        x_a = [(ya - ti) * math.exp(sign * si) for ya, si, ti in zip(y_a, s, t)]
    else:
        x_a = [ya * math.exp(sign * si) - ti for ya, si, ti in zip(y_a, s, t)]
    return {"x": join(x_a, y_b, half), "log_det": -sum(s)}


def _sample(rng, key: str) -> dict:
    d = sampling.pick(rng, [2, 4, 4])
    k = d // 2
    weights = lambda: [sampling.decimals(rng, -1, 1, 1, k) for _ in range(k)]  # noqa: E731
    while True:
        p = {key: sampling.decimals(rng, -2, 2, 1, d), "W_s": weights(), "W_t": weights(),
             "half": sampling.pick(rng, list(HALVES))}
        s, _ = conditioner(p, split(p[key], p["half"])[1])
        # a visible scale in every coordinate, and a log-determinant away from 0
        if all(abs(v) >= 0.1 for v in s) and abs(sum(s)) >= 0.1 and all(abs(v) <= 2 for v in s):
            return p


def _validate(p: dict, key: str) -> None:
    P.check_keys(p, (key, "W_s", "W_t", "half"))
    P.one_of(p, "half", HALVES)
    v = P.vector(p, key, min_length=2, max_length=MAX_SIZE)
    if len(v) % 2:
        raise ParamsError(f"params: {key!r} must have an even length, so that it splits into two halves")
    k = len(v) // 2
    for name in ("W_s", "W_t"):
        P.matrix(p, name, k, k)
    if any(abs(x) > MAX_ENTRY for x in v) or any(abs(x) > MAX_ENTRY for m in ("W_s", "W_t") for row in p[m] for x in row):
        raise ParamsError(f"params: entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")
    # the mistakes condition on the other half too: every scale they could compute must be usable
    for half in HALVES:
        s, _ = conditioner(p, split(v, half)[1])
        if any(abs(x) > MAX_SCALE for x in s):
            raise ParamsError(f"params: the scales s = W_s x_B reach {max(map(abs, s)):g}; keep |s_i| ≤ {MAX_SCALE:g}, "
                              "or exp(s) overflows the exercise")


def _layer_text(p: dict, d: int) -> str:
    k = d // 2
    a_idx, b_idx = (range(1, k + 1), range(k + 1, d + 1)) if p["half"] == "first" else (range(k + 1, d + 1), range(1, k + 1))
    def sub(idx) -> str:
        names = ", ".join(f"x_{{{i}}}" for i in idx)
        return f"({names})" if k > 1 else names
    return (f"An affine coupling layer on $\\mathbb{{R}}^{{{d}}}$ transforms the half $x_A = {sub(a_idx)}$ and keeps "
            f"$x_B = {sub(b_idx)}$; its conditioner is linear, $s = W_s\\, x_B$ and $t = W_t\\, x_B$, with\n"
            f"$$W_s = {bmatrix(p['W_s'], 15)}, \\quad W_t = {bmatrix(p['W_t'], 15)}$$")


def _prompt_forward(p: dict) -> str:
    return "\n".join([_layer_text(p, len(p["x"])),
                      "and $y_A = x_A \\odot \\exp(s) + t$, $y_B = x_B$.",
                      f"For $x = {exact_vec(p['x'])}$, give the output $y$ (part y) and $\\log|\\det J|$ of the "
                      "layer at $x$ (part log_det)."])


def _prompt_inverse(p: dict) -> str:
    return "\n".join([_layer_text(p, len(p["y"])),
                      "and the forward map $y_A = x_A \\odot \\exp(s) + t$, $y_B = x_B$.",
                      f"The layer produced $y = {exact_vec(p['y'])}$. Invert it: give $x$ (part x) and the "
                      "log-determinant of the inverse map, $\\log\\left|\\det \\frac{\\partial x}{\\partial y}\\right|$ "
                      "(part log_det)."])


def _conditioner_lines(p: dict, given: list[float], name: str) -> tuple[list[str], list[float], list[float]]:
    s, t = conditioner(p, given)
    return ([f"${name}_B = {vec(given, 15)}$, so $s = W_s\\, {name}_B = {vec(s, 6)}$ and $t = W_t\\, {name}_B = {vec(t, 6)}$"],
            s, t)


def _solution_forward(p: dict) -> str:
    x_a, x_b = split(p["x"], p["half"])
    lines, s, t = _conditioner_lines(p, x_b, "x")
    answer = forward(p)
    y_a = split(answer["y"], p["half"])[0]
    lines.append("$y_A = x_A \\odot \\exp(s) + t$: " + ", ".join(
        f"${num(xa, 15)} \\cdot e^{{{num(si, 6)}}} + {paren(ti, 6)} = {num(ya, 6)}$" for xa, si, ti, ya in zip(x_a, s, t, y_a)))
    lines.append(f"$y_B = x_B$ is copied, so $y = {vec(answer['y'], 6)}$.")
    lines.append("The Jacobian is triangular: $\\partial y_B/\\partial x_A = 0$, the diagonal holds $\\exp(s_i)$ for $A$ "
                 f"and ones for $B$. So $\\log|\\det J| = \\sum_i s_i = {num(answer['log_det'], 6)}$ "
                 "(the derivatives of $s$ and $t$ sit off the diagonal and never enter).")
    return "\n".join(lines)


def _solution_inverse(p: dict) -> str:
    y_a, y_b = split(p["y"], p["half"])
    lines = ["$x_B = y_B$: the conditioning half passes through unchanged, so $s$ and $t$ can be recomputed from $y_B$."]
    more, s, t = _conditioner_lines(p, y_b, "y")
    lines += more
    answer = inverse(p)
    x_a = split(answer["x"], p["half"])[0]
    lines.append("$x_A = (y_A - t) \\odot \\exp(-s)$: " + ", ".join(
        f"$({num(ya, 15)} - {paren(ti, 6)}) \\cdot e^{{{num(-si, 6)}}} = {num(xa, 6)}$" for ya, si, ti, xa in zip(y_a, s, t, x_a)))
    lines.append(f"So $x = {vec(answer['x'], 6)}$.")
    lines.append("The inverse map's Jacobian is the inverse of the forward one: $\\log\\left|\\det \\frac{\\partial x}{\\partial y}"
                 f"\\right| = -\\sum_i s_i = {num(answer['log_det'], 6)}$.")
    return "\n".join(lines)


def _wrong_half(solve, key: str):
    return lambda p: solve(p, half=other(p["half"]))


def _forward_without_exp(p: dict) -> dict | None:
    s, _ = conditioner(p, split(p["x"], p["half"])[1])
    if any(v == 0 for v in s):
        return None
    return {"y": forward(p, scale=lambda v: v)["y"], "log_det": sum(math.log(abs(v)) for v in s)}


COUPLING_FORWARD = Generator(
    id="flows.coupling-forward",
    title="Affine coupling layer: forward pass and log-determinant",
    answer_kind=Parts({"y": Vector(), "log_det": Real()}),
    sample_params=lambda rng: _sample(rng, "x"),
    validate_params=lambda p: _validate(p, "x"),
    solve=forward,
    prompt=_prompt_forward,
    solution=_solution_forward,
    hints=lambda p: ["Compute $s$ and $t$ from the half that is kept, $x_B$; it is copied to $y_B$.",
                     "The Jacobian is triangular: its log-determinant is the sum of the logs of its diagonal."],
    mistakes=(
        Mistake("conditioned-on-wrong-half", "You transformed the other half: $s$ and $t$ are computed from $x_B$ "
                "(the half that is copied) and applied to $x_A$.", _wrong_half(forward, "x")),
        Mistake("shift-before-scale", "The shift comes after the scale: $y_A = x_A \\odot \\exp(s) + t$, not "
                "$(x_A + t) \\odot \\exp(s)$.", lambda p: {"y": forward(p, order="shift-then-scale")["y"]}),
        Mistake("scale-without-exp", "The scale is $\\exp(s)$, always positive, which keeps the layer invertible; "
                "you multiplied by $s$ itself.", _forward_without_exp),
        Mistake("log-det-sign", "Going forward, $\\log|\\det J| = +\\sum_i s_i$; $-\\sum_i s_i$ is the inverse's.",
                lambda p: {"log_det": -forward(p)["log_det"]}),
        Mistake("det-not-log-det", "You gave $\\det J = \\exp(\\sum_i s_i)$: the question asks for its log.",
                lambda p: {"log_det": math.exp(forward(p)["log_det"])}),
    ),
    tags=("coupling", "logdet"),
    difficulty=2,
)

COUPLING_INVERSE = Generator(
    id="flows.coupling-inverse",
    title="Affine coupling layer: inverse pass and log-determinant",
    answer_kind=Parts({"x": Vector(), "log_det": Real()}),
    sample_params=lambda rng: _sample(rng, "y"),
    validate_params=lambda p: _validate(p, "y"),
    solve=inverse,
    prompt=_prompt_inverse,
    solution=_solution_inverse,
    hints=lambda p: ["$y_B = x_B$: recompute $s$ and $t$ from $y_B$.",
                     "Undo the forward steps in reverse order: first subtract $t$, then divide by $\\exp(s)$."],
    mistakes=(
        Mistake("conditioned-on-wrong-half", "You inverted the other half: the half that was copied, $y_B$, "
                "gives $s$ and $t$, and the other half is solved for.", _wrong_half(inverse, "y")),
        Mistake("unscaled-before-unshifting", "Undo the shift first: $x_A = (y_A - t) \\odot \\exp(-s)$, not "
                "$y_A \\odot \\exp(-s) - t$.", lambda p: {"x": inverse(p, order="unscale-then-unshift")["x"]}),
        Mistake("multiplied-by-exp-s", "Inverting multiplies by $\\exp(-s)$: the forward pass multiplied by $\\exp(s)$.",
                lambda p: {"x": inverse(p, sign=1.0)["x"]}),
        Mistake("log-det-sign", "The inverse map has the inverse Jacobian: $\\log|\\det \\partial x/\\partial y| = "
                "-\\sum_i s_i$.", lambda p: {"log_det": -inverse(p)["log_det"]}),
        Mistake("det-not-log-det", "You gave the determinant $\\exp(-\\sum_i s_i)$: the question asks for its log.",
                lambda p: {"log_det": math.exp(inverse(p)["log_det"])}),
    ),
    tags=("coupling", "logdet", "inverse"),
    difficulty=2,
)

GENERATORS = [COUPLING_FORWARD, COUPLING_INVERSE]
