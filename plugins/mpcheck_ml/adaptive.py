"""One step of AdaGrad or RMSProp: per-coordinate learning rates from accumulated squared gradients.

    AdaGrad:  r ← r + g ⊙ g,                 θ ← θ − ε g / (δ + √r)
    RMSProp:  r ← ρ r + (1 − ρ) g ⊙ g,       θ ← θ − ε g / (δ + √r)

AdaGrad's r only grows, so its steps shrink for good (possibly too early); RMSProp's moving
average forgets the distant past. Deep Learning (Goodfellow et al.) writes RMSProp's denominator
as √(δ + r); PyTorch adds δ outside the root, as here. With δ ~ 1e-8 the two differ far below
exam precision, and the prompt states the formula used.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec
from mpcheck_ml.common import clean_vec, paren

MAX_DIM = 16


def accumulate(p: dict, rule: str) -> list[float]:
    if rule == "adagrad":
        # r ← r + g ⊙ g
        return [r + g * g for r, g in zip(p["r"], p["grad"])]
    # r ← ρ r + (1 − ρ) g ⊙ g
    rho = p["rho"]
    return [rho * r + (1 - rho) * g * g for r, g in zip(p["r"], p["grad"])]


def scaled_step(p: dict, r: list[float], root=math.sqrt, sign: float = -1.0) -> list[float]:
    # θ ← θ − ε g / (δ + √r)
    return [t + sign * p["lr"] * g / (p["eps"] + root(ri)) for t, g, ri in zip(p["theta"], p["grad"], r)]


def solve(p: dict, rule: str) -> dict:
    r = accumulate(p, rule)
    return {"r": clean_vec(r), "theta": clean_vec(scaled_step(p, r))}


def _sample(rng, rule: str) -> dict:
    n = sampling.pick(rng, [1, 2, 2])
    grad = [float(sampling.pick(rng, [-4, -3, -2, -1, 1, 2, 3, 4])) for _ in range(n)]
    if rule == "adagrad":
        # r_old = s² − g² with s ≥ |g| makes √r_new = s: a whole number
        r = [float((abs(g) + sampling.ints(rng, 0, 3)) ** 2 - g * g) for g in grad]
    else:
        r = [sampling.pick(rng, [0.0, sampling.decimals(rng, 0.5, 4, 1)]) for _ in grad]
    p = {"theta": [float(t) for t in sampling.ints(rng, -3, 3, n)], "grad": grad, "r": r,
         "lr": sampling.pick(rng, [0.1, 0.5, 1]), "eps": sampling.pick(rng, [1e-8, 1e-7, 1e-6])}
    if rule == "rmsprop":
        p["rho"] = sampling.pick(rng, [0.9, 0.99, 0.5, 0.75])
    return p


def _validate(p: dict, rule: str) -> None:
    P.check_keys(p, ("theta", "grad", "r", "lr", "eps", *(("rho",) if rule == "rmsprop" else ())))
    theta = P.vector(p, "theta", max_length=MAX_DIM)
    P.vector(p, "grad", len(theta))
    if any(r < 0 for r in P.vector(p, "r", len(theta))):
        raise ParamsError("params: 'r' accumulates squared gradients, so its entries must be ≥ 0")
    P.real(p, "lr", 0, 10, strict_lo=True)
    P.real(p, "eps", 0, 1)
    if rule == "rmsprop":
        P.real(p, "rho", 0, 1)
    for key in ("theta", "grad", "r"):
        if any(abs(x) > 1e6 for x in p[key]):
            raise ParamsError(f"params: {key!r} entries must lie in [−1e6, 1e6]")
    if p["eps"] == 0 and any(r == 0 for r in accumulate(p, rule)):
        raise ParamsError("params: with eps = 0 an entry of r stays 0 and the step divides by zero")


def _prompt(p: dict, rule: str) -> str:
    update = (r"$r \leftarrow r + g \odot g$" if rule == "adagrad"
              else f"$r \\leftarrow \\rho r + (1 - \\rho)\\, g \\odot g$ with $\\rho = {exact(p['rho'])}$")
    name = "AdaGrad" if rule == "adagrad" else "RMSProp"
    return "\n".join([
        f"{name} is at $\\theta = {exact_vec(p['theta'])}$ with accumulator $r = {exact_vec(p['r'])}$; the gradient is "
        f"$g = {exact_vec(p['grad'])}$. Learning rate $\\epsilon = {exact(p['lr'])}$, $\\delta = {exact(p['eps'])}$.",
        f"One step does {update}, then $\\theta \\leftarrow \\theta - \\epsilon g/(\\delta + \\sqrt{{r}})$ "
        "element-wise (with the new $r$).",
        r"Give r: the new accumulator, and theta: the new $\theta$."])


def _solution(p: dict, rule: str) -> str:
    r = accumulate(p, rule)
    answer = solve(p, rule)
    if rule == "adagrad":
        acc = f"$r = r + g^2 = {vec(p['r'])} + {vec([g * g for g in p['grad']])} = {vec(answer['r'])}$"
    else:
        rho = p["rho"]
        acc = (f"$r = \\rho r + (1 - \\rho) g^2 = {num(rho)} \\cdot {vec(p['r'])} + {num(1 - rho)} \\cdot "
               f"{vec([g * g for g in p['grad']])} = {vec(answer['r'])}$")
    steps = [f"$\\theta_{i + 1}: {num(t)} - {num(p['lr'])} \\cdot {paren(g)}/({num(p['eps'])} + \\sqrt{{{num(ri)}}}) "
             f"= {num(new)}$"
             for i, (t, g, ri, new) in enumerate(zip(p["theta"], p["grad"], r, answer["theta"]))]
    return "\n".join([acc, f"$\\sqrt{{r}} = {vec([math.sqrt(v) for v in r])}$", *steps,
                      r"$\delta$ only guards against division by zero; it is negligible here."])


def _old_accumulator(p: dict, rule: str):
    # dividing by √r before adding g²: meaningless where the old r is 0 (a division by δ alone)
    if any(r == 0 for r in p["r"]):
        return None
    return {**solve(p, rule), "theta": clean_vec(scaled_step(p, p["r"]))}


def _with_theta(p: dict, rule: str, **wrong_step) -> dict:
    """The right accumulator with a wrongly taken step."""
    r = accumulate(p, rule)
    return {"r": clean_vec(r), "theta": clean_vec(scaled_step(p, r, **wrong_step))}


def _mistakes(rule: str) -> tuple[Mistake, ...]:
    common = (
        Mistake("forgot-the-minus", r"The step goes against the gradient: "
                r"$\theta \leftarrow \theta - \epsilon g/(\delta + \sqrt{r})$.",
                lambda p: _with_theta(p, rule, sign=1.0)),
        Mistake("forgot-square-root", r"Divide by $\sqrt{r}$ (a gradient scale), not by $r$ itself.",
                lambda p: _with_theta(p, rule, root=lambda r: r)),
        Mistake("used-old-accumulator", "Update $r$ first, then divide by the square root of the new $r$.",
                lambda p: _old_accumulator(p, rule)),
    )
    if rule == "adagrad":
        return common
    return common + (
        Mistake("swapped-decay-weights", r"$\rho$ weights the old average and $1 - \rho$ the new squared gradient.",
                lambda p: solve({**p, "rho": 1 - p["rho"]}, rule)),
        Mistake("adagrad-accumulation", r"RMSProp decays the old accumulator: $r \leftarrow \rho r + (1 - \rho) g^2$, "
                "not $r + g^2$ (that is AdaGrad).", lambda p: solve(p, "adagrad")),
    )


def _generator(rule: str) -> Generator:
    name = "AdaGrad" if rule == "adagrad" else "RMSProp"
    return Generator(
        id=f"ml.{rule}-step",
        title=f"One {name} step",
        # both are updates: their steps (r_new − r, θ_new − θ) are judged, the answers stay the new values
        answer_kind=Parts({"r": Vector(step_from="r"), "theta": Vector(step_from="theta")}),
        sample_params=lambda rng: _sample(rng, rule),
        validate_params=lambda p: _validate(p, rule),
        solve=lambda p: solve(p, rule),
        prompt=lambda p: _prompt(p, rule),
        solution=lambda p: _solution(p, rule),
        hints=lambda p: ["Update the accumulator $r$ first, element by element.",
                         r"Each coordinate gets its own step size $\epsilon/(\delta + \sqrt{r})$."],
        mistakes=_mistakes(rule),
        tags=("optimisation", rule),
        difficulty=2,
    )


ADAGRAD_STEP = _generator("adagrad")
RMSPROP_STEP = _generator("rmsprop")

GENERATORS = [ADAGRAD_STEP, RMSPROP_STEP]
