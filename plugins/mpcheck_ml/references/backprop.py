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

from mpcheck.api import Case
from mpcheck.exercises.draw import dims, integer, normal

Tensor = torch.Tensor
ACTIVATIONS = ("relu", "sigmoid", "tanh")


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
               seed: int = 0, dtype: torch.dtype = torch.float64, generator=None) -> tuple[Tensor, ...]:
    """x, W1, b1, W2, b2 and an upstream gradient on ``device``."""
    generator = generator or torch.Generator().manual_seed(seed)
    shapes = [(batch, d_in), (hidden, d_in), (hidden,), (d_out, hidden), (d_out,), (batch, d_out)]
    return tuple(normal(generator, *s, dtype=dtype, device=device) for s in shapes)


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [(1, 1, 1, 1), (4, 3, 5, 2)]  # batch, D, hidden, K


def mlp_backward_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Every activation on the fixed sizes, then random sizes with one activation each."""
    sizes = [(size, name) for size in FIXED for name in ACTIVATIONS]
    sizes += [(tuple(integer(generator, 1, 6) for _ in range(4)), ACTIVATIONS[i % 3]) for i in range(3)]
    cases = []
    for (batch, d_in, hidden, d_out), name in sizes:
        tensors = random_mlp(device, batch, d_in, hidden, d_out, dtype=dtype, generator=generator)
        label = f"x {dims(tensors[0].shape)}, W1 {dims(tensors[1].shape)}, W2 {dims(tensors[3].shape)}, {name}"
        cases.append(Case(label, (*tensors, name)))
    return cases


def mlp_backward_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    return Case("x 32×20, W1 64×20, W2 10×64, relu", (*random_mlp(device, dtype=dtype, generator=generator), "relu"))


def _first_layer_with(delta: Tensor, x: Tensor, w1: Tensor, grads: dict[str, Tensor]) -> dict[str, Tensor]:
    """The gradients when δ = ∂L/∂A is ``delta`` (right or wrong); the second layer's stay right."""
    return {**grads, "x": delta @ w1, "w1": delta.T @ x, "b1": delta.sum(0)}


def mlp_backward_no_derivative(x, w1, b1, w2, b2, upstream, name):
    """The bug: δ = ∂L/∂H, the activation's derivative left out."""
    return _first_layer_with(upstream @ w2, x, w1, mlp_backward(x, w1, b1, w2, b2, upstream, name))


def mlp_backward_derivative_at_output(x, w1, b1, w2, b2, upstream, name):
    """The bug: f' evaluated at the activation H = f(A) instead of at the pre-activation A."""
    _, h, _ = mlp_forward(x, w1, b1, w2, b2, name)
    delta = (upstream @ w2) * activation_prime(name, h)
    return _first_layer_with(delta, x, w1, mlp_backward(x, w1, b1, w2, b2, upstream, name))


def mlp_backward_transposed(x, w1, b1, w2, b2, upstream, name):
    """The bug: ∂L/∂W = (input)ᵀ δ, the transpose of the weight's gradient."""
    grads = mlp_backward(x, w1, b1, w2, b2, upstream, name)
    return {**grads, "w1": grads["w1"].T, "w2": grads["w2"].T}
