"""A two-layer MLP with a hand-written backward pass, checked against autograd.

Batch of N row vectors X (N × D):
    A = X W1ᵀ + b1,   H = f(A),   Y = H W2ᵀ + b2
Given the upstream gradient G = ∂L/∂Y (N × K), the chain rule gives
    ∂L/∂W2 = Gᵀ H,        ∂L/∂b2 = Σ_n G_n
    ∂L/∂H  = G W2
    δ = ∂L/∂A = ∂L/∂H ⊙ f'(A)
    ∂L/∂W1 = δᵀ X,        ∂L/∂b1 = Σ_n δ_n,        ∂L/∂X = δ W1
Each weight gradient sums (gradient at the layer's output) × (layer's input)ᵀ over the batch.
"""

from __future__ import annotations

import torch

from mpcheck.reference import RefResult, max_abs_error, time_ms

Tensor = torch.Tensor
ACTIVATIONS = ("relu", "sigmoid", "tanh")
TOLERANCE = 1e-10


def activation(name: str, a: Tensor) -> Tensor:
    if name == "relu":
        # max(0, a)
        return a.clamp(min=0)
    if name == "sigmoid":
        # σ(a) = 1/(1 + e^(−a))
        return 1 / (1 + torch.exp(-a))
    return torch.tanh(a)


def activation_prime(name: str, a: Tensor) -> Tensor:
    if name == "relu":
        # [a > 0]: 0 at the kink, as PyTorch
        return (a > 0).to(a.dtype)
    if name == "sigmoid":
        # σ' = σ(1 − σ)
        s = activation("sigmoid", a)
        return s * (1 - s)
    # tanh' = 1 − tanh²
    return 1 - torch.tanh(a) ** 2


def mlp_forward(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, name: str) -> tuple[Tensor, Tensor, Tensor]:
    # A = X W1ᵀ + b1,  H = f(A),  Y = H W2ᵀ + b2
    a = x @ w1.T + b1
    h = activation(name, a)
    return a, h, h @ w2.T + b2


def mlp_backward(x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, upstream: Tensor,
                 name: str) -> dict[str, Tensor]:
    a, h, _ = mlp_forward(x, w1, b1, w2, b2, name)
    # ∂L/∂W2 = Gᵀ H,  ∂L/∂b2 = Σ_n G_n
    d_w2, d_b2 = upstream.T @ h, upstream.sum(0)
    # ∂L/∂H = G W2
    d_h = upstream @ w2
    # δ = ∂L/∂H ⊙ f'(A)
    delta = d_h * activation_prime(name, a)
    # ∂L/∂W1 = δᵀ X,  ∂L/∂b1 = Σ_n δ_n,  ∂L/∂X = δ W1
    return {"x": delta @ w1, "w1": delta.T @ x, "b1": delta.sum(0), "w2": d_w2, "b2": d_b2}


def autograd_backward(x, w1, b1, w2, b2, upstream, name: str) -> dict[str, Tensor]:
    """The oracle: the same forward pass, differentiated by autograd with torch's activations."""
    leaves = {k: t.detach().clone().requires_grad_(True) for k, t in
              {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2}.items()}
    f = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[name]
    y = f(leaves["x"] @ leaves["w1"].T + leaves["b1"]) @ leaves["w2"].T + leaves["b2"]
    y.backward(upstream)
    return {k: t.grad for k, t in leaves.items()}


def random_mlp(device: str, batch: int = 32, d_in: int = 20, hidden: int = 64, d_out: int = 10,
               seed: int = 0) -> tuple[Tensor, ...]:
    """x, W1, b1, W2, b2 and an upstream gradient, float64, on ``device``."""
    gen = torch.Generator().manual_seed(seed)
    shapes = [(batch, d_in), (hidden, d_in), (hidden,), (d_out, hidden), (d_out,), (batch, d_out)]
    return tuple(torch.randn(*s, generator=gen, dtype=torch.float64).to(device) for s in shapes)


def check_mlp_backprop(device: str) -> RefResult:
    tensors = random_mlp(device)
    error = 0.0
    for name in ACTIVATIONS:
        mine, oracle = mlp_backward(*tensors, name), autograd_backward(*tensors, name)
        error = max(error, max_abs_error([mine[k] for k in sorted(mine)], [oracle[k] for k in sorted(mine)]))
    return RefResult(max_abs_error=error, tolerance=TOLERANCE,
                     ms=time_ms(lambda: mlp_backward(*tensors, "relu"), device),
                     builtin_ms=time_ms(lambda: autograd_backward(*tensors, "relu"), device), device=device)
