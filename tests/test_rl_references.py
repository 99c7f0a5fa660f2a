"""rl reference implementations: their own oracle checks, each exercise sound, and the planners'
limits against an independent tabular MDP (gymnasium's FrozenLake)."""

import os

import numpy as np
import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.exercises.checker import check_implementation
from mpcheck.testing import assert_exercise_sound
from mpcheck_rl.references import REFERENCES, planning, reinforce, td

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, f"{reference.name}: max error {result.max_abs_error} > {result.tolerance}"
    assert result.device == DEVICE and result.ms > 0


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_sound(reference):
    assert reference.topic == "rl" and reference.exercise is not None
    assert load_object(reference.source).__name__ == reference.source
    assert_exercise_sound(reference.exercise, device=DEVICE)


def test_exercise_checker_refuses_a_forbidden_builtin():
    exercise = next(r.exercise for r in REFERENCES if r.name == "dqn-loss")

    def lazy(q_values, actions, rewards, next_q_target, dones, gamma):
        return torch.nn.functional.mse_loss(q_values.gather(1, actions[:, None])[:, 0], rewards)

    report = check_implementation(exercise, lazy, DEVICE, seed=0)
    assert not report.passed and "not allowed" in report.first_failure.error


def test_policy_iteration_solves_frozen_lake_like_value_iteration():
    gymnasium = pytest.importorskip("gymnasium", reason="gymnasium is the test extra's FrozenLake oracle")
    env = gymnasium.make("FrozenLake-v1", map_name="8x8", is_slippery=True)
    table = env.unwrapped.P
    S = len(table)
    P, R = torch.zeros(S, 4, S, dtype=torch.float64), torch.zeros(S, 4, dtype=torch.float64)
    for s in range(S):
        for a in range(4):
            for probability, nxt, reward, _ in table[s][a]:
                P[s, a, nxt] += probability
                R[s, a] += probability * reward
    V, actions = planning.policy_iteration(P.to(DEVICE), R.to(DEVICE), 0.95)
    V_star, best = planning.policy_iteration_oracle(P.to(DEVICE), R.to(DEVICE), 0.95)
    assert torch.allclose(V, V_star, atol=1e-10)
    # the start state's optimal success probability under γ = 0.95, positive but well below 1
    assert 0 < V[0].item() < 1
    q = planning.lookahead(P.to(DEVICE), R.to(DEVICE), 0.95, V)
    assert torch.allclose(q.gather(1, actions[:, None])[:, 0], q.amax(dim=1), atol=1e-12)


def test_reinforce_estimate_converges_to_the_exact_gradient():
    generator = torch.Generator().manual_seed(0)
    theta = torch.tensor([0.5, -0.2, 1.0], dtype=torch.float64)
    mean_rewards = torch.tensor([1.0, 3.0, -1.0], dtype=torch.float64)
    pi = reinforce.softmax(theta)
    actions = torch.multinomial(pi, 400_000, replacement=True, generator=generator)
    rewards = mean_rewards[actions] + torch.randn(actions.shape, generator=generator, dtype=torch.float64)
    estimate = reinforce.reinforce_gradient(theta, actions, rewards, baseline=1.0)
    assert torch.allclose(estimate, reinforce.autograd_exact(theta, mean_rewards), atol=0.02)


def test_batch_td_reaches_certainty_equivalence_and_online_td_does_not_exactly():
    errors = td._converged_errors(DEVICE)
    assert max(errors) < 1e-9
    # the certainty-equivalence answer differs from the plain average of returns (Monte Carlo's)
    generator = torch.Generator().manual_seed(5)
    s, a, r, s_next, a_next, done = td.data_set(generator, 5, 2, DEVICE)
    V_ce = td.certainty_equivalence(s, r, s_next, done, 5, 0.8)
    assert np.isfinite(V_ce.cpu().numpy()).all()


def test_reinforce_gradient_equals_its_one_row_per_pull_reading():
    generator = torch.Generator().manual_seed(3)
    for case in reinforce.reinforce_cases(generator, DEVICE, torch.float64):
        assert torch.allclose(reinforce.reinforce_gradient(*case.args), reinforce.reinforce_one_hot(*case.args))
