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

from mpcheck.api import Case
from mpcheck.exercises.draw import integer, normal
from mpcheck.reference import max_abs_error

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


def random_grads(shapes, device, dtype=torch.float64, seed=0, generator=None):
    generator = generator or torch.Generator().manual_seed(seed)
    return [normal(generator, *shape, dtype=dtype, device=device) for shape in shapes]


def compare(grads, threshold) -> float:
    ours, our_norm = clip_grad_norm(grads, threshold)
    theirs, their_norm = torch_clip(grads, threshold)
    return max_abs_error([*ours, our_norm], [*theirs, their_norm])


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

FIXED = [[(3,)], [(4, 5), (5,)], [(64, 32), (64,), (10, 64), (10,)]]


def clip_grad_norm_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Each list of gradients twice: with a threshold that clips (½‖∇‖) and one that does not (2‖∇‖)."""
    shape_lists = FIXED + [[tuple(integer(generator, 1, 5) for _ in range(integer(generator, 1, 2)))
                            for _ in range(integer(generator, 2, 4))] for _ in range(2)]
    cases = []
    for shapes in shape_lists:
        grads = random_grads(shapes, device, dtype, generator=generator)
        norm = float(global_norm([g.double() for g in grads]))
        for ratio in (0.5, 2.0):
            threshold = float(f"{ratio * norm:.4g}")
            label = f"{len(grads)} tensor(s) {', '.join('×'.join(map(str, s)) for s in shapes)}, threshold {threshold}"
            cases.append(Case(label, (grads, threshold)))
    return cases


def clip_grad_norm_per_tensor(grads, threshold):
    """The bug: every tensor clipped by its own norm, which turns the direction of the whole update."""
    clipped = [g * torch.clamp(threshold / torch.linalg.vector_norm(g), max=1.0) for g in grads]
    return clipped, global_norm(grads)


def clip_grad_norm_always(grads, threshold):
    """The bug: ∇ ← (τ/‖∇‖)∇ even when ‖∇‖ ≤ τ, which blows small gradients up to length τ."""
    norm = global_norm(grads)
    return [g * (threshold / norm) for g in grads], norm
