"""rl answers against independent oracles: numpy's matrix algebra for the sweeps and their limits,
torch.optim.SGD for the Q-learning step, gymnasium's FrozenLake transition table for the gridworld
model; and params at the edges of what validation accepts never crash a text or a check."""

import json

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from problem_edges import assert_survives_or_refused
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_rl import dqn, exploration, greedy, planning, policy_gradient, returns, td
from mpcheck_rl.gridworld import Grid

SETTINGS = settings(max_examples=120, deadline=None)


@st.composite
def mdps(draw, max_states=5, max_actions=3):
    S, A = draw(st.integers(1, max_states)), draw(st.integers(1, max_actions))
    weights = st.lists(st.sampled_from([0, 0, 1, 2, 3, 0.5]), min_size=S, max_size=S).filter(any)
    P = [[[w / sum(row) for w in row] for row in (draw(weights) for _ in range(A))] for _ in range(S)]
    number = st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2))
    R = [[draw(number) for _ in range(A)] for _ in range(S)]
    return {"P": P, "R": R, "gamma": draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]) | st.floats(0, 1)),
            "V0": [draw(number) for _ in range(S)], "iterations": draw(st.integers(1, 6))}


def q_numpy(p: dict, V: np.ndarray) -> np.ndarray:
    # Q = R + γ P V, all states and actions at once
    return np.array(p["R"]) + p["gamma"] * np.einsum("sat,t->sa", np.array(p["P"]), V)


# --- ★ rl.value-iteration ---------------------------------------------------------------------

@SETTINGS
@given(mdps())
def test_value_iteration_matches_numpy(p):
    V = np.array(p["V0"], dtype=float)
    for _ in range(p["iterations"]):
        V = q_numpy(p, V).max(axis=1)
    assert np.allclose(Problem.from_params(planning.VALUE_ITERATION, p).answer, V, atol=1e-9)


@SETTINGS
@given(mdps(max_states=4))
def test_value_iteration_reaches_the_bellman_fixed_point(p):
    p = {**p, "gamma": min(p["gamma"], 0.8), "iterations": 200}
    V = np.array(Problem.from_params(planning.VALUE_ITERATION, p).answer)
    # the greedy policy of the limit, evaluated exactly: V = (I − γ P_π)⁻¹ R_π
    best = q_numpy(p, V).argmax(axis=1)
    S = len(V)
    P_pi = np.array(p["P"])[np.arange(S), best]
    R_pi = np.array(p["R"])[np.arange(S), best]
    assert np.allclose(np.linalg.solve(np.eye(S) - p["gamma"] * P_pi, R_pi), V, atol=1e-8)


# --- ★ rl.policy-evaluation --------------------------------------------------------------------

@st.composite
def evaluations(draw):
    p = draw(mdps())
    A = len(p["R"][0])
    rows = st.lists(st.sampled_from([0, 1, 2, 0.5]), min_size=A, max_size=A).filter(any)
    p["policy"] = [[w / sum(row) for w in row] for row in (draw(rows) for _ in range(len(p["P"])))]
    return p


@SETTINGS
@given(evaluations())
def test_policy_evaluation_is_the_truncated_series(p):
    # V_k = Σ_{j<k} (γ P_π)^j R_π + (γ P_π)^k V_0: the k sweeps in closed form
    pi, P, R = np.array(p["policy"]), np.array(p["P"]), np.array(p["R"])
    M = p["gamma"] * np.einsum("sa,sat->st", pi, P)
    R_pi = (pi * R).sum(axis=1)
    k = p["iterations"]
    expected = sum(np.linalg.matrix_power(M, j) @ R_pi for j in range(k)) + np.linalg.matrix_power(M, k) @ p["V0"]
    assert np.allclose(Problem.from_params(planning.POLICY_EVALUATION, p).answer, expected, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(evaluations())
def test_policy_evaluation_converges_to_the_linear_solve(p):
    p = {**p, "gamma": 0.7, "iterations": 150}
    pi, P, R = np.array(p["policy"]), np.array(p["P"]), np.array(p["R"])
    S = len(R)
    exact = np.linalg.solve(np.eye(S) - 0.7 * np.einsum("sa,sat->st", pi, P), (pi * R).sum(axis=1))
    assert np.allclose(Problem.from_params(planning.POLICY_EVALUATION, p).answer, exact, atol=1e-9)


# --- ★ rl.q-learning-update: one SGD step on ½ (y − Q(s, a))² with lr α ------------------------

@st.composite
def q_updates(draw):
    S, A = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    number = st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 3))
    return {"Q": [[draw(number) for _ in range(A)] for _ in range(S)], "s": draw(st.integers(0, S - 1)),
            "a": draw(st.integers(0, A - 1)), "r": draw(number), "s_next": draw(st.integers(0, S - 1)),
            "alpha": draw(st.sampled_from([0.1, 0.5, 1.0]) | st.floats(0.01, 1)),
            "gamma": draw(st.sampled_from([0.0, 0.9, 1.0]) | st.floats(0, 1)), "terminal": draw(st.booleans())}


