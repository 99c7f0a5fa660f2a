"""Softmax cross-entropy and its gradient with respect to the logits, checked against autograd.

For logits Z (N × C) and integer targets, with the mean over the batch as F.cross_entropy:
    log ŷ = Z − logsumexp(Z)                       (log-softmax, stable)
    L = −(1/N) Σ_n log ŷ_{n, t_n}
    ∂L/∂Z = (softmax(Z) − onehot(t)) / N           (the Jacobian's off-diagonal terms included)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.reference import RefResult, max_abs_error, time_ms

Tensor = torch.Tensor
TOLERANCE = 1e-12


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


def random_logits(device: str, batch: int = 64, classes: int = 10, seed: int = 0) -> tuple[Tensor, Tensor]:
    gen = torch.Generator().manual_seed(seed)
    z = 3 * torch.randn(batch, classes, generator=gen, dtype=torch.float64)
    target = torch.randint(classes, (batch,), generator=gen)
    return z.to(device), target.to(device)


def check_softmax_ce_grad(device: str) -> RefResult:
    z, target = random_logits(device)
    error = max(max_abs_error(softmax_ce_grad(z, target), autograd_grad(z, target)),
                max_abs_error(cross_entropy(z, target), F.cross_entropy(z, target)))
    return RefResult(max_abs_error=error, tolerance=TOLERANCE, ms=time_ms(lambda: softmax_ce_grad(z, target), device),
                     builtin_ms=time_ms(lambda: autograd_grad(z, target), device), device=device)
