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

from mpcheck.reference import RefResult, max_abs_error, time_ms

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


def random_problem(N, X, H, device, dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)

    def draw(*shape):
        return torch.randn(*shape, generator=gen, dtype=dtype).to(device)

    return dict(x=draw(N, X), h_prev=draw(N, H), c_prev=draw(N, H), W=draw(4 * H, X + H), b=draw(4 * H))


def compare(problem) -> float:
    cell = torch_lstm_cell(problem["W"], problem["b"], problem["x"].shape[1])
    with torch.no_grad():
        expected = cell(problem["x"], (problem["h_prev"], problem["c_prev"]))
    return max_abs_error(list(lstm_cell(**problem)), list(expected))


def check_lstm_cell(device: str) -> RefResult:
    problem = random_problem(N=16, X=10, H=20, device=device)
    cell = torch_lstm_cell(problem["W"], problem["b"], 10)
    state = (problem["h_prev"], problem["c_prev"])

    def builtin():
        with torch.no_grad():
            return cell(problem["x"], state)

    return RefResult(max_abs_error=compare(problem), tolerance=1e-10,
                     ms=time_ms(lambda: lstm_cell(**problem), device),
                     builtin_ms=time_ms(builtin, device), device=device,
                     detail="float64, batch 16, X=10, H=20")
