"""Tabular MDP arithmetic in plain Python: Bellman backups, sweeps, greedy actions.

An MDP is given as P[s][a][s'] (transition probabilities) and R[s][a] (expected reward of taking a
in s). Every generator's answer is computed here, from the Bellman equations

    Q(s, a)        = R(s, a) + γ Σ_s' P(s' | s, a) V(s')
    (T V)(s)       = max_a Q(s, a)                       optimality backup (value iteration)
    (T_π V)(s)     = Σ_a π(a | s) Q(s, a)                expectation backup (policy evaluation)

A *synchronous* sweep computes every V_{k+1}(s) from the old V_k; an *in-place* (Gauss–Seidel)
sweep overwrites V(s) as it goes, so later states already see new values. The keyword switches
of the functions replay the wrong variants that the generators' mistakes name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mpcheck.api import round_off, tidy

Table = Sequence[Sequence[Sequence[float]]]  # P[s][a][s']
Rewards = Sequence[Sequence[float]]           # R[s][a]
Policy = Sequence[Sequence[float]]            # π[s][a]
Rows = Sequence[Sequence[Sequence[tuple[int, float]]]]  # P[s][a] as its nonzero entries ((s', p), …)
#: a backup operator T: reads V and writes (T V)(s) into out[s], state by state (out may be V itself)
Backup = Callable[[Sequence[float], list[float]], None]

#: action values closer than this share of the terms summed into them are a tie (float noise
#: must not pick a winner)
TIE = 1e-9


def clean(x: float, scale: float = 1.0) -> float:
    """Round off float noise (0.30000000000000004 → 0.3, 0.1 + 0.2 − 0.3 → 0) so that answers print
    tidily: to 13 significant digits of ``scale``, the size of the terms summed into x (or of x
    itself, where that is larger), never to a fixed number of decimals: rewards of 1e-12 keep
    their digits."""
    return round_off(x, scale)


def clean_list(values: Sequence[float], scale: float = 1.0) -> list[float]:
    """``clean`` of each value, with one ``scale`` (or the largest value) for all."""
    return tidy(values, scale)


class Model:
    """P[s][a] kept as its nonzero entries [(s', p), …] (a gridworld row has at most three), with
    R and γ: what every backup reads."""

    __slots__ = ("rows", "R", "gamma")

    def __init__(self, rows: Rows, R: Rewards, gamma: float):
        self.rows, self.R, self.gamma = rows, R, gamma

    @classmethod
    def dense(cls, P: Table, R: Rewards, gamma: float) -> Model:
        """From P[s][a][s'] written out in full."""
        return cls([[[(t, p) for t, p in enumerate(row) if p] for row in by_action] for by_action in P], R, gamma)

    def q_value(self, V: Sequence[float], s: int, a: int, gamma_on_reward: bool = False) -> float:
        # Q(s, a) = R(s, a) + γ Σ_s' P(s'|s, a) V(s')
        future = 0.0
        for t, p in self.rows[s][a]:
            future += p * V[t]
        if gamma_on_reward:  # the mistake: γ (R + Σ P V), the immediate reward discounted too
            return self.gamma * (self.R[s][a] + future)
        return self.R[s][a] + self.gamma * future

    def q_values(self, V: Sequence[float], s: int, gamma_on_reward: bool = False) -> list[float]:
        """Q(s, ·): the same sum as ``q_value``, written out once for all actions (the hot loop)."""
        gamma, out = self.gamma, []
        for reward, row in zip(self.R[s], self.rows[s]):
            future = 0.0
            for t, p in row:
                future += p * V[t]
            out.append(gamma * (reward + future) if gamma_on_reward else reward + gamma * future)
        return out


def q_value(P: Table, R: Rewards, gamma: float, V: Sequence[float], s: int, a: int) -> float:
    """One action value straight from the dense tables (for worked solutions)."""
    return Model.dense([P[s]], [R[s]], gamma).q_value(V, 0, a)


def q_values(P: Table, R: Rewards, gamma: float, V: Sequence[float], s: int) -> list[float]:
    return Model.dense([P[s]], [R[s]], gamma).q_values(V, 0)


def optimality_backup(model: Model, gamma_on_reward: bool = False) -> Backup:
    R, rows, gamma = model.R, model.rows, model.gamma

    def backup(V: Sequence[float], out: list[float]) -> None:
        # the sums of ``Model.q_values`` written out inline: this loop is most of a sweep's time
        for s in range(len(out)):
            best = None
            for reward, row in zip(R[s], rows[s]):
                future = 0.0
                for t, p in row:
                    future += p * V[t]
                # Q(s, a) = R(s, a) + γ Σ_s' P(s'|s, a) V(s'), or the mistake γ (R(s, a) + Σ_s' …)
                q = gamma * (reward + future) if gamma_on_reward else reward + gamma * future
                if best is None or q > best:  # the first of equal maxima, as max() keeps
                    best = q
            # (T V)(s) = max_a Q(s, a)
            out[s] = best
    return backup


def expectation_backup(model: Model, policy: Policy, gamma_on_reward: bool = False) -> Backup:
    R, rows, gamma = model.R, model.rows, model.gamma
    # the actions π takes in each state, (a, π(a|s)) with π(a|s) > 0: found once, not every sweep
    taken = [[(a, pi) for a, pi in enumerate(row) if pi] for row in policy]

    def backup(V: Sequence[float], out: list[float]) -> None:
        for s in range(len(out)):
            terms = []
            for a, pi in taken[s]:
                future = 0.0
                for t, p in rows[s][a]:
                    future += p * V[t]
                # Q(s, a) as in ``optimality_backup``
                q = gamma * (R[s][a] + future) if gamma_on_reward else R[s][a] + gamma * future
                terms.append(pi * q)
            # (T_π V)(s) = Σ_a π(a|s) Q(s, a)
            out[s] = sum(terms)
    return backup


def mean_backup(model: Model) -> Backup:
    """The mistake in value iteration: the average over actions instead of the max."""
    def backup(V: Sequence[float], out: list[float]) -> None:
        for s in range(len(out)):
            out[s] = sum(model.q_values(V, s)) / len(model.rows[s])
    return backup


def sweep(V: Sequence[float], backup: Backup, *, in_place: bool = False) -> list[float]:
    new = list(V)
    # synchronous: every V_{k+1}(s) = (T V_k)(s) from the old V_k; in place (the mistake, Gauss–Seidel):
    # the backup reads the list it writes, so later states already see this sweep's new values
    backup(new if in_place else V, new)
    return new


def sweeps(V0: Sequence[float], backup: Backup, iterations: int, *, in_place: bool = False) -> list[list[float]]:
    """[V_0, V_1, …, V_iterations]."""
    history = [list(V0)]
    for _ in range(iterations):
        history.append(sweep(history[-1], backup, in_place=in_place))
    return history


def greedy_actions(q: Sequence[float], scale: float = 0.0) -> list[int]:
    """Every action whose value ties with the best: within TIE of ``scale``, the size of the terms
    summed into the values (0, for values as typed: a tie only when equal). Relative, never a
    fixed gap, so that 1e-9 against 0 is a winner, not a tie."""
    best = max(q)
    return [a for a, v in enumerate(q) if v >= best - TIE * scale]
