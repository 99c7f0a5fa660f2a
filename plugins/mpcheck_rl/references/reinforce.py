"""REINFORCE on a softmax bandit, and the exact policy gradient it estimates.

A K-armed bandit with policy π_θ = softmax(θ) and expected rewards r̄(a) has
J(θ) = Σ_a π_θ(a) r̄(a). By the log-derivative trick, ∇π = π ∇log π, so

    ∇_θ J = Σ_a π_θ(a) ∇_θ log π_θ(a) r̄(a) = E_{a∼π}[∇_θ log π_θ(a) (r − b)]

for any constant baseline b (E[∇ log π] = ∇ Σ π = 0). The estimate from N pulls a_i with rewards r_i:

    ĝ = (1/N) Σ_i (r_i − b) ∇_θ log π_θ(a_i),   ∇_θ log π_θ(a) = e_a − π_θ

Oracles: autograd through the surrogate (1/N) Σ (r_i − b) log π_θ(a_i) for the estimate; autograd
through J(θ) for the exact gradient, which the estimate's expectation (every arm weighted by π_θ)
must equal.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def softmax(theta: torch.Tensor) -> torch.Tensor:
    # π(a) = e^{θ_a − max θ} / Σ_b e^{θ_b − max θ}
    z = torch.exp(theta - theta.max())
    return z / z.sum()


def reinforce_gradient(theta: torch.Tensor, actions: torch.Tensor, rewards: torch.Tensor,
                       baseline: float) -> torch.Tensor:
    pi = softmax(theta)
    weights = rewards - baseline                                   # r_i − b
    # ĝ = (1/N) Σ_i (r_i − b)(e_{a_i} − π) = (1/N) [Σ_i (r_i − b) e_{a_i} − (Σ_i (r_i − b)) π]:
    # each pull adds its weight to its own arm, and the total weight pulls every arm back by π
    chosen = torch.zeros_like(theta).index_add(0, actions, weights)
    return (chosen - weights.sum() * pi) / actions.shape[0]


def exact_gradient(theta: torch.Tensor, mean_rewards: torch.Tensor, baseline: float = 0.0) -> torch.Tensor:
    """E_{a∼π}[(r̄(a) − b) ∇ log π(a)]: the estimate with every arm weighted by its probability."""
    pi = softmax(theta)
    score = torch.eye(theta.shape[0], dtype=theta.dtype, device=theta.device) - pi   # row a: e_a − π
    return (pi * (mean_rewards - baseline)) @ score


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

def reinforce_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for _ in range(4):
        K, N = int(torch.randint(2, 7, (), generator=generator)), int(torch.randint(1, 20, (), generator=generator))
        theta = torch.randn(K, generator=generator, dtype=torch.float64).to(device, dtype)
        actions = torch.randint(0, K, (N,), generator=generator).to(device)
        rewards = (2 * torch.randn(N, generator=generator, dtype=torch.float64) + 1).to(device, dtype)
        baseline = float(torch.randn((), generator=generator, dtype=torch.float64)) + 0.5
        cases.append(Case(f"{K} arms, {N} pulls, baseline {baseline:.3f}", (theta, actions, rewards, baseline)))
    return cases


def reinforce_oracle(theta, actions, rewards, baseline):
    """Autograd through the surrogate (1/N) Σ (r_i − b) log π_θ(a_i)."""
    theta = theta.detach().clone().requires_grad_()
    log_pi = torch.log_softmax(theta, dim=0)
    ((rewards - baseline) * log_pi[actions]).mean().backward()
    return theta.grad


def reinforce_one_hot(theta, actions, rewards, baseline):
    """The same estimate with one score row per pull, (N, K): the direct reading of the formula."""
    score = torch.nn.functional.one_hot(actions, theta.shape[0]).to(theta.dtype) - softmax(theta)
    return ((rewards - baseline)[:, None] * score).mean(dim=0)


def reinforce_of_probability(theta, actions, rewards, baseline):
    """The bug: ∇π(a) instead of ∇log π(a) (the log-derivative trick left out)."""
    pi = softmax(theta)
    score = torch.nn.functional.one_hot(actions, theta.shape[0]).to(theta.dtype) - pi
    return ((rewards - baseline)[:, None] * pi[actions][:, None] * score).mean(dim=0)


def reinforce_chosen_arm_only(theta, actions, rewards, baseline):
    """The bug: only the pulled arm's component, (1 − π(a)), the others left at 0."""
    pi = softmax(theta)
    one_hot = torch.nn.functional.one_hot(actions, theta.shape[0]).to(theta.dtype)
    return ((rewards - baseline)[:, None] * one_hot * (1 - pi)).mean(dim=0)


def reinforce_without_baseline(theta, actions, rewards, baseline):
    """The bug: the baseline never subtracted."""
    return reinforce_one_hot(theta, actions, rewards, 0.0)


# --- checks against the oracles --------------------------------------------------------------

def autograd_exact(theta: torch.Tensor, mean_rewards: torch.Tensor) -> torch.Tensor:
    """∇_θ J with J(θ) = Σ_a π_θ(a) r̄(a), by autograd."""
    theta = theta.detach().clone().requires_grad_()
    (torch.softmax(theta, dim=0) * mean_rewards).sum().backward()
    return theta.grad


def check_reinforce(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(reinforce_gradient(*c.args), reinforce_oracle(*c.args))
              for c in reinforce_cases(generator, device, torch.float64)]
    for _ in range(3):
        theta = torch.randn(5, generator=generator, dtype=torch.float64).to(device)
        mean_rewards = torch.randn(5, generator=generator, dtype=torch.float64).to(device)
        # the estimate's expectation is the exact gradient, whatever the baseline
        for baseline in (0.0, 1.7):
            errors.append(max_abs_error(exact_gradient(theta, mean_rewards, baseline),
                                        autograd_exact(theta, mean_rewards)))
    theta = torch.randn(100, generator=generator, dtype=torch.float64).to(device)
    actions = torch.randint(0, 100, (10_000,), generator=generator).to(device)
    rewards = torch.randn(10_000, generator=generator, dtype=torch.float64).to(device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: reinforce_gradient(theta, actions, rewards, 0.5), device),
                     builtin_ms=time_ms(lambda: reinforce_oracle(theta, actions, rewards, 0.5), device),
                     detail="estimate vs autograd of the surrogate; its expectation vs autograd of J(θ)")
