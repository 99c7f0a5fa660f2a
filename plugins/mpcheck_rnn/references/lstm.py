"""An LSTM cell written from the course's equations, gate order i, f, o, g.

    z = [x_t; h_{t−1}] Wᵀ + b          W: 4H × (X + H), rows in blocks i, f, o, g
    i, f, o = σ(z_i), σ(z_f), σ(z_o)   how much to write, keep and read
    g = tanh(z_g)                      the candidate values
    c_t = f ⊙ c_{t−1} + i ⊙ g          the cell: an additive path, no W on it
    h_t = o ⊙ tanh(c_t)

Oracle: torch.nn.LSTMCell. Its conventions differ in two ways: the blocks are stacked i, f, g, o
(so the last two are swapped), and W is split by columns into weight_ih (the x part) and
weight_hh (the h part), each with its own bias; b goes into bias_ih and bias_hh is 0.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.exercises.draw import integer, normal
from mpcheck.reference import max_abs_error

#: block k of PyTorch's order i, f, g, o is block PYTORCH_BLOCKS[k] of ours (i, f, o, g)
PYTORCH_BLOCKS = (0, 1, 3, 2)


def lstm_cell(x, h_prev, c_prev, W, b):
    """x: N×X, h_prev and c_prev: N×H, W: 4H×(X+H), b: 4H. Returns (h_t, c_t)."""
    # z = [x_t; h_{t−1}] Wᵀ + b
    z = torch.cat([x, h_prev], dim=1) @ W.T + b
    z_i, z_f, z_o, z_g = z.chunk(4, dim=1)
    i, f, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.sigmoid(z_o)
    g = torch.tanh(z_g)
    # c_t = f ⊙ c_{t−1} + i ⊙ g
    c = f * c_prev + i * g
    # h_t = o ⊙ tanh(c_t)
    h = o * torch.tanh(c)
    return h, c


def to_pytorch_order(W, b, input_size):
    """(weight_ih, weight_hh, bias_ih) of nn.LSTMCell for our W and b."""
    H = W.shape[0] // 4
    rows = torch.cat([torch.arange(k * H, (k + 1) * H, device=W.device) for k in PYTORCH_BLOCKS])
    W, b = W[rows], b[rows]
    return W[:, :input_size], W[:, input_size:], b


def torch_lstm_cell(W, b, input_size):
    """nn.LSTMCell holding our weights (reordered to i, f, g, o)."""
    H = W.shape[0] // 4
    cell = torch.nn.LSTMCell(input_size, H).to(device=W.device, dtype=W.dtype)
    weight_ih, weight_hh, bias_ih = to_pytorch_order(W, b, input_size)
    with torch.no_grad():
        cell.weight_ih.copy_(weight_ih)
        cell.weight_hh.copy_(weight_hh)
        cell.bias_ih.copy_(bias_ih)
        cell.bias_hh.zero_()
    return cell


def random_problem(N, X, H, device, dtype=torch.float64, seed=0, generator=None):
    generator = generator or torch.Generator().manual_seed(seed)

    def draw(*shape):
        return normal(generator, *shape, dtype=dtype, device=device)

    return dict(x=draw(N, X), h_prev=draw(N, H), c_prev=draw(N, H), W=draw(4 * H, X + H), b=draw(4 * H))


def lstm_cell_oracle(x, h_prev, c_prev, W, b):
    cell = torch_lstm_cell(W, b, x.shape[1])
    with torch.no_grad():
        return cell(x, (h_prev, c_prev))


def compare(problem) -> float:
    return max_abs_error(list(lstm_cell(**problem)), list(lstm_cell_oracle(**problem)))


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [(1, 1, 1), (2, 3, 2), (16, 10, 20)]  # N, X, H


def lstm_cell_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    sizes = FIXED + [(integer(generator, 1, 5), integer(generator, 1, 6), integer(generator, 1, 6)) for _ in range(3)]
    return [Case(f"batch {N}, X {X}, H {H}", kwargs=random_problem(N, X, H, device, dtype, generator=generator))
            for N, X, H in sizes]


def lstm_cell_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    return Case("batch 64, X 128, H 256", kwargs=random_problem(64, 128, 256, device, dtype, generator=generator))


def lstm_cell_pytorch_order(x, h_prev, c_prev, W, b):
    """The bug: the blocks of z read in PyTorch's order i, f, g, o (o and g swapped)."""
    H = W.shape[0] // 4
    rows = torch.cat([torch.arange(k * H, (k + 1) * H, device=W.device) for k in PYTORCH_BLOCKS])
    return lstm_cell(x, h_prev, c_prev, W[rows], b[rows])


def _gates(x, h_prev, W, b):
    i, f, o, g = (torch.cat([x, h_prev], dim=1) @ W.T + b).chunk(4, dim=1)
    return torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), g


def lstm_cell_h_without_tanh(x, h_prev, c_prev, W, b):
    """The bug: h_t = o ⊙ c_t, the cell not squashed by tanh."""
    i, f, o, z_g = _gates(x, h_prev, W, b)
    c = f * c_prev + i * torch.tanh(z_g)
    return o * c, c


def lstm_cell_sigmoid_candidate(x, h_prev, c_prev, W, b):
    """The bug: g = σ(z_g) like the gates, so the cell can only grow."""
    i, f, o, z_g = _gates(x, h_prev, W, b)
    c = f * c_prev + i * torch.sigmoid(z_g)
    return o * torch.tanh(c), c
