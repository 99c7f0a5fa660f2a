"""Softmax cross-entropy and its gradient with respect to the logits, checked against autograd.

For logits Z (N × C) and integer targets, with the mean over the batch as F.cross_entropy:
    log ŷ = Z − logsumexp(Z)                       (log-softmax, stable)
    L = −(1/N) Σ_n log ŷ_{n, t_n}
    ∂L/∂Z = (softmax(Z) − onehot(t)) / N           (the Jacobian's off-diagonal terms included)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.exercises.draw import integer, normal

Tensor = torch.Tensor


def log_softmax(z: Tensor) -> Tensor:
    # log ŷ_i = z_i − log Σ_j e^(z_j), with the max subtracted inside the log-sum-exp
    top = z.max(dim=1, keepdim=True).values
    return z - top - torch.log(torch.exp(z - top).sum(dim=1, keepdim=True))


def cross_entropy(z: Tensor, target: Tensor) -> Tensor:
    # L = −(1/N) Σ_n log ŷ_{n, t_n}
    return -log_softmax(z).gather(1, target[:, None]).mean()


def softmax_ce_grad(z: Tensor, target: Tensor) -> Tensor:
    # ∂L/∂Z = (softmax(Z) − onehot(t)) / N
    y_hat = log_softmax(z).exp()
    one_hot = torch.zeros_like(z).scatter_(1, target[:, None], 1.0)
    return (y_hat - one_hot) / z.shape[0]


def autograd_grad(z: Tensor, target: Tensor) -> Tensor:
    """The oracle: autograd through PyTorch's own F.cross_entropy."""
    leaf = z.detach().clone().requires_grad_(True)
    F.cross_entropy(leaf, target).backward()
    return leaf.grad


def random_logits(device: str, batch: int = 64, classes: int = 10, seed: int = 0, dtype: torch.dtype = torch.float64,
                  scale: float = 3.0, generator=None) -> tuple[Tensor, Tensor]:
    generator = generator or torch.Generator().manual_seed(seed)
    z = normal(generator, batch, classes, dtype=dtype, device=device, scale=scale)
    target = torch.randint(classes, (batch,), generator=generator).to(device)
    return z, target


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [(1, 2, 1.0), (7, 5, 10.0), (3, 4, 500.0)]  # batch, classes, scale: the last overflows e^z


def softmax_ce_grad_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    sizes = FIXED + [(integer(generator, 1, 8), integer(generator, 2, 10), 3.0) for _ in range(3)]
    cases = []
    for batch, classes, scale in sizes:
        z, target = random_logits(device, batch, classes, dtype=dtype, scale=scale, generator=generator)
        cases.append(Case(f"logits {batch}×{classes} of scale {scale:g}", (z, target)))
    return cases


def softmax_ce_grad_benchmark(generator: torch.Generator, device: str, dtype: torch.dtype) -> Case:
    return Case("logits 64×10", random_logits(device, dtype=dtype, generator=generator))


def softmax_ce_grad_not_averaged(z: Tensor, target: Tensor) -> Tensor:
    """The bug: softmax(Z) − onehot(t) without the 1/N of the batch mean."""
    return softmax_ce_grad(z, target) * z.shape[0]


def softmax_ce_grad_flipped(z: Tensor, target: Tensor) -> Tensor:
    """The bug: (onehot(t) − softmax(Z))/N, the gradient of −L."""
    return -softmax_ce_grad(z, target)


def softmax_ce_grad_without_onehot(z: Tensor, target: Tensor) -> Tensor:
    """The bug: softmax(Z)/N, the −1 at the target class forgotten."""
    return log_softmax(z).exp() / z.shape[0]


def softmax_ce_grad_unstable(z: Tensor, target: Tensor) -> Tensor:
    """The bug: e^z without the row's maximum subtracted, which overflows to inf/inf = nan."""
    e = torch.exp(z)
    one_hot = torch.zeros_like(z).scatter_(1, target[:, None], 1.0)
    return (e / e.sum(dim=1, keepdim=True) - one_hot) / z.shape[0]
