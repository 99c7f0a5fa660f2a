"""Gradient of softmax + cross-entropy with respect to the logits.

For ŷ = softmax(z) and a one-hot target y, L = −Σ y_k log ŷ_k and

    ∂ŷ_k/∂z_i = ŷ_k([k = i] − ŷ_i)      (the softmax Jacobian: diagonal AND off-diagonal terms)
    ∂L/∂z_i   = Σ_k (−y_k/ŷ_k) ŷ_k([k = i] − ŷ_i) = ŷ_i Σ_k y_k − y_i = ŷ_i − y_i

which is what autograd gives for F.cross_entropy(z, target).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import num, vec
from mpcheck_ml.common import clean_vec, log_name, one_hot, show_vec, softmax, sub

MAX_LOGIT = 1000.0


def softmax_ce_grad(logits: list[float], target: int) -> list[float]:
    # ∂L/∂z = softmax(z) − onehot(target)
    y_hat = softmax(logits)
    return [-_rest(y_hat, i) if i == target else y for i, y in enumerate(y_hat)]


def _rest(y_hat: list[float], target: int) -> float:
    # 1 − ŷ_t = Σ_{k≠t} ŷ_k: summed, not subtracted, so it keeps its digits when ŷ_t is close to 1
    return math.fsum(y for k, y in enumerate(y_hat) if k != target)


def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 3, 3, 3, 4])
    while True:
        if rng.random() < 0.5:
            # z_i = ln k_i makes softmax(z)_i = k_i / Σ k: exact fractions by hand
            logits = [math.log(k) for k in sampling.ints(rng, 1, 6, n)]
        else:
            logits = [float(v) for v in sampling.ints(rng, -2, 3, n)]
        if len(set(logits)) > 1:
            return {"logits": logits, "target": sampling.ints(rng, 0, n - 1)}


def _validate(p: dict) -> None:
    P.check_keys(p, ("logits", "target"))
    logits = P.vector(p, "logits", min_length=2)
    P.integer(p, "target", 0, len(logits) - 1)
    if any(abs(z) > MAX_LOGIT for z in logits):
        raise ParamsError(f"params: 'logits' must lie in [−{MAX_LOGIT:g}, {MAX_LOGIT:g}]")


def _solve(p: dict) -> list[float]:
    return clean_vec(softmax_ce_grad(p["logits"], p["target"]))


def _prompt(p: dict) -> str:
    n = len(p["logits"])
    return (f"A classifier over {n} classes (numbered 0 to {n - 1}) outputs logits $z = {show_vec(p['logits'])}$. "
            f"The true class is ${p['target']}$.\nWith $\\hat{{y}} = \\operatorname{{softmax}}(z)$ and the "
            r"cross-entropy loss $L = -\sum_k y_k \log \hat{y}_k$ ($y$ one-hot), compute the gradient "
            r"$\partial L/\partial z$.")


def _solution(p: dict) -> str:
    z, t = p["logits"], p["target"]
    y_hat = softmax(z)
    # logits ln k_i (k_i ≥ 1) give e^z = k: show the exact fractions
    exact = all(v == 0 or (v > 0 and log_name(v)) for v in z)
    if exact:
        ks = [round(math.exp(v)) for v in z]
        step = (f"$e^z = {vec(ks)}$ with $\\sum = {sum(ks)}$, so $\\hat{{y}} = [" +
                ", ".join(f"{k}/{sum(ks)}" for k in ks) + f"] = {vec(y_hat)}$")
    elif max(abs(v) for v in z) <= 30:
        exps = [math.exp(v) for v in z]
        step = (f"$e^z = {vec(exps)}$ with $\\sum = {num(sum(exps))}$, so "
                f"$\\hat{{y}} = e^z/\\sum = {vec(y_hat)}$")
    else:
        # e^1000 overflows a double: shift by the largest logit first, the ratios do not change
        top = max(z)
        exps = [math.exp(v - top) for v in z]
        step = (f"with $m = \\max z = {num(top)}$: $e^{{z - m}} = {vec(exps)}$ with $\\sum = {num(sum(exps))}$, "
                f"so $\\hat{{y}} = e^{{z - m}}/\\sum = {vec(y_hat)}$")
    return "\n".join([
        r"For softmax followed by cross-entropy, $\partial L/\partial z_i = \hat{y}_i - y_i$: the "
        r"$-y_i/\hat{y}_i$ from the log cancels against the softmax Jacobian "
        r"$\hat{y}_k([k = i] - \hat{y}_i)$, off-diagonal terms included.",
        step,
        f"$y = \\operatorname{{onehot}}({t}) = {vec(one_hot(t, len(z)))}$",
        f"$\\partial L/\\partial z = \\hat{{y}} - y = {vec(_solve(p))}$",
        r"Check: the entries sum to 0, since $\sum \hat{y} = \sum y = 1$."])


def _diagonal_only(p: dict) -> list[float]:
    # using only ∂ŷ_i/∂z_i = ŷ_i(1 − ŷ_i): −(y_i/ŷ_i)·ŷ_i(1 − ŷ_i) = −y_i(1 − ŷ_i), zero off the target
    y_hat = softmax(p["logits"])
    return clean_vec([-_rest(y_hat, i) if i == p["target"] else 0.0 for i in range(len(y_hat))])


def _wrt_probabilities(p: dict) -> list[float]:
    # ∂L/∂ŷ_k = −y_k/ŷ_k: the gradient one step before the softmax
    y_hat = softmax(p["logits"])
    return clean_vec([-1 / y_hat[i] if i == p["target"] else 0.0 for i in range(len(y_hat))])


SOFTMAX_CE_GRAD = Generator(
    id="ml.softmax-ce-grad",
    title="Gradient of softmax and cross-entropy with respect to the logits",
    answer_kind=Vector(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"Compute $\hat{y} = \operatorname{softmax}(z)$ first.",
                     r"The combined gradient is remarkably simple: $\partial L/\partial z = \hat{y} - y$."],
    mistakes=(
        Mistake("softmax-diagonal-only", r"You used only the diagonal of the softmax Jacobian, "
                r"$\hat{y}_i(1 - \hat{y}_i)$. The off-diagonal terms $-\hat{y}_k \hat{y}_i$ make the other entries "
                r"$\hat{y}_i$, not 0: $\partial L/\partial z = \hat{y} - y$.",
                _diagonal_only),
        Mistake("sign-flipped", r"The sign is flipped: $\partial L/\partial z = \hat{y} - y$ (raising the true "
                "logit lowers the loss, so its gradient entry is negative).",
                lambda p: clean_vec([-g for g in softmax_ce_grad(p["logits"], p["target"])])),
        Mistake("forgot-one-hot", r"That is $\hat{y}$ alone; subtract the one-hot target: "
                r"$\partial L/\partial z = \hat{y} - y$.",
                lambda p: clean_vec(softmax(p["logits"]))),
        Mistake("forgot-softmax", r"Apply the softmax to the logits first: "
                r"$\partial L/\partial z = \operatorname{softmax}(z) - y$, not $z - y$.",
                lambda p: clean_vec(sub(p["logits"], one_hot(p["target"], len(p["logits"]))))),
        Mistake("gradient-wrt-probabilities", r"That is $\partial L/\partial \hat{y} = -y/\hat{y}$; chain it "
                r"through the softmax to get $\partial L/\partial z = \hat{y} - y$.", _wrt_probabilities),
    ),
    tags=("softmax", "cross-entropy", "gradient"),
    difficulty=2,
)

GENERATORS = [SOFTMAX_CE_GRAD]
