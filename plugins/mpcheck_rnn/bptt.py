"""Backpropagation through time for a scalar RNN.

    h_t = tanh(w h_{t−1} + u x_t),  t = 1..T,    L = ½ (h_T − y)²

The recurrent weight w is used at every step, so ∂L/∂w sums one contribution per step k:

    ∂L/∂w = Σ_k ∂L/∂h_T · ∂h_T/∂h_k · ∂⁺h_k/∂w
    ∂h_T/∂h_k = Π_{i=k+1..T} w (1 − h_i²)        (the chain of Jacobians, empty for k = T)
    ∂⁺h_k/∂w  = (1 − h_k²) h_{k−1}               (the immediate partial, h_{k−1} held fixed)
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num
from mpcheck_rnn.formatting import factor

KEYS = ("w", "u", "h0", "x", "y")
MAX_STEPS = 10
MAX_ENTRY = 100.0


def states(p: dict) -> list[float]:
    """h_0, h_1, …, h_T."""
    h = [p["h0"]]
    for x_t in p["x"]:
        # h_t = tanh(w h_{t−1} + u x_t)
        h.append(math.tanh(p["w"] * h[-1] + p["u"] * x_t))
    return h


def contributions(p: dict, tanh_derivative: bool = True, chain_w: bool = True, sign: float = 1.0) -> list[float]:
    """The term of each step k = 1..T of the BPTT sum; the keywords give the classic wrong ones."""
    h = states(p)
    T = len(p["x"])

    def slope(i: int) -> float:
        # tanh'(a_i) = 1 − tanh²(a_i) = 1 − h_i²
        return 1.0 - h[i] ** 2 if tanh_derivative else 1.0

    # ∂L/∂h_T = h_T − y
    upstream = sign * (h[T] - p["y"])
    terms = []
    for k in range(1, T + 1):
        # ∂h_T/∂h_k = Π_{i=k+1..T} w (1 − h_i²)
        chain = math.prod((p["w"] if chain_w else 1.0) * slope(i) for i in range(k + 1, T + 1))
        # ∂⁺h_k/∂w = (1 − h_k²) h_{k−1}
        immediate = slope(k) * h[k - 1]
        terms.append(upstream * chain * immediate + 0.0)
    return terms


def answer_of(terms: list[float]) -> dict:
    return {"terms": terms, "total": math.fsum(terms) + 0.0}


def solve(p: dict) -> dict:
    return answer_of(contributions(p))


def sample(rng) -> dict:
    T = sampling.pick(rng, [2, 3])
    while True:
        p = {"w": sampling.decimals(rng, -1.5, 1.5, 1), "u": sampling.decimals(rng, 0.5, 1.5, 1),
             "h0": sampling.decimals(rng, -0.5, 0.5, 1), "x": sampling.decimals(rng, -1.0, 1.0, 1, shape=T),
             "y": sampling.decimals(rng, -1.0, 1.0, 1)}
        if _well_posed(p):
            return p


def _well_posed(p: dict) -> bool:
    """Every state away from 0 (else a contribution vanishes), a clear loss gradient, each term
    and the total large enough to be checked to three digits (and the total not a near-cancellation
    that rounding of the terms would swamp), and w ≠ ±1 so the chain shows."""
    terms = contributions(p)
    h = states(p)
    return (abs(p["w"]) not in (0.0, 1.0) and all(abs(v) >= 0.05 for v in h)
            and abs(h[-1] - p["y"]) >= 0.2 and all(abs(t) >= 2e-3 for t in terms)
            and abs(math.fsum(terms)) >= max(5e-3, 0.1 * max(abs(t) for t in terms)))


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    for key in ("w", "u", "h0", "y"):
        P.real(p, key, -MAX_ENTRY, MAX_ENTRY)
    x = P.vector(p, "x", max_length=MAX_STEPS)
    if any(abs(v) > MAX_ENTRY for v in x):
        raise ParamsError(f"params: 'x' entries must lie between −{MAX_ENTRY:g} and {MAX_ENTRY:g}")


def prompt(p: dict) -> str:
    T = len(p["x"])
    return "\n".join([
        f"A scalar RNN runs for $T = {T}$ steps: $h_t = \\tanh(w h_{{t-1}} + u x_t)$, "
        f"with $w = {exact(p['w'])}$, $u = {exact(p['u'])}$, $h_0 = {exact(p['h0'])}$,",
        f"inputs $x = {exact_vec(p['x'])}$ and the loss $L = \\frac{{1}}{{2}}(h_{T} - y)^2$ with target $y = {exact(p['y'])}$.",
        r"By backpropagation through time, $\frac{\partial L}{\partial w} = \sum_k \frac{\partial L}{\partial h_T} "
        r"\frac{\partial h_T}{\partial h_k} \frac{\partial^+ h_k}{\partial w}$.",
        f"Give the contribution of each step $k = 1, \\ldots, {T}$ (as a vector, in that order) and the "
        r"total $\partial L/\partial w$.",
    ])


def solution(p: dict) -> str:
    h = states(p)
    T = len(p["x"])
    terms = contributions(p)
    lines = ["Forward: " + ", ".join(f"$h_{t} = \\tanh({num(p['w'])} \\cdot {factor(h[t - 1])} + {num(p['u'])} "
                                     f"\\cdot {factor(p['x'][t - 1])}) = {num(h[t])}$" for t in range(1, T + 1)),
             f"$\\partial L/\\partial h_{T} = h_{T} - y = {num(h[T])} - {factor(p['y'])} = {num(h[T] - p['y'])}$",
             r"Each step $k$: $\partial h_T/\partial h_k = \prod_{i=k+1}^{T} w(1 - h_i^2)$ and "
             r"$\partial^+ h_k/\partial w = (1 - h_k^2)\, h_{k-1}$."]
    for k in range(1, T + 1):
        chain = " \\cdot ".join(f"{factor(p['w'])}(1 - {factor(h[i])}^2)" for i in range(k + 1, T + 1)) or "1"
        lines.append(f"$k = {k}$: ${factor(h[T] - p['y'])} \\cdot [{chain}] \\cdot (1 - {factor(h[k])}^2) "
                     f"\\cdot {factor(h[k - 1])} = {num(terms[k - 1])}$")
    lines.append(f"$\\partial L/\\partial w = {' + '.join(factor(t) for t in terms)} = {num(math.fsum(terms))}$")
    return "\n".join(lines)


def hints(p: dict) -> list[str]:
    return [r"Run the forward pass first and keep every $h_t$: the tanh slopes need nothing else, "
            r"$\tanh'(a_t) = 1 - \tanh^2(a_t) = 1 - h_t^2$.",
            "$w$ appears at every step: the total is a sum over $k$, each term a product of the "
            r"Jacobians $\partial h_i/\partial h_{i-1} = w(1 - h_i^2)$ from $k + 1$ up to $T$."]


MISTAKES = (
    Mistake("forgot-tanh-derivative", r"You left out the tanh derivative: every $\partial h_i/\partial h_{i-1}$ "
            r"and $\partial^+ h_k/\partial w$ carries a factor $1 - h_i^2$.",
            lambda p: answer_of(contributions(p, tanh_derivative=False))),
    Mistake("only-last-term", "Your total is only the last term ($k = T$): $w$ is shared over time, so "
            r"$\partial L/\partial w$ sums the contributions of every step.",
            lambda p: {"terms": contributions(p), "total": contributions(p)[-1]}),
    Mistake("dropped-w-in-chain", r"Your chain $\partial h_T/\partial h_k$ misses the factors $w$: "
            r"$\partial h_i/\partial h_{i-1} = w(1 - h_i^2)$.", lambda p: answer_of(contributions(p, chain_w=False))),
    Mistake("loss-gradient-sign", r"Your signs are flipped: $\partial L/\partial h_T = h_T - y$, not $y - h_T$.",
            lambda p: answer_of(contributions(p, sign=-1.0))),
)

BPTT_SCALAR = Generator(
    id="rnn.bptt-scalar",
    title="Backpropagation through time in a scalar RNN",
    answer_kind=Parts({"terms": Vector(), "total": Real()}),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("rnn", "bptt", "backward"),
    difficulty=3,
)

GENERATORS = [BPTT_SCALAR]
