"""Parameter counts of a recurrent layer (and its output layer).

Course convention, one bias vector per gate, as in h_t = tanh(W_hh h_{t−1} + W_xh x_t + b):

    RNN:   H·X + H·H + H                 (W_xh, W_hh, b)
    LSTM:  4 (H·X + H·H + H)             (the same for each of i, f, o, g)
    output ŷ_t = W_hy h_t:  Y·H          (no bias in the course's formula)

PyTorch's nn.RNN and nn.LSTM keep two bias vectors (b_ih and b_hh) per gate: H (RNN) or 4H
(LSTM) more, which add up to a single bias in the forward pass.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Integer, Mistake

KEYS = ("cell", "input_size", "hidden_size", "output_size")
GATE_COUNT = {"rnn": 1, "lstm": 4}
MAX_SIZE = 100_000


def per_gate(X: int, H: int, recurrent: bool = True, bias: bool = True) -> int:
    # W_xh: H×X, W_hh: H×H, b: H
    return H * X + (H * H if recurrent else 0) + (H if bias else 0)


def count(p: dict, gates: int | None = None, extra_bias: int = 0, output_bias: bool = False, **kw) -> int:
    X, H, Y = p["input_size"], p["hidden_size"], p["output_size"]
    gates = GATE_COUNT[p["cell"]] if gates is None else gates
    # W_hy: Y×H (plus Y if an output bias is counted)
    output = Y * H + (Y if output_bias else 0)
    return gates * per_gate(X, H, **kw) + extra_bias * H + output


def solve(p: dict) -> int:
    return count(p)


def sample(rng) -> dict:
    while True:
        p = {"cell": sampling.pick(rng, ["rnn", "lstm", "lstm"]),
             "input_size": sampling.pick(rng, [1, 2, 3, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100]),
             "hidden_size": sampling.pick(rng, [2, 3, 4, 5, 8, 10, 16, 20, 32, 64, 100, 128]),
             "output_size": sampling.pick(rng, [0, 0, 1, 2, 3, 5, 10])}
        if _mistakes_distinct(p):
            return p


def _mistakes_distinct(p: dict) -> bool:
    """Every trap gives its own number, so the feedback names the right one."""
    wrong = [m.answer(p) for m in MISTAKES]
    wrong = [w for w in wrong if w is not None]
    return len(set(wrong)) == len(wrong) and solve(p) not in wrong


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    P.one_of(p, "cell", GATE_COUNT)
    P.integer(p, "input_size", 1, MAX_SIZE)
    P.integer(p, "hidden_size", 1, MAX_SIZE)
    P.integer(p, "output_size", 0, MAX_SIZE)


def _layer_text(p: dict) -> str:
    X, H = p["input_size"], p["hidden_size"]
    if p["cell"] == "rnn":
        return (r"A vanilla RNN layer $h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b)$ has input size "
                f"${X}$ and hidden size ${H}$")
    return (r"An LSTM layer $(i, f, o, g) = (\sigma, \sigma, \sigma, \tanh)(W [x_t; h_{t-1}] + b)$ has input "
            f"size ${X}$ and hidden size ${H}$")


def prompt(p: dict) -> str:
    Y = p["output_size"]
    output = (f"; it is followed by the output layer $\\hat{{y}}_t = W_{{hy}} h_t$ with output size ${Y}$ "
              "(no output bias)" if Y else "; there is no output layer")
    per = "per gate" if p["cell"] == "lstm" else "for the layer"
    return (f"{_layer_text(p)}{output}.\nHow many trainable parameters does it have? "
            f"Count one bias vector {per}, as in the formula (PyTorch keeps two, $b_{{ih}}$ and $b_{{hh}}$).")


def solution(p: dict) -> str:
    X, H, Y = p["input_size"], p["hidden_size"], p["output_size"]
    gates = GATE_COUNT[p["cell"]]
    one = per_gate(X, H)
    lines = [f"{'One gate' if gates == 4 else 'The layer'}: $W_{{xh}}$ is ${H} \\times {X}$, $W_{{hh}}$ is "
             f"${H} \\times {H}$ and $b$ has ${H}$ entries: ${H} \\cdot {X} + {H} \\cdot {H} + {H} = {one}$."]
    if gates == 4:
        lines.append(f"An LSTM has four such blocks ($i$, $f$, $o$, $g$): $4 \\cdot {one} = {4 * one}$.")
    if Y:
        lines.append(f"Output layer: $W_{{hy}}$ is ${Y} \\times {H}$, ${Y} \\cdot {H} = {Y * H}$ more.")
    lines.append(f"Total: ${solve(p)}$.")
    torch_name = "nn.RNN" if gates == 1 else "nn.LSTM"
    lines.append(f"PyTorch's {torch_name}({X}, {H}) reports ${gates * one + gates * H}$ for the "
                 f"recurrent layer: its second bias $b_{{hh}}$ adds ${gates} \\cdot {H} = {gates * H}$.")
    return "\n".join(lines)


def hints(p: dict) -> list[str]:
    return [r"Each gate has an input matrix ($H \times X$), a recurrent matrix ($H \times H$) and a bias ($H$).",
            "An LSTM has four gate blocks: input, forget, output and the candidate $g$."]


def _lstm_only(fn):
    return lambda p: fn(p) if p["cell"] == "lstm" else None


MISTAKES = (
    Mistake("pytorch-two-biases", "You counted two bias vectors per block, as PyTorch stores them "
            "($b_{ih}$ and $b_{hh}$); the formula has one.",
            lambda p: count(p, extra_bias=GATE_COUNT[p["cell"]])),
    Mistake("forgot-recurrent-weights", r"You left out $W_{hh}$ ($H \times H$ per gate): the previous hidden "
            "state has its own weights.", lambda p: count(p, recurrent=False)),
    Mistake("forgot-bias", "You left out the bias vector ($H$ entries per gate).", lambda p: count(p, bias=False)),
    Mistake("lstm-one-gate", "An LSTM has four gate blocks ($i$, $f$, $o$, $g$), each the size of an RNN layer: "
            "multiply by 4.", _lstm_only(lambda p: count(p, gates=1))),
    Mistake("lstm-three-gates", "You counted three gates; the candidate $g$ has its own weights too, "
            "so there are four blocks.", _lstm_only(lambda p: count(p, gates=3))),
    Mistake("output-bias", r"You gave the output layer a bias; $\hat{y}_t = W_{hy} h_t$ has none here.",
            lambda p: count(p, output_bias=True) if p["output_size"] else None),
)

PARAM_COUNT = Generator(
    id="rnn.param-count",
    title="Parameters of an RNN or LSTM layer",
    answer_kind=Integer(),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("rnn", "lstm", "parameters"),
    difficulty=1,
)

GENERATORS = [PARAM_COUNT]
