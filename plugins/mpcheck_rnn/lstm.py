"""One step of an LSTM cell, in the course's gate order i, f, o, g.

    (i, f, o, g) = (σ, σ, σ, tanh)(W [x_t; h_{t−1}] + b)
    c_t = f ⊙ c_{t−1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

W has 4H rows in four blocks of H (i, f, o, g) and X + H columns (x first, then h_{t−1}).
PyTorch's LSTMCell stacks the same blocks in the order i, f, g, o.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Vector
from mpcheck.text import exact_mat, exact_vec
from mpcheck_rnn.formatting import shown
from mpcheck_rnn.validation import bounded
from mpcheck_rnn.vectors import add, clean, hadamard, matvec, sigmoid_all, tanh_all

KEYS = ("x", "h_prev", "c_prev", "W", "b")
GATES = "ifog"
MAX_SIZE = 16
MAX_ENTRY = 1000.0


def gate_pre_activations(p: dict, concat_order: str = "x,h") -> list[float]:
    # z = W [x_t; h_{t−1}] + b
    stacked = p["x"] + p["h_prev"] if concat_order == "x,h" else p["h_prev"] + p["x"]
    return add(matvec(p["W"], stacked), p["b"])


def split_blocks(z: list[float], order: str = GATES) -> dict[str, list[float]]:
    """The four row blocks of z, named by the gate each one feeds when read in ``order``."""
    H = len(z) // 4
    return {gate: z[k * H:(k + 1) * H] for k, gate in enumerate(order)}


def gates(p: dict, order: str = GATES, candidate=tanh_all, concat_order: str = "x,h") -> dict:
    blocks = split_blocks(gate_pre_activations(p, concat_order), order)
    # i, f, o = σ(·): how much to write, keep and read; g = tanh(·): the candidate values
    return {"i": sigmoid_all(blocks["i"]), "f": sigmoid_all(blocks["f"]),
            "o": sigmoid_all(blocks["o"]), "g": candidate(blocks["g"])}


def step(p: dict, g: dict | None = None, forget: bool = True, squash_cell: bool = True) -> dict:
    g = g or gates(p)
    kept = hadamard(g["f"], p["c_prev"]) if forget else list(p["c_prev"])
    # c_t = f ⊙ c_{t−1} + i ⊙ g
    c = add(kept, hadamard(g["i"], g["g"]))
    # h_t = o ⊙ tanh(c_t)
    h = hadamard(g["o"], tanh_all(c) if squash_cell else c)
    return {"h": clean(h), "c": clean(c)}


def solve(p: dict) -> dict:
    return step(p)


def sample(rng) -> dict:
    H = sampling.pick(rng, [1, 1, 2])
    X = sampling.pick(rng, [1, 2])
    while True:
        p = {
            "x": sampling.decimals(rng, -1.0, 1.0, 1, shape=X),
            "h_prev": sampling.decimals(rng, -0.5, 0.5, 1, shape=H),
            "c_prev": sampling.decimals(rng, -1.0, 1.0, 1, shape=H),
            "W": sampling.decimals(rng, -1.0, 1.0, 1, shape=(4 * H, X + H)),
            "b": sampling.decimals(rng, -0.5, 0.5, 1, shape=4 * H),
        }
        if _well_posed(p):
            return p


def _well_posed(p: dict) -> bool:
    """A non-zero previous cell (so the forget gate matters), non-zero inputs, and output
    and candidate blocks that differ (so a swapped gate order shows)."""
    blocks = split_blocks(gate_pre_activations(p))
    answer = step(p)
    return (all(p["c_prev"]) and any(p["x"]) and all(abs(v) >= 0.05 for v in answer["h"] + answer["c"])
            and all(abs(o - g) >= 0.2 for o, g in zip(blocks["o"], blocks["g"])))


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    X = len(P.vector(p, "x", max_length=MAX_SIZE))
    H = len(P.vector(p, "h_prev", max_length=MAX_SIZE))
    P.vector(p, "c_prev", length=H)
    P.matrix(p, "W", rows=4 * H, cols=X + H, max_dim=4 * MAX_SIZE)
    P.vector(p, "b", length=4 * H, max_length=4 * MAX_SIZE)
    for key in KEYS:
        bounded(p, key, MAX_ENTRY)


def _block_rows(p: dict) -> str:
    H = len(p["h_prev"])
    spans = [f"${gate}$: rows {k * H + 1} to {(k + 1) * H}" if H > 1 else f"${gate}$: row {k + 1}"
             for k, gate in enumerate(GATES)]
    return "; ".join(spans)


def _column_split(X: int, H: int) -> str:
    first = "its first column multiplies $x_t$" if X == 1 else f"its first {X} columns multiply $x_t$"
    last = "the last one multiplies $h_{t-1}$" if H == 1 else f"the last {H} multiply $h_{{t-1}}$"
    return f"{first}, {last}"


def prompt(p: dict) -> str:
    X, H = len(p["x"]), len(p["h_prev"])
    return "\n".join([
        r"An LSTM cell computes $(i, f, o, g) = (\sigma, \sigma, \sigma, \tanh)(W [x_t; h_{t-1}] + b)$,",
        r"$c_t = f \odot c_{t-1} + i \odot g$ and $h_t = o \odot \tanh(c_t)$.",
        f"$W$ is ${4 * H} \\times {X + H}$, its row blocks are the gates in the order $i$, $f$, $o$, $g$ "
        f"({_block_rows(p)}); {_column_split(X, H)}.",
        exact_mat(p["W"], name="W"),
        f"$b = {exact_vec(p['b'])}$, $x_t = {exact_vec(p['x'])}$, $h_{{t-1}} = {exact_vec(p['h_prev'])}$, "
        f"$c_{{t-1}} = {exact_vec(p['c_prev'])}$.",
        "Compute the new cell state $c_t$ and hidden state $h_t$.",
    ])


def solution(p: dict) -> str:
    z = gate_pre_activations(p)
    g = gates(p)
    answer = step(p, g)
    blocks = split_blocks(z)
    lines = [f"$[x_t; h_{{t-1}}] = {shown(p['x'] + p['h_prev'])}$",
             f"$z = W [x_t; h_{{t-1}}] + b = {shown(z)}$"]
    for gate in GATES:
        squash = r"\tanh" if gate == "g" else r"\sigma"
        lines.append(f"${gate} = {squash}({shown(blocks[gate])}) = {shown(g[gate])}$")
    lines += [
        f"$c_t = f \\odot c_{{t-1}} + i \\odot g = {shown(hadamard(g['f'], p['c_prev']))} + "
        f"{shown(hadamard(g['i'], g['g']))} = {shown(answer['c'])}$",
        f"$\\tanh(c_t) = {shown(tanh_all(answer['c']))}$",
        f"$h_t = o \\odot \\tanh(c_t) = {shown(answer['h'])}$",
    ]
    return "\n".join(lines)


def hints(p: dict) -> list[str]:
    return [r"Compute $z = W [x_t; h_{t-1}] + b$ once, then cut it into four blocks $i$, $f$, $o$, $g$.",
            r"The three gates use $\sigma$, only the candidate $g$ uses $\tanh$; the new cell goes through a "
            r"$\tanh$ again before the output gate."]


def _concat_swapped(p: dict) -> dict:
    # [h_{t−1}; x_t] has the same length as [x_t; h_{t−1}], so W multiplies it just as well
    return step(p, gates(p, concat_order="h,x"))


MISTAKES = (
    Mistake("gate-order-swapped", "You read the blocks as $i$, $f$, $g$, $o$ (PyTorch's order); here they "
            "are $i$, $f$, $o$, $g$: the third block is the output gate, the fourth the candidate.",
            lambda p: step(p, gates(p, order="ifgo"))),
    Mistake("forgot-forget-gate", "You added $c_{t-1}$ unscaled: the forget gate multiplies it, "
            r"$c_t = f \odot c_{t-1} + i \odot g$.", lambda p: step(p, forget=False)),
    Mistake("sigmoid-candidate", r"You squashed the candidate $g$ with $\sigma$; it uses $\tanh$, so that the "
            "cell can be written with either sign.", lambda p: step(p, gates(p, candidate=sigmoid_all))),
    Mistake("forgot-cell-tanh", r"Your $h_t$ uses $c_t$ directly: $h_t = o \odot \tanh(c_t)$.",
            lambda p: step(p, squash_cell=False)),
    Mistake("concat-order-swapped", "You stacked $[h_{t-1}; x_t]$: the first columns of $W$ multiply "
            "$x_t$, the last ones $h_{t-1}$.", _concat_swapped),
)

LSTM_STEP = Generator(
    id="rnn.lstm-step",
    title="One step of an LSTM cell",
    answer_kind=Parts({"h": Vector(), "c": Vector()}),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("lstm", "forward"),
    difficulty=2,
)

GENERATORS = [LSTM_STEP]
