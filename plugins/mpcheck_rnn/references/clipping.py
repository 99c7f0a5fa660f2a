"""Gradient clipping by global norm, over all parameters' gradients together.

    ‖∇‖ = √(Σ_p ‖∇_p‖²)
    if ‖∇‖ > τ:  ∇_p ← (τ / ‖∇‖) ∇_p   for every p

One factor for all tensors keeps the direction of the whole update, only its length is capped.

Oracle: torch.nn.utils.clip_grad_norm_. It multiplies by min(1, τ / (‖∇‖ + 10⁻⁶)), the 10⁻⁶
guarding against a zero norm; the course's formula has no such term, so the two differ by a
relative 10⁻⁶/‖∇‖ when clipping happens (hence the tolerance).
"""

from __future__ import annotations

import torch

from mpcheck.reference import RefResult, max_abs_error, time_ms

TORCH_EPS = 1e-6


def global_norm(grads):
    # ‖∇‖ = √(Σ_p ‖∇_p‖²)
    return torch.sqrt(sum((g ** 2).sum() for g in grads))


def clip_grad_norm(grads, threshold):
    """New tensors: the gradients after clipping, and the norm before it."""
    norm = global_norm(grads)
    # ∇ ← (τ / ‖∇‖) ∇ when ‖∇‖ > τ; a factor of 1 otherwise (computed on the device, no sync)
    factor = torch.where(norm > threshold, threshold / norm, torch.ones_like(norm))
    return [g * factor for g in grads], norm


def torch_clip(grads, threshold):
    """The oracle on fresh parameters whose .grad are copies of ``grads``."""
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    norm = torch.nn.utils.clip_grad_norm_(params, threshold)
    return [p.grad for p in params], norm


def random_grads(shapes, device, dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(*shape, generator=gen, dtype=dtype).to(device) for shape in shapes]


def compare(grads, threshold) -> float:
    ours, our_norm = clip_grad_norm(grads, threshold)
    theirs, their_norm = torch_clip(grads, threshold)
    return max_abs_error([*ours, our_norm], [*theirs, their_norm])


def check_clip_grad_norm(device: str) -> RefResult:
    grads = random_grads([(64, 32), (64,), (10, 64), (10,)], device)
    norm = float(global_norm(grads))
    # one threshold that clips and one that does not
    error = max(compare(grads, 0.5 * norm), compare(grads, 2.0 * norm))
    return RefResult(max_abs_error=error, tolerance=1e-6,
                     ms=time_ms(lambda: clip_grad_norm(grads, 0.5 * norm), device),
                     builtin_ms=time_ms(lambda: torch_clip(grads, 0.5 * norm), device), device=device,
                     detail="float64, four tensors, thresholds ½‖∇‖ and 2‖∇‖")
