"""Optimisers written from the course's update rules, checked against torch.optim.

Every step function takes the current parameters and state as tensors and returns new tensors
(on the input's device); nothing is updated in place. Each rule is an exercise: one step from a
random state, compared with one torch.optim step from the same state (``optimizer_cases``). The
tests also run each rule for many steps on a random convex quadratic

    L(θ) = ½ θᵀAθ − bᵀθ,   ∇L(θ) = Aθ − b

using that closed-form gradient, while torch.optim gets its gradients from autograd.

Where conventions differ (explained at each oracle):
- momentum: the course keeps a velocity v (v ← αv − ε∇, θ ← θ + v); torch keeps a buffer
  b ← μb + ∇ and steps θ ← θ − lr·b. For a constant learning rate v = −lr·b.
- Nesterov: torch's parameter is the look-ahead point θ + αv of the course's iterates.
- RMSProp: Goodfellow et al. write √(δ + r); torch (and this code) use √r + δ.
- AdaGrad, Adam: torch matches the course exactly (δ outside the root; Adam's ε after the
  bias-corrected √v̂).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Tensor = torch.Tensor
STEPS = 25
DIM = 16


# ---- the update rules ------------------------------------------------------------------------

def sgd_momentum_step(theta: Tensor, v: Tensor, grad: Tensor, lr: float, alpha: float) -> tuple[Tensor, Tensor]:
    # v ← αv − ε∇L(θ)
    v = alpha * v - lr * grad
    # θ ← θ + v
    return theta + v, v


def nesterov_step(theta: Tensor, v: Tensor, grad_fn: Callable[[Tensor], Tensor], lr: float,
                  alpha: float) -> tuple[Tensor, Tensor]:
    # v ← αv − ε∇L(θ + αv): the gradient where momentum is about to carry us
    v = alpha * v - lr * grad_fn(theta + alpha * v)
    # θ ← θ + v
    return theta + v, v


def adagrad_step(theta: Tensor, r: Tensor, grad: Tensor, lr: float, delta: float) -> tuple[Tensor, Tensor]:
    # r ← r + ∇ ⊙ ∇: the sum of all squared gradients so far
    r = r + grad * grad
    # Δθ = −ε/(δ + √r) ⊙ ∇
    return theta - lr / (delta + r.sqrt()) * grad, r


def rmsprop_step(theta: Tensor, r: Tensor, grad: Tensor, lr: float, rho: float,
                 delta: float) -> tuple[Tensor, Tensor]:
    # r ← ρr + (1 − ρ)∇ ⊙ ∇: an exponential moving average that forgets the distant past
    r = rho * r + (1 - rho) * grad * grad
    # Δθ = −ε/(√r + δ) ⊙ ∇   (torch's placement of δ; the book has √(δ + r))
    return theta - lr / (r.sqrt() + delta) * grad, r


def adam_step(theta: Tensor, m: Tensor, v: Tensor, grad: Tensor, t: int, lr: float, beta1: float,
              beta2: float, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    # m ← β1 m + (1 − β1)∇,  v ← β2 v + (1 − β2)∇ ⊙ ∇
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    # m̂ = m/(1 − β1^t),  v̂ = v/(1 − β2^t): both start at 0 and would be biased towards it
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    # Δθ = −η m̂/(√v̂ + ε)
    return theta - lr * m_hat / (v_hat.sqrt() + eps), m, v


# ---- a test problem --------------------------------------------------------------------------

def quadratic(device: str, dim: int = DIM, seed: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    """A, b and a start θ0 for L(θ) = ½θᵀAθ − bᵀθ, A symmetric positive definite."""
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(dim, dim, generator=gen, dtype=torch.float64)
    a = q @ q.T / dim + 0.5 * torch.eye(dim, dtype=torch.float64)
    b = torch.randn(dim, generator=gen, dtype=torch.float64)
    theta0 = torch.randn(dim, generator=gen, dtype=torch.float64)
    return a.to(device), b.to(device), theta0.to(device)


def loss(a: Tensor, b: Tensor, theta: Tensor) -> Tensor:
    # L(θ) = ½θᵀAθ − bᵀθ
    return 0.5 * theta @ a @ theta - b @ theta


def gradient(a: Tensor, b: Tensor) -> Callable[[Tensor], Tensor]:
    # ∇L(θ) = Aθ − b  (A symmetric)
    return lambda theta: a @ theta - b


def run_torch(make_optimizer, a: Tensor, b: Tensor, theta0: Tensor, steps: int = STEPS, init=None) -> Tensor:
    """θ after ``steps`` steps of a torch.optim optimiser with autograd gradients."""
    param = torch.nn.Parameter(theta0.clone())
    optimizer = make_optimizer([param])
    if init is not None:
        init(optimizer.state[param], param)
    for _ in range(steps):
        optimizer.zero_grad()
        loss(a, b, param).backward()
        optimizer.step()
    return param.detach()


# ---- several steps in a row (the tests compare them with torch.optim) ------------------------

def run_sgd_momentum(a, b, theta, steps=STEPS, lr=0.05, alpha=0.9) -> Tensor:
    grad, v = gradient(a, b), torch.zeros_like(theta)
    for _ in range(steps):
        theta, v = sgd_momentum_step(theta, v, grad(theta), lr, alpha)
    return theta


def run_nesterov(a, b, theta, steps=STEPS, lr=0.05, alpha=0.9) -> tuple[Tensor, Tensor]:
    grad, v = gradient(a, b), torch.zeros_like(theta)
    for _ in range(steps):
        theta, v = nesterov_step(theta, v, grad, lr, alpha)
    return theta, v


def run_adagrad(a, b, theta, steps=STEPS, lr=0.5, delta=1e-10) -> Tensor:
    grad, r = gradient(a, b), torch.zeros_like(theta)
    for _ in range(steps):
        theta, r = adagrad_step(theta, r, grad(theta), lr, delta)
    return theta


def run_rmsprop(a, b, theta, steps=STEPS, lr=0.01, rho=0.9, delta=1e-8) -> Tensor:
    grad, r = gradient(a, b), torch.zeros_like(theta)
    for _ in range(steps):
        theta, r = rmsprop_step(theta, r, grad(theta), lr, rho, delta)
    return theta


def run_adam(a, b, theta, steps=STEPS, lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8) -> Tensor:
    grad = gradient(a, b)
    m, v = torch.zeros_like(theta), torch.zeros_like(theta)
    for t in range(1, steps + 1):
        theta, m, v = adam_step(theta, m, v, grad(theta), t, lr, beta1, beta2, eps)
    return theta

