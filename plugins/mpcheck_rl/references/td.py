"""Temporal-difference learning on tables: TD(0), SARSA and Q-learning along an episode.

An episode is states s_0 … s_T (s_T terminal), actions a_0 … a_{T−1} and rewards r_1 … r_T.

    TD(0)        V(s_t)      += α [r_{t+1} + γ V(s_{t+1})                − V(s_t)]
    SARSA        Q(s_t, a_t) += α [r_{t+1} + γ Q(s_{t+1}, a_{t+1})       − Q(s_t, a_t)]
    Q-learning   Q(s_t, a_t) += α [r_{t+1} + γ max_a Q(s_{t+1}, a)       − Q(s_t, a_t)]

and at the last step the target is r_T alone (nothing follows a terminal state), whatever the table
holds for s_T.

Oracles: the updates written out in Python floats, and where the updates lead: *batch* updating on
a fixed data set (the increments of a whole pass summed before the table changes) converges to the
certainty-equivalence answer, the values of the MDP estimated from the data (Sutton & Barto, §6.3):
a linear solve for TD(0) and SARSA, value iteration on the estimated MDP for Q-learning.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-9


def td0_episode(V: torch.Tensor, states: torch.Tensor, rewards: torch.Tensor, alpha: float,
                gamma: float) -> torch.Tensor:
    V = V.clone()
    T = rewards.shape[0]
    for t in range(T):
        s, s_next = states[t], states[t + 1]
        # the last transition enters the terminal state: nothing to bootstrap from
        future = V[s_next] if t < T - 1 else 0.0
        # V(s) ← V(s) + α [r + γ V(s') − V(s)]
        V[s] += alpha * (rewards[t] + gamma * future - V[s])
    return V


def sarsa_episode(Q: torch.Tensor, states: torch.Tensor, actions: torch.Tensor, rewards: torch.Tensor,
                  alpha: float, gamma: float) -> torch.Tensor:
    Q = Q.clone()
    T = rewards.shape[0]
    for t in range(T):
        s, a = states[t], actions[t]
        # on-policy: bootstrap from the action the policy actually takes next
        future = Q[states[t + 1], actions[t + 1]] if t < T - 1 else 0.0
        # Q(s, a) ← Q(s, a) + α [r + γ Q(s', a') − Q(s, a)]
        Q[s, a] += alpha * (rewards[t] + gamma * future - Q[s, a])
    return Q


def q_learning_episode(Q: torch.Tensor, states: torch.Tensor, actions: torch.Tensor, rewards: torch.Tensor,
                       alpha: float, gamma: float) -> torch.Tensor:
    Q = Q.clone()
    T = rewards.shape[0]
    for t in range(T):
        s, a = states[t], actions[t]
        # off-policy: bootstrap from the greedy action, whatever the behaviour does next
        future = Q[states[t + 1]].max() if t < T - 1 else 0.0
        # Q(s, a) ← Q(s, a) + α [r + γ max_a' Q(s', a') − Q(s, a)]
        Q[s, a] += alpha * (rewards[t] + gamma * future - Q[s, a])
    return Q


# --- batch updating and where it converges -------------------------------------------------------

def batch_td0(V, s, r, s_next, done, alpha: float, gamma: float, passes: int) -> torch.Tensor:
    """Batch TD(0) over transitions (s, r, s', done): each pass sums the increments, then updates."""
    for _ in range(passes):
        # δ_i = r_i + γ (1 − done_i) V(s'_i) − V(s_i)
        delta = r + gamma * torch.where(done, 0.0, V[s_next]) - V[s]
        V = V + alpha * torch.zeros_like(V).index_add(0, s, delta)
    return V


def batch_sarsa(Q, s, a, r, s_next, a_next, done, alpha: float, gamma: float, passes: int) -> torch.Tensor:
    A = Q.shape[1]
    for _ in range(passes):
        # δ_i = r_i + γ (1 − done_i) Q(s'_i, a'_i) − Q(s_i, a_i)
        delta = r + gamma * torch.where(done, 0.0, Q[s_next, a_next]) - Q[s, a]
        Q = Q + alpha * torch.zeros_like(Q).view(-1).index_add(0, s * A + a, delta).view_as(Q)
    return Q


def batch_q_learning(Q, s, a, r, s_next, done, alpha: float, gamma: float, passes: int) -> torch.Tensor:
    A = Q.shape[1]
    for _ in range(passes):
        # δ_i = r_i + γ (1 − done_i) max_a' Q(s'_i, a') − Q(s_i, a_i)
        delta = r + gamma * torch.where(done, 0.0, Q[s_next].amax(dim=1)) - Q[s, a]
        Q = Q + alpha * torch.zeros_like(Q).view(-1).index_add(0, s * A + a, delta).view_as(Q)
    return Q


def certainty_equivalence(source, r, target, done, n_rows: int, gamma: float) -> torch.Tensor:
    """The fixed point of batch TD over rows (states, or state–action pairs): with the empirical
    P̂(row'|row) and R̂(row), x = R̂ + γ P̂ x, solved directly (unvisited rows are left at 0)."""
    count = torch.zeros(n_rows, dtype=r.dtype, device=r.device).index_add(0, source, torch.ones_like(r))
    R_hat = torch.zeros_like(count).index_add(0, source, r) / count.clamp(min=1)
    keep = ~done  # transitions into a terminal state bootstrap nothing
    P_hat = torch.zeros(n_rows, n_rows, dtype=r.dtype, device=r.device)
    P_hat.index_put_((source[keep], target[keep]), torch.ones_like(r[keep]), accumulate=True)
    P_hat = P_hat / count.clamp(min=1)[:, None]
    eye = torch.eye(n_rows, dtype=r.dtype, device=r.device)
    return torch.linalg.solve(eye - gamma * P_hat, R_hat)


def data_set(generator: torch.Generator, S: int, A: int, device: str, per_pair: int = 3):
    """Transitions of a random MDP whose last state is terminal: every (s, a) of the other states
    tried ``per_pair`` times, with a random next action a' for SARSA."""
    P = torch.softmax(2 * torch.randn(S - 1, A, S, generator=generator, dtype=torch.float64), dim=-1)
    s = torch.arange(S - 1).repeat_interleave(A * per_pair)
    a = torch.arange(A).repeat_interleave(per_pair).repeat(S - 1)
    s_next = torch.multinomial(P[s, a], 1, generator=generator)[:, 0]
    r = torch.randn(s.shape[0], generator=generator, dtype=torch.float64)
    a_next = torch.randint(0, A, s.shape, generator=generator)
    done = s_next == S - 1
    return [t.to(device) for t in (s, a, r, s_next, a_next, done)]


def _converged_errors(device: str) -> list[float]:
    """Batch TD(0), SARSA and Q-learning against the certainty-equivalence values."""
    generator = torch.Generator().manual_seed(5)
    S, A, gamma = 5, 2, 0.8
    s, a, r, s_next, a_next, done = data_set(generator, S, A, device)
    zeros = torch.zeros(S, dtype=torch.float64, device=device)
    V = batch_td0(zeros, s, r, s_next, done, alpha=0.05, gamma=gamma, passes=1000)
    V_ce = certainty_equivalence(s, r, s_next, done, S, gamma)
    Q0 = torch.zeros(S, A, dtype=torch.float64, device=device)
    Q = batch_sarsa(Q0, s, a, r, s_next, a_next, done, alpha=0.1, gamma=gamma, passes=1000)
    Q_ce = certainty_equivalence(s * A + a, r, s_next * A + a_next, done, S * A, gamma).view(S, A)
    Q_star = batch_q_learning(Q0, s, a, r, s_next, done, alpha=0.1, gamma=gamma, passes=1000)
    # Q̂* by value iteration on the estimated MDP: Q = R̂ + γ P̂ max_a' Q
    Q_vi = Q0
    for _ in range(300):
        target = r + gamma * torch.where(done, 0.0, Q_vi[s_next].amax(dim=1))
        total = torch.zeros(S * A, dtype=torch.float64, device=device).index_add(0, s * A + a, target)
        Q_vi = (total / torch.zeros(S * A, dtype=torch.float64, device=device).index_add(
            0, s * A + a, torch.ones_like(r)).clamp(min=1)).view(S, A)
    visited = slice(0, S - 1)  # the terminal state is never updated
    return [max_abs_error(V[visited], V_ce[visited]), max_abs_error(Q[visited], Q_ce[visited]),
            max_abs_error(Q_star[visited], Q_vi[visited])]


# --- the exercises: cases, oracles and known bugs ---------------------------------------------

def episode_cases(generator: torch.Generator, device: str, dtype: torch.dtype, *, with_actions: bool) -> list[Case]:
    """Random episodes over a few states (the last one terminal) that revisit states, on tables whose
    every entry, the terminal state's included, is nonzero."""
    cases = []
    for _ in range(4):
        S, A = int(torch.randint(3, 7, (), generator=generator)), int(torch.randint(2, 4, (), generator=generator))
        T = int(torch.randint(3, 13, (), generator=generator))
        states = torch.cat([torch.randint(0, S - 1, (T,), generator=generator), torch.tensor([S - 1])]).to(device)
        actions = torch.randint(0, A, (T,), generator=generator).to(device)
        rewards = torch.randn(T, generator=generator, dtype=torch.float64).to(device, dtype)
        table = torch.randn((S, A) if with_actions else (S,), generator=generator, dtype=torch.float64).to(device, dtype)
        alpha = 0.1 + 0.8 * float(torch.rand((), generator=generator, dtype=torch.float64))
        gamma = 0.5 + 0.45 * float(torch.rand((), generator=generator, dtype=torch.float64))
        label = f"{S} states, {A} actions, {T} steps, α = {alpha:.3f}, γ = {gamma:.3f}"
        args = (table, states, actions, rewards, alpha, gamma) if with_actions else (table, states, rewards, alpha, gamma)
        cases.append(Case(label, args))
    return cases


def td0_cases(generator, device, dtype):
    return episode_cases(generator, device, dtype, with_actions=False)


def sarsa_cases(generator, device, dtype):
    return episode_cases(generator, device, dtype, with_actions=True)


def _by_the_definition(table, states, actions, rewards, alpha, gamma, future):
    """Every update in Python floats; ``future(table, t)`` is what step t bootstraps from."""
    values = table.tolist()
    states, rewards = states.tolist(), rewards.tolist()
    actions = actions.tolist() if actions is not None else None
    T = len(rewards)
    for t in range(T):
        bootstrap = future(values, states, actions, t) if t < T - 1 else 0.0
        target = rewards[t] + gamma * bootstrap
        if actions is None:
            values[states[t]] += alpha * (target - values[states[t]])
        else:
            row = values[states[t]]
            row[actions[t]] += alpha * (target - row[actions[t]])
    return torch.tensor(values, dtype=table.dtype, device=table.device)


def td0_oracle(V, states, rewards, alpha, gamma):
    return _by_the_definition(V, states, None, rewards, alpha, gamma, lambda v, s, a, t: v[s[t + 1]])


def sarsa_oracle(Q, states, actions, rewards, alpha, gamma):
    return _by_the_definition(Q, states, actions, rewards, alpha, gamma, lambda q, s, a, t: q[s[t + 1]][a[t + 1]])


def q_learning_oracle(Q, states, actions, rewards, alpha, gamma):
    return _by_the_definition(Q, states, actions, rewards, alpha, gamma, lambda q, s, a, t: max(q[s[t + 1]]))


def td0_terminal_bootstrapped(V, states, rewards, alpha, gamma):
    """The bug: the last step bootstraps from the table's entry for the terminal state."""
    V = V.clone()
    for t in range(rewards.shape[0]):
        V[states[t]] += alpha * (rewards[t] + gamma * V[states[t + 1]] - V[states[t]])
    return V


def td0_gamma_on_reward(V, states, rewards, alpha, gamma):
    """The bug: the target γ (r + V(s')), the reward discounted too."""
    V = V.clone()
    T = rewards.shape[0]
    for t in range(T):
        future = V[states[t + 1]] if t < T - 1 else 0.0
        V[states[t]] += alpha * (gamma * (rewards[t] + future) - V[states[t]])
    return V


def _q_variant(Q, states, actions, rewards, alpha, gamma, future, terminal_bootstrap=False):
    Q = Q.clone()
    T = rewards.shape[0]
    for t in range(T):
        bootstrap = future(Q, states, actions, t) if t < T - 1 or terminal_bootstrap else 0.0
        Q[states[t], actions[t]] += alpha * (rewards[t] + gamma * bootstrap - Q[states[t], actions[t]])
    return Q


def sarsa_with_max(Q, states, actions, rewards, alpha, gamma):
    """The bug: Q-learning's target max_a' Q(s', a') inside SARSA."""
    return _q_variant(Q, states, actions, rewards, alpha, gamma, lambda q, s, a, t: q[s[t + 1]].max())


def sarsa_gamma_on_reward(Q, states, actions, rewards, alpha, gamma):
    """The bug: the target γ (r + Q(s', a')), the reward discounted too."""
    Q = Q.clone()
    T = rewards.shape[0]
    for t in range(T):
        future = Q[states[t + 1], actions[t + 1]] if t < T - 1 else 0.0
        Q[states[t], actions[t]] += alpha * (gamma * (rewards[t] + future) - Q[states[t], actions[t]])
    return Q


def q_learning_with_next_action(Q, states, actions, rewards, alpha, gamma):
    """The bug: SARSA's target Q(s', a') with the action the behaviour took next."""
    return _q_variant(Q, states, actions, rewards, alpha, gamma, lambda q, s, a, t: q[s[t + 1], a[t + 1]])


def q_learning_terminal_bootstrapped(Q, states, actions, rewards, alpha, gamma):
    """The bug: the last step bootstraps from max_a Q(s_T, a) of the terminal state."""
    return _q_variant(Q, states, actions, rewards, alpha, gamma, lambda q, s, a, t: q[s[t + 1]].max(),
                      terminal_bootstrap=True)


# --- checks against the oracles --------------------------------------------------------------

def _episode_errors(function, oracle, cases) -> list[float]:
    return [max_abs_error(function(*case.args), oracle(*case.args)) for case in cases]


def check_td0(device: str) -> RefResult:
    cases = td0_cases(torch.Generator().manual_seed(2), device, torch.float64)
    errors = _episode_errors(td0_episode, td0_oracle, cases) + _converged_errors(device)[:1]
    args = cases[0].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: td0_episode(*args), device),
                     detail="updates vs the definition; batch TD(0) reaches the certainty-equivalence values")


def check_sarsa(device: str) -> RefResult:
    cases = sarsa_cases(torch.Generator().manual_seed(3), device, torch.float64)
    errors = _episode_errors(sarsa_episode, sarsa_oracle, cases) + _converged_errors(device)[1:2]
    args = cases[0].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: sarsa_episode(*args), device),
                     detail="updates vs the definition; batch SARSA reaches the certainty-equivalence Q")


def check_q_learning(device: str) -> RefResult:
    cases = sarsa_cases(torch.Generator().manual_seed(4), device, torch.float64)
    errors = _episode_errors(q_learning_episode, q_learning_oracle, cases) + _converged_errors(device)[2:]
    args = cases[0].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: q_learning_episode(*args), device),
                     detail="updates vs the definition; batch Q-learning reaches Q* of the estimated MDP")