@SETTINGS
@given(q_updates())
def test_q_learning_is_an_sgd_step_on_the_td_loss(p):
    Q = torch.tensor(p["Q"], dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        y = p["r"] + (0.0 if p["terminal"] else p["gamma"] * Q[p["s_next"]].max())
    optimizer = torch.optim.SGD([Q], lr=p["alpha"])
    (0.5 * (y - Q[p["s"], p["a"]]) ** 2).backward()
    optimizer.step()
    problem = Problem.from_params(td.Q_LEARNING_UPDATE, p)
    assert problem.answer == pytest.approx(Q[p["s"], p["a"]].item(), rel=1e-12, abs=1e-12)
    assert problem.check(problem.answer_text).correct


# --- the gridworld model against gymnasium's FrozenLake --------------------------------------

gymnasium = pytest.importorskip("gymnasium", reason="gymnasium is the test extra's FrozenLake oracle")
# ours: up, right, down, left; FrozenLake: 0 left, 1 down, 2 right, 3 up
GYM_ACTION = {0: 3, 1: 2, 2: 1, 3: 0}


def frozen_lake_grid(desc: list[str], slippery: bool) -> Grid:
    layout = [row.replace("S", ".").replace("F", ".").replace("H", "T").replace("G", "T") for row in desc]
    rewards = [1.0 if ch == "G" else 0.0 for row in desc for ch in row if ch in "HG"]
    return Grid(tuple(layout), tuple(rewards), 2 / 3 if slippery else 0.0, 0.0)


def gym_tables(env) -> tuple[np.ndarray, np.ndarray]:
    table = env.unwrapped.P
    S = len(table)
    P, R = np.zeros((S, 4, S)), np.zeros((S, 4))
    for s in range(S):
        for ours, theirs in GYM_ACTION.items():
            for probability, nxt, reward, _ in table[s][theirs]:
                P[s, ours, nxt] += probability
                R[s, ours] += probability * reward
    return P, R


MAPS = [["SFFF", "FHFH", "FFFH", "HFFG"], ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF"]]


@pytest.mark.parametrize("slippery", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_gridworld_model_matches_frozen_lake(slippery, seed):
    from gymnasium.envs.toy_text.frozen_lake import generate_random_map

    desc = MAPS[seed] if seed < len(MAPS) else generate_random_map(size=3 + seed % 3, p=0.8, seed=seed)
    env = gymnasium.make("FrozenLake-v1", desc=desc, is_slippery=slippery)
    P_gym, R_gym = gym_tables(env)
    P, R = frozen_lake_grid(desc, slippery).mdp()
    assert np.allclose(P, P_gym, atol=1e-12) and np.allclose(R, R_gym, atol=1e-12)
    # value iteration by the generator on FrozenLake's own table, against numpy on the same table
    if len(P) <= 30:
        p = {"P": P_gym.tolist(), "R": R_gym.tolist(), "gamma": 0.9, "V0": [0.0] * len(P), "iterations": 5}
        V = np.zeros(len(P))
        for _ in range(5):
            V = q_numpy(p, V).max(axis=1)
        assert np.allclose(Problem.from_params(planning.VALUE_ITERATION, p).answer, V, atol=1e-9)


def test_gridworld_params_must_match_the_grid():
    grid = Grid(("..T",), (1.0,), 0.2, 0.0)
    P, R = grid.mdp()
    good = {"P": P, "R": R, "gamma": 0.9, "V0": [0, 0, 0], "iterations": 1, "grid": grid.to_params()}
    Problem.from_params(planning.VALUE_ITERATION, good)
    wrong_reward = json.loads(json.dumps(good))
    wrong_reward["R"][0][0] += 0.5
    bad_layout = {**good, "grid": {**good["grid"], "layout": [".#T"]}}
    assert_params_rejected(planning.VALUE_ITERATION, [wrong_reward, bad_layout])


# --- validation: refused with a reason ----------------------------------------------------------

def test_invalid_params_are_refused():
    base = {"P": [[[1.0]]], "R": [[1.0]], "gamma": 0.9, "V0": [0.0], "iterations": 1}
    assert_params_rejected(planning.VALUE_ITERATION, [
        {**base, "P": [[[0.5]]]}, {**base, "P": [[[1.5, -0.5]]]}, {**base, "gamma": 1.5},
        {**base, "iterations": 0}, {**base, "iterations": 10**6}, {**base, "V0": [0, 0]},
        {**base, "R": [[1e300]]}, {**base, "extra": 1}, {k: v for k, v in base.items() if k != "P"},
        {**base, "P": [[[1.0] + [0.0] * 29] * 8] * 30, "R": [[0.0] * 8] * 30, "V0": [0.0] * 30, "iterations": 100},
        {**base, "grid": {"layout": [".X"], "terminal_rewards": [], "slip": 0, "step_reward": 0}},
    ])
    assert_params_rejected(planning.POLICY_EVALUATION, [{**base, "policy": [[0.5]]}, {**base, "policy": [[-1.0]]}])
    q = {"Q": [[0.0, 1.0]], "s": 0, "a": 1, "r": 1.0, "s_next": 0, "alpha": 0.5, "gamma": 0.9, "terminal": False}
    assert_params_rejected(td.Q_LEARNING_UPDATE, [
        {**q, "a": 2}, {**q, "alpha": 0}, {**q, "terminal": "no"}, {**q, "Q": [[0.0] * 9]}, {**q, "s_next": -1}])
    assert_params_rejected(greedy.GREEDY_POLICY, [
        {"grid": {"layout": [".T"], "terminal_rewards": [1], "slip": 0, "step_reward": 0}, "gamma": 0.9, "V": [0, 1]},
        {"grid": {"layout": ["TT"], "terminal_rewards": [1, 1], "slip": 0, "step_reward": 0}, "gamma": 0.9, "V": [0, 0]},
        {"grid": {"layout": [".T"], "terminal_rewards": [1, 2], "slip": 0, "step_reward": 0}, "gamma": 0.9, "V": [0, 0]},
        {"grid": {"layout": ["." * 7], "terminal_rewards": [], "slip": 0, "step_reward": 0}, "gamma": 0.9, "V": [0] * 7},
    ])
    assert_params_rejected(exploration.EPSILON_GREEDY, [{"q": [1.0], "epsilon": 0.1}, {"q": [1, 2], "epsilon": 2}])
    assert_params_rejected(policy_gradient.REINFORCE_GRADIENT, [
        {"theta": [0, 1e3], "action": 0, "reward": 1, "baseline": 0},
        {"theta": [0, 1], "action": 2, "reward": 1, "baseline": 0}])
    assert_params_rejected(returns.DISCOUNTED_RETURN, [{"rewards": [1, 2], "gamma": 0.5, "t": 2},
                                                       {"rewards": [], "gamma": 0.5, "t": 0}])
    assert_params_rejected(dqn.DQN_TARGET, [{"q_sa": 0, "r": 1, "gamma": 0.9, "terminal": False,
                                             "q_next_target": [1, 2], "q_next_online": [1]}])


# --- rl.reinforce-gradient: autograd on log_softmax, and every digit against mpmath -------------

@st.composite
def bandits(draw):
    theta = draw(st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=8))
    number = st.floats(-100, 100, allow_nan=False)
    return {"theta": theta, "action": draw(st.integers(0, len(theta) - 1)), "reward": draw(number),
            "baseline": draw(number)}


def exact_reinforce(p):
    # (r − b)(e_a − π) with 120 significant digits (1 − π(a) may be e^(−100)), rounded once
    with mpmath.workdps(120):
        exps = [mpmath.exp(mpmath.mpf(t)) for t in p["theta"]]
        pi = [e / mpmath.fsum(exps) for e in exps]
        advantage = mpmath.mpf(p["reward"]) - mpmath.mpf(p["baseline"])
        return [float(advantage * ((j == p["action"]) - q)) for j, q in enumerate(pi)]


@SETTINGS
@given(bandits())
@example({"theta": [50.0, -47.0], "action": 0, "reward": 0.0, "baseline": 1.0})
@example({"theta": [30.0, 0.0], "action": 0, "reward": 1.0, "baseline": 0.0})
def test_reinforce_gradient_is_autograd_of_the_log_policy_to_its_last_digit(p):
    theta = torch.tensor(p["theta"], dtype=torch.float64, requires_grad=True)
    ((p["reward"] - p["baseline"]) * torch.log_softmax(theta, 0)[p["action"]]).backward()
    answer = Problem.from_params(policy_gradient.REINFORCE_GRADIENT, p).answer
    assert np.allclose(answer, theta.grad.numpy(), rtol=1e-9, atol=1e-9 * (1 + abs(p["reward"] - p["baseline"])))
    # 1 − π(a) when π(a) ≈ 1 is tiny, not 0 and not a few digits of rounding noise: every entry to
    # 12 digits of the largest
    exact = exact_reinforce(p)
    assert np.allclose(answer, exact, rtol=1e-9, atol=1e-11 * max(map(abs, exact)))


# --- params at the edges never crash a text or a check -------------------------------------------

EDGE = st.sampled_from([0.0, 1.0, -1.0, 1e6, -1e6, 1e-9, -1e-9, 123456.789, 0.1])
GAMMA = st.sampled_from([0.0, 1.0, 0.999999, 1e-9])


@st.composite
def edge_mdps(draw):
    S, A = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    P = [[[1.0 if t == draw(st.integers(0, S - 1)) else 0.0 for t in range(S)] for _ in range(A)] for _ in range(S)]
    return {"P": P, "R": [[draw(EDGE) for _ in range(A)] for _ in range(S)], "gamma": draw(GAMMA),
            "V0": [draw(EDGE) for _ in range(S)], "iterations": draw(st.integers(1, 3)),
            "policy": [[1.0 / A] * A for _ in range(S)]}


@settings(max_examples=150, deadline=None)
@given(edge_mdps())
def test_planning_edges(p):
    assert_survives_or_refused(planning.VALUE_ITERATION, {k: v for k, v in p.items() if k != "policy"})
    assert_survives_or_refused(planning.POLICY_EVALUATION, p)


@st.composite
def edge_grids(draw):
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    cells = [draw(st.sampled_from(".#T")) for _ in range(rows * cols - 1)] + ["."]
    layout = ["".join(cells[r * cols:(r + 1) * cols]) for r in range(rows)]
    ends = "".join(layout).count("T")
    grid = {"layout": layout, "terminal_rewards": [draw(EDGE) for _ in range(ends)],
            "slip": draw(st.sampled_from([0.0, 1.0, 0.2, 2 / 3])), "step_reward": draw(EDGE)}
    return grid, Grid.from_params(grid)


@settings(max_examples=150, deadline=None)
@given(edge_grids(), GAMMA, st.data())
def test_gridworld_edges(drawn, gamma, data):
    params, grid = drawn
    V = [0.0 if s in grid.terminal else data.draw(EDGE) for s in range(grid.size)]
    assert_survives_or_refused(greedy.GREEDY_POLICY, {"grid": params, "gamma": gamma, "V": V})
    P, R = grid.mdp()
    assert_survives_or_refused(planning.VALUE_ITERATION, {"P": P, "R": R, "gamma": gamma, "V0": V, "iterations": 2, "grid": params})


@settings(max_examples=150, deadline=None)
@given(st.lists(EDGE, min_size=1, max_size=4), st.integers(0, 3), st.integers(0, 3), EDGE,
       st.sampled_from([1.0, 1e-9, 0.5]), GAMMA, st.booleans(), st.integers(0, 1))
def test_td_edges(values, s, s_next, r, alpha, gamma, terminal, a):
    n = len(values)
    common = {"s": s % n, "r": r, "s_next": s_next % n, "alpha": alpha, "gamma": gamma, "terminal": terminal}
    assert_survives_or_refused(td.TD0_UPDATE, {"V": values, **common})
    Q = [[v, -v] for v in values]
    assert_survives_or_refused(td.Q_LEARNING_UPDATE, {"Q": Q, **common, "a": a})
    assert_survives_or_refused(td.SARSA_UPDATE, {"Q": Q, **common, "a": a, "a_next": 1 - a})


@settings(max_examples=150, deadline=None)
@given(st.lists(EDGE, min_size=2, max_size=5), st.sampled_from([0.0, 1.0, 1e-9, 0.5]), st.integers(0, 4),
       EDGE, EDGE, GAMMA, st.booleans())
def test_small_generator_edges(values, epsilon, index, r, b, gamma, terminal):
    assert_survives_or_refused(exploration.EPSILON_GREEDY, {"q": values, "epsilon": epsilon})
    theta = [max(-50.0, min(50.0, v)) for v in values]
    assert_survives_or_refused(policy_gradient.REINFORCE_GRADIENT, {"theta": theta, "action": index % len(values), "reward": r,
                                                  "baseline": b})
    assert_survives_or_refused(returns.DISCOUNTED_RETURN, {"rewards": values, "gamma": gamma, "t": index % len(values)})
    assert_survives_or_refused(dqn.DQN_TARGET, {"q_sa": r, "r": b, "gamma": gamma, "terminal": terminal, "q_next_target": values,
                              "q_next_online": values[::-1]})
