"""A vanilla RNN with backpropagation through time written out by hand.

Forward, for a batch of N sequences (rows are examples, so weights act from the right):

    a_t = h_{t−1} W_hhᵀ + x_t W_xhᵀ + b,   h_t = tanh(a_t),   ŷ_t = h_t W_hyᵀ
    L = Σ_t ½ ‖ŷ_t − y_t‖²

Backward, from t = T down to 1, carrying δh (the gradient reaching h_t from the future):

    ∂L/∂ŷ_t = ŷ_t − y_t
    ∂L/∂h_t = ∂L/∂ŷ_t W_hy + δh_{t+1}          (the output now, plus every later step)
    ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)               (tanh' = 1 − tanh²)
    δh_t    = ∂L/∂a_t W_hh                        (what flows on to h_{t−1})

and each weight collects one term per step, because it is shared over time:
∂L/∂W_hh = Σ_t (∂L/∂a_t)ᵀ h_{t−1}, ∂L/∂W_xh = Σ_t (∂L/∂a_t)ᵀ x_t, ∂L/∂b = Σ_t Σ_batch ∂L/∂a_t.
Multiplying δh by W_hh and (1 − h²) at every step is the product Π W_hhᵀ diag f' whose norm
decides whether gradients vanish or explode.

Oracle: torch.nn.RNN (tanh) for the forward pass, autograd for the gradients. nn.RNN has two
biases b_ih + b_hh; the oracle puts b into b_ih and sets b_hh = 0.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.exercises.draw import integer, normal
from mpcheck.reference import max_abs_error

GRAD_NAMES = ("W_xh", "W_hh", "b", "W_hy", "h0")


def rnn_forward(x, h0, W_xh, W_hh, b, W_hy):
    """x: T×N×X, h0: N×H. Returns the states h_0..h_T (T+1×N×H) and outputs ŷ_1..ŷ_T (T×N×Y)."""
    states = [h0]
    for x_t in x:
        # h_t = tanh(h_{t−1} W_hhᵀ + x_t W_xhᵀ + b)
        states.append(torch.tanh(states[-1] @ W_hh.T + x_t @ W_xh.T + b))
    h = torch.stack(states)
    # ŷ_t = h_t W_hyᵀ
    return h, h[1:] @ W_hy.T


def rnn_loss(y_hat, y):
    # L = Σ_t ½ ‖ŷ_t − y_t‖²  (summed over the batch as well)
    return 0.5 * ((y_hat - y) ** 2).sum()


def rnn_bptt(x, h0, W_xh, W_hh, b, W_hy, y):
    """Gradients of L with respect to W_xh, W_hh, b, W_hy and h0, by hand."""
    h, y_hat = rnn_forward(x, h0, W_xh, W_hh, b, W_hy)
    grads = {name: torch.zeros_like(w) for name, w in
             (("W_xh", W_xh), ("W_hh", W_hh), ("b", b), ("W_hy", W_hy))}
    delta_h = torch.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        h_t, h_prev = h[t + 1], h[t]
        # ∂L/∂ŷ_t = ŷ_t − y_t
        d_y = y_hat[t] - y[t]
        grads["W_hy"] += d_y.T @ h_t
        # ∂L/∂h_t = ∂L/∂ŷ_t W_hy + δh_{t+1}
        d_h = d_y @ W_hy + delta_h
        # ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)
        d_a = d_h * (1 - h_t ** 2)
        grads["W_xh"] += d_a.T @ x[t]
        grads["W_hh"] += d_a.T @ h_prev
        grads["b"] += d_a.sum(0)
        # δh_t = ∂L/∂a_t W_hh, on to step t − 1
        delta_h = d_a @ W_hh
    grads["h0"] = delta_h
    return h, y_hat, grads


def torch_rnn(W_xh, W_hh, b):
    """nn.RNN holding our weights: b goes into b_ih, and b_hh is fixed at 0."""
    H, X = W_xh.shape
    rnn = torch.nn.RNN(X, H, nonlinearity="tanh").to(device=W_xh.device, dtype=W_xh.dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_xh)
        rnn.weight_hh_l0.copy_(W_hh)
        rnn.bias_ih_l0.copy_(b)
        rnn.bias_hh_l0.zero_()
    return rnn


def torch_rnn_oracle(rnn, x, h0, W_hy, y, **_):
    """States, outputs and autograd gradients of the same model run by ``rnn`` (from torch_rnn)."""
    rnn.zero_grad(set_to_none=True)
    h0 = h0.detach().clone().requires_grad_(True)
    W_hy = W_hy.detach().clone().requires_grad_(True)
    out, _ = rnn(x, h0.unsqueeze(0))
    y_hat = out @ W_hy.T
    rnn_loss(y_hat, y).backward()
    grads = {"W_xh": rnn.weight_ih_l0.grad, "W_hh": rnn.weight_hh_l0.grad, "b": rnn.bias_ih_l0.grad,
             "W_hy": W_hy.grad, "h0": h0.grad}
    return torch.cat([h0.detach().unsqueeze(0), out.detach()]), y_hat.detach(), grads


def random_problem(T, N, X, H, Y, device, dtype=torch.float64, seed=0, generator=None):
    generator = generator or torch.Generator().manual_seed(seed)

    def draw(*shape, scale=1.0):
        return normal(generator, *shape, dtype=dtype, device=device, scale=scale)

    return dict(x=draw(T, N, X), h0=draw(N, H, scale=0.5), W_xh=draw(H, X, scale=0.5),
                W_hh=draw(H, H, scale=0.5), b=draw(H, scale=0.1), W_hy=draw(Y, H, scale=0.5), y=draw(T, N, Y))


def rnn_bptt_oracle(x, h0, W_xh, W_hh, b, W_hy, y):
    return torch_rnn_oracle(torch_rnn(W_xh, W_hh, b), x, h0, W_hy, y)


def compare(problem) -> float:
    """Largest deviation between the hand-written BPTT and the oracle, states and gradients."""
    h, y_hat, grads = rnn_bptt(**problem)
    h_ref, y_ref, grads_ref = rnn_bptt_oracle(**problem)
    return max_abs_error([h, y_hat, *(grads[n] for n in GRAD_NAMES)],
                         [h_ref, y_ref, *(grads_ref[n] for n in GRAD_NAMES)])


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [(2, 1, 2, 3, 1), (3, 2, 4, 3, 2), (12, 4, 5, 8, 3)]  # T, N, X, H, Y


def rnn_bptt_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    sizes = FIXED + [tuple(integer(generator, 2, 6) for _ in range(5)) for _ in range(3)]
    return [Case(f"T {T}, batch {N}, X {X}, H {H}, Y {Y}",
                 kwargs=random_problem(T, N, X, H, Y, device, dtype, generator=generator))
            for T, N, X, H, Y in sizes]


def rnn_bptt_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    return Case("T 12, batch 4, X 5, H 8, Y 3", kwargs=random_problem(12, 4, 5, 8, 3, device, dtype, generator=generator))


def untied_autograd(x, h0, W_xh, W_hh, b, W_hy, y, through_time=True):
    """States, outputs, every weight's gradient *per time step* and ∂L/∂h0, by autograd on an
    unrolled net with its own copy of the weights at each step (their sum is the true gradient).
    ``through_time=False`` cuts the path from h_t back to h_{t−1} (after the first step)."""
    T = x.shape[0]
    copies = {name: [w.detach().clone().requires_grad_() for _ in range(T)]
              for name, w in (("W_xh", W_xh), ("W_hh", W_hh), ("b", b), ("W_hy", W_hy))}
    h0 = h0.detach().clone().requires_grad_()
    states, outputs = [h0], []
    for t in range(T):
        h_prev = states[-1] if through_time or t == 0 else states[-1].detach()
        states.append(torch.tanh(h_prev @ copies["W_hh"][t].T + x[t] @ copies["W_xh"][t].T + copies["b"][t]))
        outputs.append(states[-1] @ copies["W_hy"][t].T)
    y_hat = torch.stack(outputs)
    rnn_loss(y_hat, y).backward()
    per_step = {name: [w.grad for w in ws] for name, ws in copies.items()}
    return torch.stack(states).detach(), y_hat.detach(), per_step, h0.grad


def rnn_bptt_not_through_time(x, h0, W_xh, W_hh, b, W_hy, y):
    """The bug: ∂L/∂h_t = ∂L/∂ŷ_t W_hy only, without δh_{t+1} from the later steps."""
    h, y_hat, per_step, grad_h0 = untied_autograd(x, h0, W_xh, W_hh, b, W_hy, y, through_time=False)
    return h, y_hat, {**{name: sum(grads) for name, grads in per_step.items()}, "h0": grad_h0}


def rnn_bptt_overwritten(x, h0, W_xh, W_hh, b, W_hy, y):
    """The bug: each step assigns (=) its weight gradients instead of adding them (+=); after the
    backward loop only the first step's term is left."""
    h, y_hat, per_step, grad_h0 = untied_autograd(x, h0, W_xh, W_hh, b, W_hy, y)
    return h, y_hat, {**{name: grads[0] for name, grads in per_step.items()}, "h0": grad_h0}
