"""Planning on a known tabular MDP: value iteration and policy iteration.

P is (S, A, S') with P[s, a, s'] = P(s' | s, a); R is (S, A), the expected reward of a in s.

    Q(s, a)   = R(s, a) + γ Σ_s' P(s'|s, a) V(s')            one-step lookahead
    V_{k+1}   = max_a Q_k                                     value iteration (synchronous sweep)
    V_π       = (I − γ P_π)⁻¹ R_π                             exact policy evaluation
    π'(s)     = argmax_a Q_π(s, a)                            policy improvement

Oracles: a loop over states and actions written straight from the definition (for the sweeps), and
the Bellman fixed point itself: the greedy policy of the converged values, evaluated by a linear solve,
must give those values back.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-9  # float64; the limits are reached to ~1e-12


def lookahead(P: torch.Tensor, R: torch.Tensor, gamma: float, V: torch.Tensor) -> torch.Tensor:
    # Q(s, a) = R(s, a) + γ Σ_s' P(s'|s, a) V(s')
    return R + gamma * torch.einsum("sat,t->sa", P, V)


def value_iteration(P: torch.Tensor, R: torch.Tensor, gamma: float, V0: torch.Tensor,
                    iterations: int) -> torch.Tensor:
    """``iterations`` synchronous sweeps of V ← max_a Q from V0."""
    V = V0
    for _ in range(iterations):
        # every V_{k+1}(s) from the old V_k: the whole sweep is one tensor operation
        V = lookahead(P, R, gamma, V).amax(dim=1)
    return V


def policy_evaluation_exact(P: torch.Tensor, R: torch.Tensor, gamma: float, policy: torch.Tensor) -> torch.Tensor:
    """V_π for a stochastic policy (S, A), by one linear solve."""
    # P_π(s, s') = Σ_a π(a|s) P(s'|s, a),   R_π(s) = Σ_a π(a|s) R(s, a)
    P_pi = torch.einsum("sa,sat->st", policy, P)
    R_pi = (policy * R).sum(dim=1)
    # V_π = R_π + γ P_π V_π   ⇔   (I − γ P_π) V_π = R_π
    eye = torch.eye(P.shape[0], dtype=P.dtype, device=P.device)
    return torch.linalg.solve(eye - gamma * P_pi, R_pi)


def greedy(P: torch.Tensor, R: torch.Tensor, gamma: float, V: torch.Tensor,
           current: torch.Tensor | None = None) -> torch.Tensor:
    """argmax_a Q(s, a); with ``current``, a state keeps its action while that action is still among
    the best (so that policy iteration stops instead of flipping between tied actions)."""
    Q = lookahead(P, R, gamma, V)
    best = Q.argmax(dim=1)
    if current is None:
        return best
    still_best = Q.gather(1, current[:, None])[:, 0] >= Q.amax(dim=1) - 1e-12
    return torch.where(still_best, current, best)


def policy_iteration(P: torch.Tensor, R: torch.Tensor, gamma: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(V*, π*) with π* as one action index per state; evaluate exactly, improve greedily, repeat
    until the policy is stable (at most A^S policies, in practice a handful of rounds)."""
    S, A = R.shape
    actions = torch.zeros(S, dtype=torch.long, device=R.device)
    while True:
        policy = torch.nn.functional.one_hot(actions, A).to(R.dtype)
        V = policy_evaluation_exact(P, R, gamma, policy)
        improved = greedy(P, R, gamma, V, current=actions)
        if torch.equal(improved, actions):
            return V, actions
        actions = improved


# --- the exercises: cases, oracles and known bugs ---------------------------------------------

def random_mdp(generator: torch.Generator, S: int, A: int, dtype: torch.dtype, device: str):
    """P from a softmax of random logits (every row a distribution), R standard normal."""
    logits = 2 * torch.randn(S, A, S, generator=generator, dtype=torch.float64)
    P = torch.softmax(logits, dim=-1)
    R = torch.randn(S, A, generator=generator, dtype=torch.float64)
    return P.to(device, dtype), R.to(device, dtype)


def gridworld_mdp(dtype: torch.dtype, device: str):
    """Russell & Norvig's 4×3 world: slip 0.2, −0.04 per step, +1 and −1 exits."""
    from mpcheck_rl.gridworld import Grid

    grid = Grid(("...T", ".#.T", "...."), (1.0, -1.0), 0.2, -0.04)
    P, R = grid.mdp()
    return (torch.tensor(P, dtype=dtype, device=device), torch.tensor(R, dtype=dtype, device=device))


def _draw(generator: torch.Generator, lo: int, hi: int) -> int:
    return int(torch.randint(lo, hi + 1, (), generator=generator))


def value_iteration_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    P, R = gridworld_mdp(dtype, device)
    cases = [Case("R&N 4×3 grid, 3 sweeps from 0", (P, R, 0.9, torch.zeros(11, dtype=dtype, device=device), 3))]
    for _ in range(4):
        S, A, k = _draw(generator, 2, 6), _draw(generator, 2, 4), _draw(generator, 1, 5)
        P, R = random_mdp(generator, S, A, dtype, device)
        gamma = 0.5 + 0.45 * float(torch.rand((), generator=generator, dtype=torch.float64))
        V0 = torch.randn(S, generator=generator, dtype=torch.float64).to(device, dtype)
        cases.append(Case(f"{S} states, {A} actions, γ = {gamma:.3f}, {k} sweeps", (P, R, gamma, V0, k)))
    return cases


