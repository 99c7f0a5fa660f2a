"""Forward pass of a vanilla (Elman) RNN over two time steps.

    h_t = tanh(W_hh h_{t−1} + W_xh x_t + b)
    ŷ_t = W_hy h_t

The same weights are used at every step; only the hidden state carries information forward.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Vector
from mpcheck.text import bmatrix, exact_digits, exact_vec
from mpcheck_rnn.formatting import shown
from mpcheck_rnn.validation import bounded
from mpcheck_rnn.vectors import add, clean, matvec, sigmoid_all, tanh_all, transpose

KEYS = ("x", "h0", "W_xh", "W_hh", "W_hy", "b")
STEPS = 2
MAX_SIZE = 8
MAX_ENTRY = 100.0


def pre_activation(p: dict, h_prev: list[float], x_t: list[float], recurrent=None) -> list[float]:
    # a_t = W_hh h_{t−1} + W_xh x_t + b
    W_hh = p["W_hh"] if recurrent is None else recurrent
    return add(matvec(W_hh, h_prev), matvec(p["W_xh"], x_t), p["b"])


def unroll(p: dict, activation=tanh_all, recurrent=None, use_recurrence=True) -> dict:
    """Every intermediate value of the two steps: pre-activations a_t, states h_t, output ŷ_2.
    The keyword arguments produce the classic wrong versions."""
    h, states, pre = p["h0"], [], []
    for x_t in p["x"]:
        h_in = h if use_recurrence else [0.0] * len(h)
        a = pre_activation(p, h_in, x_t, recurrent)
        # h_t = tanh(a_t)
        h = activation(a)
        pre.append(a)
        states.append(h)
    # ŷ_T = W_hy h_T
    y = matvec(p["W_hy"], states[-1])
    return {"a": pre, "h": states, "y": y}


def answer_of(run: dict) -> dict:
    return {"h1": clean(run["h"][0]), "h2": clean(run["h"][1]), "y2": clean(run["y"])}


def solve(p: dict) -> dict:
    return answer_of(unroll(p))


def _nonsymmetric(rng) -> list[list[float]]:
    while True:
        W = sampling.decimals(rng, -1.0, 1.0, 1, shape=(2, 2))
        if W[0][1] != W[1][0] and all(any(row) for row in W):
            return W


def sample(rng) -> dict:
    inputs = sampling.pick(rng, [1, 2])
    while True:
        p = {
            "x": sampling.decimals(rng, -1.0, 1.0, 1, shape=(STEPS, inputs)),
            "h0": sampling.decimals(rng, -0.5, 0.5, 1, shape=2),
            "W_xh": sampling.decimals(rng, -1.0, 1.0, 1, shape=(2, inputs)),
            "W_hh": _nonsymmetric(rng),
            "W_hy": sampling.decimals(rng, -1.0, 1.0, 1, shape=(1, 2)),
            "b": sampling.decimals(rng, -0.5, 0.5, 1, shape=2),
        }
        if _well_posed(p):
            return p


def _well_posed(p: dict) -> bool:
    """No zero input row, h0 ≠ 0 (so the recurrence matters at step 1), pre-activations away
    from 0 (so forgetting the tanh is visible) and a non-zero output."""
    run = unroll(p)
    return (all(any(row) for row in p["x"]) and any(p["h0"]) and any(p["W_hy"][0])
            and all(abs(v) >= 0.1 for a in run["a"] for v in a) and abs(run["y"][0]) >= 0.05)


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    h0 = P.vector(p, "h0", max_length=MAX_SIZE)
    hidden = len(h0)
    x = P.matrix(p, "x", rows=STEPS, max_dim=MAX_SIZE)
    inputs = len(x[0])
    P.matrix(p, "W_xh", rows=hidden, cols=inputs, max_dim=MAX_SIZE)
    P.matrix(p, "W_hh", rows=hidden, cols=hidden, max_dim=MAX_SIZE)
    P.matrix(p, "W_hy", cols=hidden, max_dim=MAX_SIZE)
    P.vector(p, "b", length=hidden)
    for key in KEYS:
        bounded(p, key, MAX_ENTRY)


def prompt(p: dict) -> str:
    return "\n".join([
        r"A vanilla RNN computes $h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b)$ and $\hat{y}_t = W_{hy} h_t$, with",
        f"$$W_{{xh}} = {bmatrix(p['W_xh'], exact_digits(p['W_xh']))}, \\quad W_{{hh}} = {bmatrix(p['W_hh'], exact_digits(p['W_hh']))}, \\quad "
        f"W_{{hy}} = {bmatrix(p['W_hy'], exact_digits(p['W_hy']))}$$",
        f"$b = {exact_vec(p['b'])}$, $h_0 = {exact_vec(p['h0'])}$, and the inputs $x_1 = {exact_vec(p['x'][0])}$, "
        f"$x_2 = {exact_vec(p['x'][1])}$.",
        r"Compute $h_1$, $h_2$ and the output $\hat{y}_2$ (give each as a vector).",
    ])


def solution(p: dict) -> str:
    run = unroll(p)
    lines = []
    h_prev = p["h0"]
    for t, (x_t, a, h) in enumerate(zip(p["x"], run["a"], run["h"]), start=1):
        lines += [
            f"Step {t}: $a_{t} = W_{{hh}} h_{t - 1} + W_{{xh}} x_{t} + b = {shown(matvec(p['W_hh'], h_prev))} + "
            f"{shown(matvec(p['W_xh'], x_t))} + {shown(p['b'])} = {shown(a)}$",
            f"$h_{t} = \\tanh(a_{t}) = {shown(h)}$",
        ]
        h_prev = h
    lines.append(f"Output: $\\hat{{y}}_2 = W_{{hy}} h_2 = {shown(run['y'])}$.")
    return "\n".join(lines)


def hints(p: dict) -> list[str]:
    return [r"Start from $h_0$: the pre-activation adds $W_{hh} h_{t-1}$, $W_{xh} x_t$ and $b$, then take the tanh.",
            "Use $h_1$ (after the tanh) as the previous state of step 2; the output reads $h_2$."]


def _output_from_pre_activation(p: dict) -> dict:
    # ŷ computed from a_2 instead of h_2 = tanh(a_2); the states themselves right
    return {**solve(p), "y2": clean(matvec(p["W_hy"], unroll(p)["a"][-1]))}


MISTAKES = (
    Mistake("forgot-tanh", r"You left out the tanh: $h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b)$, "
            "not the pre-activation itself.", lambda p: answer_of(unroll(p, activation=list))),
    Mistake("sigmoid-instead-of-tanh", "You used the logistic sigmoid; the vanilla RNN here uses "
            "tanh, whose range is $(-1, 1)$.", lambda p: answer_of(unroll(p, activation=sigmoid_all))),
    Mistake("dropped-recurrence", "You left out $W_{hh} h_{t-1}$: the previous hidden state feeds "
            "every step, that is what makes the network recurrent.",
            lambda p: answer_of(unroll(p, use_recurrence=False))),
    Mistake("transposed-recurrent-weights", r"You multiplied by $W_{hh}^\top$: the new state is "
            "$W_{hh} h_{t-1}$ (row $i$ of $W_{hh}$ gives unit $i$).",
            lambda p: answer_of(unroll(p, recurrent=transpose(p["W_hh"])))),
    Mistake("output-before-tanh", r"Your $\hat{y}_2$ uses the pre-activation: $\hat{y}_2 = W_{hy} h_2$ with "
            "$h_2$ after the tanh.", _output_from_pre_activation),
)

RNN_FORWARD = Generator(
    id="rnn.rnn-forward",
    title="Forward pass of a vanilla RNN (two steps)",
    answer_kind=Parts({"h1": Vector(), "h2": Vector(), "y2": Vector()}),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("rnn", "forward"),
    difficulty=1,
)

GENERATORS = [RNN_FORWARD]
