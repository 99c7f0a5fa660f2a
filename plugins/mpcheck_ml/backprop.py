"""Backpropagation through a small two-layer MLP, given the upstream gradient at the output.

Forward:   a = W1 x + b1,   h = f(a),   ŷ = W2 h + b2
Backward, with g = ∂L/∂ŷ given:
    ∂L/∂W2 = g hᵀ                 (outer product: output gradient × layer input)
    ∂L/∂h  = W2ᵀ g
    δ      = ∂L/∂a = (W2ᵀ g) ⊙ f'(a)
    ∂L/∂W1 = δ xᵀ,   ∂L/∂b1 = δ
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake, Parts, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, exact_digits, exact_vec, mat, vec
from mpcheck_ml.common import add, clean_mat, clean_vec, hadamard, matvec, outer, sigmoid, transpose

ACTIVATIONS = ("relu", "sigmoid", "tanh")
KEYS = ("x", "W1", "b1", "W2", "b2", "activation", "upstream")
MAX_UNITS = 8


def act(name: str, a: float) -> float:
    if name == "relu":
        return max(0.0, a)
    return sigmoid(a) if name == "sigmoid" else math.tanh(a)


def act_prime(name: str, a: float) -> float:
    if name == "relu":
        # [a > 0]; at a = 0 PyTorch uses 0
        return 1.0 if a > 0 else 0.0
    if name == "sigmoid":
        # σ' = σ(1 − σ)
        return sigmoid(a) * (1 - sigmoid(a))
    # tanh' = 1 − tanh²
    return 1 - math.tanh(a) ** 2


def forward(p: dict) -> tuple[list[float], list[float]]:
    # a = W1 x + b1,  h = f(a)
    a = add(matvec(p["W1"], p["x"]), p["b1"])
    h = [act(p["activation"], v) for v in a]
    return a, h


def backward(p: dict, prime_at=None, use_gate: bool = True) -> dict:
    """The three gradients; ``prime_at`` and ``use_gate`` let a mistake replay a wrong step."""
    a, h = forward(p)
    g = p["upstream"]
    # ∂L/∂W2 = g hᵀ
    dW2 = outer(g, h)
    # ∂L/∂h = W2ᵀ g
    dh = matvec(transpose(p["W2"]), g)
    # δ = ∂L/∂h ⊙ f'(a)
    gate = [act_prime(p["activation"], v) for v in (prime_at or a)] if use_gate else [1.0] * len(a)
    delta = hadamard(dh, gate)
    # ∂L/∂W1 = δ xᵀ,  ∂L/∂b1 = δ
    return {"dW2": clean_mat(dW2), "dW1": clean_mat(outer(delta, p["x"])), "db1": clean_vec(delta)}


def _sample(rng) -> dict:
    activation = sampling.pick(rng, ["relu", "relu", "relu", "sigmoid", "tanh"])
    n_in, hidden, n_out = 2, sampling.pick(rng, [2, 2, 3]), sampling.pick(rng, [1, 2])
    while True:
        # one draw per range keeps sampling cheap. x, W2 and the upstream gradient avoid 0 (a zero
        # there would blank whole rows or columns of the answer): −2, −1, 1, 2
        nonzero = iter(v + (v >= 0) for v in sampling.ints(rng, -2, 1, n_in + n_out * hidden + n_out))
        weights = iter(sampling.ints(rng, -2, 2, hidden * n_in))
        biases = iter(sampling.ints(rng, -1, 1, hidden + n_out))
        take = lambda it, k: [next(it) for _ in range(k)]
        p = {"x": take(nonzero, n_in), "W1": [take(weights, n_in) for _ in range(hidden)],
             "b1": take(biases, hidden), "W2": [take(nonzero, hidden) for _ in range(n_out)],
             "b2": take(biases, n_out), "activation": activation, "upstream": take(nonzero, n_out)}
        if _interesting(p):
            return p


#: Largest |pre-activation| drawn for sigmoid and tanh: beyond it f′ is tiny (tanh′(4) ≈ 0.0013),
#: the gradients cannot be worked by hand and a near-zero answer would pass the absolute floor.
MAX_SATURATION = 2


def _interesting(p: dict) -> bool:
    """No pre-activation at ReLU's kink or deep in a squashing function's flat tails, some unit
    active, and non-zero weight gradients."""
    a, h = forward(p)
    grads = backward(p)
    nonzero = lambda m: any(v != 0 for row in m for v in row)
    if p["activation"] == "relu":
        well_posed = all(v != 0 for v in a)
    else:
        well_posed = all(abs(v) <= MAX_SATURATION for v in a)
    return well_posed and any(v > 0 for v in h) and nonzero(grads["dW2"]) and nonzero(grads["dW1"])


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    P.one_of(p, "activation", ACTIVATIONS)
    x = P.vector(p, "x", max_length=MAX_UNITS)
    W1 = P.matrix(p, "W1", cols=len(x), max_dim=MAX_UNITS)
    P.vector(p, "b1", len(W1), max_length=MAX_UNITS)
    W2 = P.matrix(p, "W2", cols=len(W1), max_dim=MAX_UNITS)
    P.vector(p, "b2", len(W2), max_length=MAX_UNITS)
    P.vector(p, "upstream", len(W2), max_length=MAX_UNITS)
    if any(abs(v) > 1e6 for key in ("x", "b1", "b2", "upstream") for v in p[key]) or \
            any(abs(v) > 1e6 for key in ("W1", "W2") for row in p[key] for v in row):
        raise ParamsError("params: entries must lie in [−1e6, 1e6]")


def _solve(p: dict) -> dict:
    return backward(p)


def _prompt(p: dict) -> str:
    f = {"relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "tanh": r"\tanh"}[p["activation"]]
    return "\n".join([
        f"A two-layer MLP computes $a = W_1 x + b_1$, $h = f(a)$, $\\hat{{y}} = W_2 h + b_2$ with $f = {f}$, where",
        f"$x = {exact_vec(p['x'])}$, $b_1 = {exact_vec(p['b1'])}$, $b_2 = {exact_vec(p['b2'])}$,",
        f"$$W_1 = {bmatrix(p['W1'], exact_digits(p['W1']))}, \\quad W_2 = {bmatrix(p['W2'], exact_digits(p['W2']))}$$",
        f"Backpropagation has reached the output with upstream gradient "
        f"$\\partial L/\\partial \\hat{{y}} = {exact_vec(p['upstream'])}$.",
        "Compute",
        r"  dW2: $\partial L/\partial W_2$ (the shape of $W_2$)",
        r"  dW1: $\partial L/\partial W_1$ (the shape of $W_1$)",
        r"  db1: $\partial L/\partial b_1$"])


def _solution(p: dict) -> str:
    a, h = forward(p)
    g = p["upstream"]
    dh = matvec(transpose(p["W2"]), g)
    gate = [act_prime(p["activation"], v) for v in a]
    grads = backward(p)
    prime = {"relu": "[a > 0]", "sigmoid": r"\sigma(a)(1 - \sigma(a))", "tanh": r"1 - \tanh(a)^2"}[p["activation"]]
    return "\n".join([
        f"Forward: $a = W_1 x + b_1 = {vec(a)}$ and $h = f(a) = {vec(h)}$.",
        f"$\\partial L/\\partial W_2 = g h^\\top$ with $g = {vec(g)}$:",
        mat(grads["dW2"], name=r"\partial L/\partial W_2"),
        f"$\\partial L/\\partial h = W_2^\\top g = {vec(dh)}$.",
        f"$f'(a) = {prime} = {vec(gate)}$.",
        f"$\\delta = \\partial L/\\partial a = \\partial L/\\partial h \\odot f'(a) = {vec(grads['db1'])}$ "
        r"(this is also $\partial L/\partial b_1$).",
        f"$\\partial L/\\partial W_1 = \\delta x^\\top$ with $x = {vec(p['x'])}$:",
        mat(grads["dW1"], name=r"\partial L/\partial W_1"),
        r"Each weight gradient is (the gradient at the layer's output) times (the layer's input)$^\top$, so it "
        "has the weight's shape."])


def _transposed(p: dict) -> dict:
    right = backward(p)
    return {**right, "dW2": transpose(right["dW2"]), "dW1": transpose(right["dW1"])}


def _pre_activation(p: dict) -> dict:
    # ∂L/∂W2 = g aᵀ: as if h were a, the activation skipped on the way up
    a, _ = forward(p)
    return {**backward(p), "dW2": clean_mat(outer(p["upstream"], a))}


def _derivative_at_h(p: dict) -> dict:
    _, h = forward(p)
    return backward(p, prime_at=h)


def _forgot_gate(p: dict) -> dict:
    return backward(p, use_gate=False)


MLP_BACKPROP = Generator(
    id="ml.mlp-backprop",
    title="Backpropagation through a two-layer MLP",
    answer_kind=Parts({"dW2": Matrix(), "dW1": Matrix(), "db1": Vector()}),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Run the forward pass first: you need $a$ and $h$.",
                     r"$\partial L/\partial W_2 = g h^\top$; then send the gradient back through $W_2^\top$ and "
                     "through $f'(a)$.",
                     r"$\partial L/\partial W_1 = \delta x^\top$ where $\delta = (W_2^\top g) \odot f'(a)$."],
    mistakes=(
        Mistake("forgot-activation-derivative", "You skipped $f'(a)$: the gradient through the activation is "
                "multiplied element-wise by $f'(a)$ before it reaches $W_1$.", _forgot_gate),
        Mistake("transposed-outer-product", r"A weight gradient is (output gradient)(input)$^\top$, shaped like the "
                "weight: yours is transposed.", _transposed),
        Mistake("used-pre-activation", r"$W_2$ multiplies $h = f(a)$, not $a$: $\partial L/\partial W_2 = g h^\top$.",
                _pre_activation),
        Mistake("derivative-at-activation", "$f'$ is evaluated at the pre-activation $a$, not at $h = f(a)$.",
                _derivative_at_h),
    ),
    tags=("backprop", "mlp", "gradient"),
    difficulty=3,
)

GENERATORS = [MLP_BACKPROP]
