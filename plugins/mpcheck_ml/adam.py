"""One Adam step with bias correction (Kingma & Ba, 2015).

    m ← β1 m + (1 − β1) g                 first moment (moving average of gradients)
    v ← β2 v + (1 − β2) g ⊙ g             second moment (moving average of squared gradients)
    m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)   bias correction: m and v start at 0
    θ ← θ − η m̂ / (√v̂ + ε)

t counts steps from 1 (this step included). PyTorch's Adam computes exactly this, with ε added
after the square root of the bias-corrected v̂ (denom = √v / √(1 − β2^t) + ε), so its state
{exp_avg: m, exp_avg_sq: v, step: t − 1} reproduces this step.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec
from mpcheck_ml.common import paren

KEYS = ("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps")
MAX_T = 1_000_000
MAX_ENTRY = 1e6


def moments(p: dict) -> tuple[list[float], list[float]]:
    b1, b2 = p["beta1"], p["beta2"]
    # m ← β1 m + (1 − β1) g
    m = [b1 * mi + (1 - b1) * g for mi, g in zip(p["m"], p["grad"])]
    # v ← β2 v + (1 − β2) g²
    v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(p["v"], p["grad"])]
    return m, v


def adam_step(p: dict, *, correct_m: bool = True, correct_v: bool = True, t: int | None = None,
              fresh_moments: bool = True, root=math.sqrt, sign: float = -1.0) -> list[float]:
    """The update; the keyword switches replay a wrong variant for the mistakes."""
    t = p["t"] if t is None else t
    m, v = moments(p) if fresh_moments else (p["m"], p["v"])
    # m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
    m_hat = [mi / (1 - p["beta1"] ** t) for mi in m] if correct_m else m
    v_hat = [vi / (1 - p["beta2"] ** t) for vi in v] if correct_v else v
    # θ ← θ − η m̂ / (√v̂ + ε)
    return [th + sign * p["lr"] * mh / (root(vh) + p["eps"]) for th, mh, vh in zip(p["theta"], m_hat, v_hat)]


def _solve(p: dict) -> list[float]:
    return adam_step(p)


def _sample(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2, 3])
    while True:
        t = sampling.pick(rng, [1, 1, 2, 3, 5, 10])
        fresh = t == 1
        p = {"theta": [sampling.pick(rng, [float(sampling.ints(rng, -2, 2)), sampling.decimals(rng, -2, 2, 1)])
                       for _ in range(n)],
             "grad": [sampling.pick(rng, [float(sampling.pick(rng, [-3, -2, -1, 1, 2, 3])),
                                          sampling.decimals(rng, -2, 2, 1)]) for _ in range(n)],
             "m": [0.0] * n if fresh else sampling.decimals(rng, -1, 1, 1, n),
             "v": [0.0] * n if fresh else sampling.decimals(rng, 0.1, 2, 1, n),
             "t": t, "lr": sampling.pick(rng, [0.1, 0.1, 0.01, 0.5]),
             "beta1": sampling.pick(rng, [0.9, 0.9, 0.5]), "beta2": sampling.pick(rng, [0.999, 0.99, 0.9]),
             "eps": 1e-8}
        if _visible_step(p):
            return p


def _visible_step(p: dict) -> bool:
    """Every coordinate moves by well over the answer's tolerance, so "θ unchanged" is wrong,
    and no gradient is zero."""
    new = adam_step(p)
    return all(g != 0 and abs(a - b) > 20 * (1e-3 * abs(a) + 1e-6)
               for a, b, g in zip(new, p["theta"], p["grad"]))


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    theta = P.vector(p, "theta")
    for key in ("grad", "m", "v"):
        P.vector(p, key, len(theta))
    for key in ("theta", "grad", "m", "v"):
        if any(abs(x) > MAX_ENTRY for x in p[key]):
            raise ParamsError(f"params: {key!r} entries must lie in [−{MAX_ENTRY:g}, {MAX_ENTRY:g}]")
    if any(x < 0 for x in p["v"]):
        raise ParamsError("params: 'v' is a moving average of squared gradients, so it must be ≥ 0")
    P.integer(p, "t", 1, MAX_T)
    P.real(p, "lr", 0, 10, strict_lo=True)
    for key in ("beta1", "beta2"):
        value = P.real(p, key, 0, 1)
        if value >= 1:
            raise ParamsError(f"params: {key!r} must be in [0, 1) (1 − {key}^t is a divisor), got {value}")
    P.real(p, "eps", 0, 1)
    if p["eps"] == 0 and any(v == 0 for v in moments(p)[1]):
        raise ParamsError("params: with eps = 0 a zero second moment makes the step divide by zero")


def _prompt(p: dict) -> str:
    return "\n".join([
        f"Adam is about to take step $t = {p['t']}$ at $\\theta = {exact_vec(p['theta'])}$ with gradient "
        f"$g = {exact_vec(p['grad'])}$.",
        f"Its moments before this step are $m = {exact_vec(p['m'])}$ and $v = {exact_vec(p['v'])}$; "
        f"$\\eta = {exact(p['lr'])}$, $\\beta_1 = {exact(p['beta1'])}$, $\\beta_2 = {exact(p['beta2'])}$, "
        f"$\\varepsilon = {exact(p['eps'])}$.",
        r"Update: $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$, "
        r"$\hat{m} = m/(1 - \beta_1^t)$, $\hat{v} = v/(1 - \beta_2^t)$,",
        r"$\theta \leftarrow \theta - \eta \hat{m}/(\sqrt{\hat{v}} + \varepsilon)$, all element-wise. "
        r"Give the new $\theta$."])


def _solution(p: dict) -> str:
    t, b1, b2 = p["t"], p["beta1"], p["beta2"]
    m, v = moments(p)
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    m_hat, v_hat = [x / c1 for x in m], [x / c2 for x in v]
    lines = [
        f"$m = {num(b1)} \\cdot {vec(p['m'])} + {num(1 - b1)} \\cdot {vec(p['grad'])} = {vec(m)}$",
        f"$v = {num(b2)} \\cdot {vec(p['v'])} + {num(1 - b2)} \\cdot {vec([g * g for g in p['grad']])} = {vec(v, 6)}$",
        f"Bias correction: $1 - \\beta_1^t = 1 - {num(b1)}^{{{t}}} = {num(c1, 6)}$ and "
        f"$1 - \\beta_2^t = 1 - {num(b2)}^{{{t}}} = {num(c2, 6)}$",
        f"$\\hat{{m}} = m/{num(c1, 6)} = {vec(m_hat)}$ and $\\hat{{v}} = v/{num(c2, 6)} = {vec(v_hat)}$",
        r"$\theta \leftarrow \theta - \eta \hat{m}/(\sqrt{\hat{v}} + \varepsilon)$, coordinate by coordinate:",
        *(f"$\\theta_{i + 1}: {num(th)} - {num(p['lr'])} \\cdot {paren(mh)}/(\\sqrt{{{num(vh)}}} + {num(p['eps'])}) "
          f"= {num(new, 6)}$"
          for i, (th, mh, vh, new) in enumerate(zip(p["theta"], m_hat, v_hat, _solve(p)))),
        f"$\\theta = {vec(_solve(p), 6)}$"]
    if t == 1 and not any(p["m"]) and not any(p["v"]):
        lines.append(r"At $t = 1$ from zero moments, $\hat{m} = g$ and $\hat{v} = g^2$, so every coordinate moves "
                     r"by $\eta$ against the sign of its gradient, $\theta \leftarrow \theta - \eta \operatorname{sign}(g)$: "
                     "Adam's first step ignores the gradient's size.")
    return "\n".join(lines)


ADAM_STEP = Generator(
    id="ml.adam-step",
    title="One Adam step with bias correction",
    # an update: the step θ_new − θ is judged (a step a few percent off never hides inside a
    # tolerance relative to θ), while the answer stays the new θ
    answer_kind=Vector(step_from="theta"),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Update $m$ and $v$ with this step's gradient first.",
                     f"Bias correction divides by $1 - \\beta^t$ with $t = {p['t']}$: it matters most early on."],
    mistakes=(
        Mistake("missing-bias-correction", r"You skipped the bias correction: $\hat{m} = m/(1 - \beta_1^t)$ and "
                r"$\hat{v} = v/(1 - \beta_2^t)$ undo the pull towards the zero initialisation.",
                lambda p: adam_step(p, correct_m=False, correct_v=False)),
        Mistake("bias-correction-first-moment-only", r"Correct the second moment too: $\hat{v} = v/(1 - \beta_2^t)$.",
                lambda p: adam_step(p, correct_v=False)),
        Mistake("forgot-the-minus", r"Adam steps against the gradient: "
                r"$\theta \leftarrow \theta - \eta \hat{m}/(\sqrt{\hat{v}} + \varepsilon)$.",
                lambda p: adam_step(p, sign=1.0)),
        Mistake("forgot-square-root", r"Divide by $\sqrt{\hat{v}}$ (the gradient's scale), not by $\hat{v}$.",
                lambda p: adam_step(p, root=lambda x: x)),
        Mistake("used-old-moments", "Update $m$ and $v$ with this step's gradient before using them.",
                lambda p: adam_step(p, fresh_moments=False) if all(p["v"]) else None),
        Mistake("bias-correction-off-by-one", r"$t$ is the number of this step, counting from 1: use $\beta^t$, "
                r"not $\beta^{t-1}$.",
                lambda p: adam_step(p, t=p["t"] - 1) if p["t"] > 1 else None),
        Mistake("bias-correction-one-step-ahead", r"$t$ already counts this step: the correction is $1 - \beta^t$, "
                r"not $1 - \beta^{t+1}$.", lambda p: adam_step(p, t=p["t"] + 1)),
    ),
    tags=("optimisation", "adam"),
    difficulty=2,
)

GENERATORS = [ADAM_STEP]
