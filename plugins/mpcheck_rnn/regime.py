"""Vanishing or exploding gradients, from the recurrent matrix and the activation.

The Jacobian of one step is ∂h_i/∂h_{i−1} = W_hhᵀ diag f'(a_i). With λ₁ the largest singular
value of W_hh (its spectral norm) and ‖diag f'‖ ≤ γ,

    ‖∂h_t/∂h_k‖ ≤ Π_{i=k+1..t} ‖W_hhᵀ‖ ‖diag f'‖ ≤ (λ₁γ)^{t−k}.

So λ₁γ < 1 is *sufficient* for vanishing (the bound goes to 0), and λ₁γ > 1 is only *necessary*
for exploding: the bound then allows growth, it does not force it.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Choice, Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact_mat, num

KEYS = ("W", "activation")
MAX_SIZE = 6
MAX_ENTRY = 1000.0

#: sup |f'|: tanh'(0) = 1, σ'(0) = σ(0)(1 − σ(0)) = ¼
GAMMA = {"tanh": 1.0, "sigmoid": 0.25}
ACTIVATION_LATEX = {"tanh": r"\tanh", "sigmoid": r"\sigma"}

OPTIONS = (
    r"$\lambda_1 \gamma < 1$: the gradients are guaranteed to vanish, "
    r"$\|\partial h_t/\partial h_k\| \le (\lambda_1 \gamma)^{t-k} \to 0$",
    r"$\lambda_1 \gamma > 1$: exploding is possible but not guaranteed ($\lambda_1 \gamma > 1$ is necessary, "
    "not sufficient)",
    r"$\lambda_1 \gamma > 1$: the gradients are guaranteed to explode",
    r"$\lambda_1 \gamma = 1$: the bound keeps the gradients bounded but does not force them to vanish",
)
VANISH, MAY_EXPLODE, MUST_EXPLODE, BOUNDARY = "a", "b", "c", "d"


def largest_singular_value(W: list[list[float]]) -> float:
    import numpy as np

    # λ₁ = ‖W‖₂ = √(largest eigenvalue of WᵀW)
    return float(np.linalg.svd(np.asarray(W, dtype=float), compute_uv=False)[0])


def spectral_radius(W: list[list[float]]) -> float:
    import numpy as np

    return float(np.abs(np.linalg.eigvals(np.asarray(W, dtype=float))).max())


def regime(lambda1: float, gamma: float) -> str:
    # the sign of λ₁γ − 1 decides; equality (to rounding) is its own case
    product = lambda1 * gamma
    if math.isclose(product, 1.0, rel_tol=1e-9):
        return BOUNDARY
    return VANISH if product < 1.0 else MAY_EXPLODE


def answer_of(lambda1: float, gamma: float) -> dict:
    return {"lambda1": lambda1, "gamma": gamma, "regime": regime(lambda1, gamma)}


def solve(p: dict) -> dict:
    return answer_of(largest_singular_value(p["W"]), GAMMA[p["activation"]])


#: entry ranges that make each regime likely: (tanh decimals, sigmoid integers)
RANGES = {VANISH: (0.8, 3), MAY_EXPLODE: (1.5, 5)}


def sample(rng) -> dict:
    activation = sampling.pick(rng, ["tanh", "tanh", "sigmoid"])
    # half vanishing, half not: the answer must not be guessable from the topic alone
    target = sampling.pick(rng, [VANISH, MAY_EXPLODE])
    decimal_range, integer_range = RANGES[target]
    while True:
        if activation == "tanh":
            W = sampling.decimals(rng, -decimal_range, decimal_range, 1, shape=(2, 2))
        else:
            W = sampling.ints(rng, -integer_range, integer_range, shape=(2, 2))
        lambda1 = largest_singular_value(W)
        # clearly on the intended side of the boundary, and never the zero matrix
        if (lambda1 > 0.1 and abs(lambda1 * GAMMA[activation] - 1.0) >= 0.1
                and regime(lambda1, GAMMA[activation]) == target):
            return {"W": W, "activation": activation}


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    W = P.matrix(p, "W", max_dim=MAX_SIZE)
    if len(W) != len(W[0]):
        raise ParamsError(f"params: 'W' must be square (W_hh maps the hidden state to itself), "
                          f"got {len(W)}×{len(W[0])}")
    if any(abs(v) > MAX_ENTRY for row in W for v in row):
        raise ParamsError(f"params: 'W' entries must lie between −{MAX_ENTRY:g} and {MAX_ENTRY:g}")
    P.one_of(p, "activation", GAMMA)


def prompt(p: dict) -> str:
    return "\n".join([
        f"An RNN $h_t = {ACTIVATION_LATEX[p['activation']]}(W h_{{t-1}} + U x_t + b)$ has the recurrent matrix",
        exact_mat(p["W"], name="W"),
        r"Let $\lambda_1$ be the largest singular value of $W$ and $\gamma$ the bound "
        r"$\|\operatorname{diag} f'(a)\| \le \gamma$ of the activation's derivative.",
        r"Give $\lambda_1$, $\gamma$, and what the bound $\|\partial h_t/\partial h_k\| \le (\lambda_1 \gamma)^{t-k}$ "
        "tells about the gradients (regime: the letter of one statement):",
        *(f"  {letter}) {option}" for letter, option in zip("abcd", OPTIONS)),
    ])


def _singular_value_steps(W: list[list[float]]) -> list[str]:
    if len(W) != 2:
        return [f"$\\lambda_1 = \\sqrt{{\\lambda_\\mathrm{{max}}(W^\\top W)}} = {num(largest_singular_value(W))}$"]
    (a, b), (c, d) = W
    trace = a * a + b * b + c * c + d * d
    det = (a * d - b * c) ** 2
    # eigenvalues of WᵀW: (tr ± √(tr² − 4 det)) / 2
    top = (trace + math.sqrt(max(trace * trace - 4 * det, 0.0))) / 2
    return [f"$W^\\top W$ has trace $\\|W\\|_F^2 = {num(trace)}$ and determinant $\\det(W)^2 = {num(det)}$;",
            f"its largest eigenvalue is $(\\operatorname{{tr}} + \\sqrt{{\\operatorname{{tr}}^2 - 4 \\det}})/2 = {num(top)}$,",
            f"so $\\lambda_1 = \\sqrt{{{num(top)}}} = {num(math.sqrt(top))}$."]


def solution(p: dict) -> str:
    answer = solve(p)
    lambda1, gamma = answer["lambda1"], answer["gamma"]
    gamma_reason = (r"$\tanh'(a) = 1 - \tanh^2(a) \le 1$, reached at $a = 0$" if p["activation"] == "tanh"
                    else r"$\sigma'(a) = \sigma(a)(1 - \sigma(a)) \le \frac{1}{4}$, reached at $a = 0$")
    verdict = {VANISH: "$< 1$: every factor shrinks the bound, so the gradients vanish as $t - k$ grows.",
               MAY_EXPLODE: "$> 1$: the bound grows, so exploding gradients are possible; but the "
                            "bound is only an upper bound, so they are not guaranteed.",
               BOUNDARY: "$= 1$: the bound stays at 1, so no explosion, but nothing forces vanishing."}
    return "\n".join([
        *_singular_value_steps(p["W"]),
        f"$\\gamma = {num(gamma)}$, since {gamma_reason}.",
        f"$\\lambda_1 \\gamma = {num(lambda1)} \\cdot {num(gamma)} = {num(lambda1 * gamma)}$ {verdict[answer['regime']]}",
        f"Answer: ({answer['regime']}) {OPTIONS['abcd'.index(answer['regime'])]}",
    ])


def hints(p: dict) -> list[str]:
    return [r"The largest singular value is the square root of the largest eigenvalue of $W^\top W$, "
            "not the largest eigenvalue of $W$.",
            r"$\gamma$ bounds the activation's slope: $\tanh' \le 1$ and $\sigma' \le \frac{1}{4}$.",
            r"$\lambda_1 \gamma < 1$ is sufficient for vanishing; $\lambda_1 \gamma > 1$ is only necessary for exploding."]


def _must_explode(p: dict) -> dict | None:
    # reading the necessary condition as a sufficient one
    right = solve(p)
    return {**right, "regime": MUST_EXPLODE} if right["regime"] == MAY_EXPLODE else None


def _sigmoid_gamma_one(p: dict) -> dict | None:
    if p["activation"] != "sigmoid":
        return None
    return answer_of(largest_singular_value(p["W"]), 1.0)


MISTAKES = (
    Mistake("exploding-guaranteed", r"$\lambda_1 \gamma > 1$ only removes the guarantee of vanishing: it is "
            "necessary for exploding, not sufficient. The bound is an upper bound.", _must_explode),
    Mistake("sigmoid-derivative-bound", r"The sigmoid's slope is at most $\sigma'(0) = \frac{1}{4}$, so "
            r"$\gamma = \frac{1}{4}$, not 1.",
            _sigmoid_gamma_one),
    Mistake("spectral-radius", "You used the largest $|\\lambda|$ over the eigenvalues of $W$; the bound needs the "
            r"largest singular value, the spectral norm $\sqrt{\lambda_\mathrm{max}(W^\top W)}$.",
            lambda p: answer_of(spectral_radius(p["W"]), GAMMA[p["activation"]])),
    Mistake("forgot-square-root", r"You gave the largest eigenvalue of $W^\top W$; $\lambda_1$ is its square root.",
            lambda p: answer_of(largest_singular_value(p["W"]) ** 2, GAMMA[p["activation"]])),
)

GRADIENT_REGIME = Generator(
    id="rnn.gradient-regime",
    title="Vanishing or exploding gradients from the singular value bound",
    answer_kind=Parts({"lambda1": Real(), "gamma": Real(), "regime": Choice(options=OPTIONS)}),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("rnn", "vanishing-gradients", "singular-values"),
    difficulty=2,
)

GENERATORS = [GRADIENT_REGIME]