def value_iteration_oracle(P, R, gamma, V0, iterations):
    """By the definition, one state and one action at a time, in Python floats."""
    p, r, V = P.tolist(), R.tolist(), V0.tolist()
    for _ in range(iterations):
        V = [max(r[s][a] + gamma * sum(p[s][a][t] * V[t] for t in range(len(V))) for a in range(len(r[s])))
             for s in range(len(V))]
    return torch.tensor(V, dtype=V0.dtype, device=V0.device)


def value_iteration_in_place(P, R, gamma, V0, iterations):
    """The bug: Gauss–Seidel, each V(s) overwritten during the sweep and read by later states."""
    V = V0.clone()
    for _ in range(iterations):
        for s in range(V.shape[0]):
            V[s] = (R[s] + gamma * P[s] @ V).max()
    return V


def value_iteration_gamma_on_reward(P, R, gamma, V0, iterations):
    """The bug: γ (R + Σ P V), the immediate reward discounted too."""
    V = V0
    for _ in range(iterations):
        V = (gamma * (R + torch.einsum("sat,t->sa", P, V))).amax(dim=1)
    return V


def value_iteration_mean(P, R, gamma, V0, iterations):
    """The bug: the average over actions (the random policy's evaluation), not the max."""
    V = V0
    for _ in range(iterations):
        V = lookahead(P, R, gamma, V).mean(dim=1)
    return V


def policy_iteration_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    P, R = gridworld_mdp(dtype, device)
    cases = [Case("R&N 4×3 grid, γ = 0.9", (P, R, 0.9))]
    for _ in range(4):
        S, A = _draw(generator, 2, 7), _draw(generator, 2, 4)
        P, R = random_mdp(generator, S, A, dtype, device)
        gamma = 0.5 + 0.4 * float(torch.rand((), generator=generator, dtype=torch.float64))
        cases.append(Case(f"{S} states, {A} actions, γ = {gamma:.3f}", (P, R, gamma)))
    return cases


def policy_iteration_oracle(P, R, gamma):
    """Value iteration to convergence (the sup-norm error shrinks by γ per sweep), then greedy."""
    P64, R64 = P.double(), R.double()
    V = torch.zeros(P.shape[0], dtype=torch.float64, device=P.device)
    for _ in range(10_000):
        new = value_iteration(P64, R64, gamma, V, 1)
        if (new - V).abs().max() < 1e-14:
            break
        V = new
    return new.to(P.dtype), greedy(P64, R64, gamma, new)


def policy_iteration_transposed(P, R, gamma):
    """The bug: the evaluation solves with P_πᵀ (rows and columns of the transition matrix swapped)."""
    S, A = R.shape
    actions = torch.zeros(S, dtype=torch.long, device=R.device)
    for _ in range(100):
        policy = torch.nn.functional.one_hot(actions, A).to(R.dtype)
        P_pi, R_pi = torch.einsum("sa,sat->st", policy, P), (policy * R).sum(1)
        V = torch.linalg.solve(torch.eye(S, dtype=P.dtype, device=P.device) - gamma * P_pi.T, R_pi)
        improved = greedy(P, R, gamma, V, current=actions)
        if torch.equal(improved, actions):
            break
        actions = improved
    return V, actions


def policy_iteration_reward_only(P, R, gamma):
    """The bug: improvement by the immediate reward alone, argmax_a R(s, a), forgetting γ P V."""
    actions = R.argmax(dim=1)
    policy = torch.nn.functional.one_hot(actions, R.shape[1]).to(R.dtype)
    return policy_evaluation_exact(P, R, gamma, policy), actions


# --- checks against the oracles --------------------------------------------------------------

def _fixed_point_error(P, R, gamma, V) -> float:
    """How far V is from the Bellman fixed point: the greedy policy's exact value must be V."""
    policy = torch.nn.functional.one_hot(greedy(P, R, gamma, V), R.shape[1]).to(R.dtype)
    return max_abs_error(policy_evaluation_exact(P, R, gamma, policy), V)


def check_value_iteration(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(value_iteration(*case.args), value_iteration_oracle(*case.args))
              for case in value_iteration_cases(generator, device, torch.float64)]
    P, R = gridworld_mdp(torch.float64, device)
    limit = value_iteration(P, R, 0.9, torch.zeros(11, dtype=torch.float64, device=device), 400)
    errors.append(_fixed_point_error(P, R, 0.9, limit))
    P, R = random_mdp(generator, 200, 8, torch.float64, device)
    V0 = torch.zeros(200, dtype=torch.float64, device=device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: value_iteration(P, R, 0.9, V0, 50), device),
                     detail="sweeps vs the definition; the limit is the Bellman fixed point (linear solve)")


def check_policy_iteration(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(1)
    errors = []
    for case in policy_iteration_cases(generator, device, torch.float64):
        V, actions = policy_iteration(*case.args)
        V_star, best = policy_iteration_oracle(*case.args)
        errors += [max_abs_error(V, V_star), float((actions != best).sum())]
        errors.append(_fixed_point_error(*case.args, V))
    P, R = random_mdp(generator, 50, 4, torch.float64, device)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: policy_iteration(P, R, 0.9), device),
                     detail="V* and π* agree with value iteration run to convergence")
