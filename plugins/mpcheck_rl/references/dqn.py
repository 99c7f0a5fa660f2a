"""The DQN loss on a minibatch from the replay buffer (Mnih et al., 2015), and its gradient.

    y_i = r_i + γ (1 − done_i) max_a' Q(s'_i, a'; θ⁻)       target network θ⁻, held constant
    L   = (1/N) Σ_i (y_i − Q(s_i, a_i; θ))²

Only the taken action's Q(s_i, a_i; θ) enters the loss, so the gradient with respect to the online
network's outputs Q(s_i, ·; θ) is zero except at a_i:

    ∂L/∂Q(s_i, a; θ) = −(2/N) (y_i − Q(s_i, a_i; θ)) [a = a_i]

Oracles: torch.nn.functional.mse_loss on the gathered values for the loss, autograd through it (with
the target network's outputs requiring gradients too, which must receive none) for the gradient.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-12


def dqn_targets(rewards: torch.Tensor, next_q_target: torch.Tensor, dones: torch.Tensor,
                gamma: float) -> torch.Tensor:
    # y = r + γ (1 − done) max_a' Q(s', a'; θ⁻); detached: the target is a constant of the loss
    # (the mask as a float of the rewards' dtype: a bool tensor times γ would round γ to float32)
    not_done = (~dones).to(rewards.dtype)
    return (rewards + gamma * not_done * next_q_target.amax(dim=1)).detach()


def dqn_loss(q_values: torch.Tensor, actions: torch.Tensor, rewards: torch.Tensor,
             next_q_target: torch.Tensor, dones: torch.Tensor, gamma: float) -> torch.Tensor:
    """q_values: (N, A) online outputs Q(s_i, ·; θ); next_q_target: (N, A) target outputs in s'_i."""
    y = dqn_targets(rewards, next_q_target, dones, gamma)
    # Q(s_i, a_i; θ): only the action taken is regressed
    q_taken = q_values.gather(1, actions[:, None])[:, 0]
    # L = mean_i (y_i − Q(s_i, a_i))²
    return ((y - q_taken) ** 2).mean()


def dqn_loss_grad(q_values, actions, rewards, next_q_target, dones, gamma) -> torch.Tensor:
    """∂L/∂q_values by hand: −(2/N)(y_i − Q(s_i, a_i)) at each taken action, 0 elsewhere."""
    y = dqn_targets(rewards, next_q_target, dones, gamma)
    q_taken = q_values.gather(1, actions[:, None])[:, 0]
    grad = torch.zeros_like(q_values)
    grad.scatter_(1, actions[:, None], (-2 / q_values.shape[0] * (y - q_taken))[:, None])
    return grad


# --- the exercise: cases, oracle and known bugs ----------------------------------------------

def dqn_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for _ in range(4):
        N, A = int(torch.randint(2, 17, (), generator=generator)), int(torch.randint(2, 6, (), generator=generator))
        q = torch.randn(N, A, generator=generator, dtype=torch.float64).to(device, dtype)
        actions = torch.randint(0, A, (N,), generator=generator).to(device)
        rewards = torch.randn(N, generator=generator, dtype=torch.float64).to(device, dtype)
        next_q = torch.randn(N, A, generator=generator, dtype=torch.float64).to(device, dtype)
        dones = (torch.arange(N) % 3 == 0).to(device)  # some transitions end an episode
        gamma = 0.9 + 0.09 * float(torch.rand((), generator=generator, dtype=torch.float64))
        cases.append(Case(f"{N} transitions, {A} actions, γ = {gamma:.3f}", (q, actions, rewards, next_q, dones, gamma)))
    return cases


def dqn_loss_oracle(q_values, actions, rewards, next_q_target, dones, gamma):
    target = rewards + gamma * torch.where(dones, 0.0, next_q_target.max(dim=1).values)
    return F.mse_loss(q_values[torch.arange(q_values.shape[0]), actions], target)


def dqn_loss_terminal_bootstrapped(q_values, actions, rewards, next_q_target, dones, gamma):
    """The bug: the done flags ignored, so episode ends bootstrap from s' too."""
    target = rewards + gamma * next_q_target.amax(dim=1)
    return F.mse_loss(q_values.gather(1, actions[:, None])[:, 0], target)


def dqn_loss_all_actions(q_values, actions, rewards, next_q_target, dones, gamma):
    """The bug: every action's Q(s_i, a) regressed onto y_i, not only the one taken."""
    y = dqn_targets(rewards, next_q_target, dones, gamma)
    return ((y[:, None] - q_values) ** 2).mean()


# --- checks against the oracles --------------------------------------------------------------

def autograd_grad(q_values, actions, rewards, next_q_target, dones, gamma):
    """The oracle: autograd through F.mse_loss, with the target network's outputs requiring grad."""
    q = q_values.detach().clone().requires_grad_()
    target_net = next_q_target.detach().clone().requires_grad_()
    with torch.no_grad():
        y = rewards + gamma * torch.where(dones, 0.0, target_net.max(dim=1).values)
    F.mse_loss(q[torch.arange(q.shape[0]), actions], y).backward()
    assert target_net.grad is None, "the target must not receive gradients"
    return q.grad


def check_dqn_loss(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = []
    for case in dqn_cases(generator, device, torch.float64):
        errors.append(max_abs_error(dqn_loss(*case.args), dqn_loss_oracle(*case.args)))
        errors.append(max_abs_error(dqn_loss_grad(*case.args), autograd_grad(*case.args)))
    q = torch.randn(4096, 18, generator=generator, dtype=torch.float64).to(device)
    args = (q, torch.randint(0, 18, (4096,), generator=generator).to(device), q[:, 0].clone(), q.flip(0),
            (torch.arange(4096) % 7 == 0).to(device), 0.99)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: dqn_loss(*args), device),
                     builtin_ms=time_ms(lambda: dqn_loss_oracle(*args), device),
                     detail="loss vs F.mse_loss; its gradient vs autograd, none into the target network")
