"""Every rl generator end to end over 500 seeds (params, texts, accepted forms, rejected perturbations,
mistakes named as themselves), plus worked examples by hand."""

import json

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_rl import GENERATOR_MODULES, dqn, exploration, greedy, planning, policy_gradient, returns, td
from mpcheck_rl.gridworld import Grid

GENERATORS = [g for module in (returns, planning, greedy, td, exploration, policy_gradient, dqn)
              for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    ids = {g.id for g in GENERATORS}
    assert ids == {"rl.discounted-return", "rl.value-iteration", "rl.policy-evaluation", "rl.greedy-policy",
                   "rl.td0-update", "rl.sarsa-update", "rl.q-learning-update", "rl.epsilon-greedy",
                   "rl.reinforce-gradient", "rl.dqn-target"}
    assert len(GENERATOR_MODULES) == 7


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 7), Problem.from_seed(generator, 7)
    assert first.params == again.params and first.prompt() == again.prompt()


def test_star_params_keys_are_the_contract():
    for seed in range(60):
        vi = Problem.from_seed(planning.VALUE_ITERATION, seed).params
        pe = Problem.from_seed(planning.POLICY_EVALUATION, seed).params
        q = Problem.from_seed(td.Q_LEARNING_UPDATE, seed).params
        assert set(vi) - {"grid"} == {"P", "R", "gamma", "V0", "iterations"}
        assert set(pe) - {"grid"} == {"P", "R", "gamma", "policy", "V0", "iterations"}
        assert set(q) == {"Q", "s", "a", "r", "s_next", "alpha", "gamma", "terminal"}


def test_most_sampled_planning_problems_are_drawn_gridworlds():
    grids = [Problem.from_seed(planning.VALUE_ITERATION, seed) for seed in range(100)]
    drawn = [p for p in grids if "grid" in p.params]
    assert len(drawn) > 50
    for problem in drawn:
        assert "\\begin{array}{|c|" in problem.prompt() and "\\hline" in problem.prompt()


# --- worked by hand ---------------------------------------------------------------------------

def check(generator, params, text):
    return Problem.from_params(generator, json.loads(json.dumps(params))).check(text)


def russell_norvig() -> dict:
    """The 4×3 world of Russell & Norvig: slip 0.2, −0.04 per step, +1 and −1 exits, a wall at (2, 2)."""
    grid = Grid(("...T", ".#.T", "...."), (1.0, -1.0), 0.2, -0.04)
    P, R = grid.mdp()
    return {"P": P, "R": R, "gamma": 1.0, "V0": [0.0] * 11, "iterations": 1, "grid": grid.to_params()}


def test_value_iteration_first_sweep_of_the_4x3_world():
    # from V0 = 0 one sweep gives max_a R(s, a): left of +1, moving right earns 0.8 · 1 − 0.04 = 0.76
    p = russell_norvig()
    V1 = Problem.from_params(planning.VALUE_ITERATION, p).answer
    assert V1[2] == pytest.approx(0.76)
    assert V1[3] == 0 and V1[6] == 0              # terminal states
    # left of −1 every move but "into the wall" risks the −1 (right 0.8, up or down 0.1 sideways)
    assert V1[5] == pytest.approx(-0.04)
    assert V1[0] == pytest.approx(-0.04)


def test_value_iteration_two_state_mdp_by_hand():
    # s_0: a_0 stays (r = 1), a_1 moves to s_1 (r = 0); s_1: a_0 stays (r = 2), a_1 back (r = 0); γ = 0.5
    p = {"P": [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], "R": [[1, 0], [2, 0]], "gamma": 0.5, "V0": [0, 0],
         "iterations": 2}
    # V1 = [1, 2]; V2(s_0) = max(1 + 0.5·1, 0 + 0.5·2) = 1.5, V2(s_1) = max(2 + 1, 0 + 0.5) = 3
    assert Problem.from_params(planning.VALUE_ITERATION, p).answer == [1.5, 3]
    # in place, s_1 already sees V(s_0) = 1 in sweep 1: V1 = [1, 2] (unchanged here), V2 = [1.5, 3]
    assert check(planning.VALUE_ITERATION, p, "[1, 2]").mistake == "one-sweep-too-few"
    assert check(planning.VALUE_ITERATION, p, "[0.75, 1.5]").mistake == "gamma-on-reward"


def test_policy_evaluation_uses_the_policy_not_the_max():
    p = {"P": [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], "R": [[1, 0], [2, 0]], "gamma": 0.5, "V0": [0, 0],
         "iterations": 1, "policy": [[0, 1], [0.5, 0.5]]}
    assert Problem.from_params(planning.POLICY_EVALUATION, p).answer == [0, 1]
    assert check(planning.POLICY_EVALUATION, p, "[1, 2]").mistake == "max-not-expectation"


def test_in_place_sweep_is_recognised():
    # s_0 earns 1 and ends in s_2; s_1 moves to s_0 for nothing. One synchronous sweep from 0 gives
    # V(s_1) = V_0(s_0) = 0; in place, s_1 already reads the new V(s_0) = 1
    p = {"P": [[[0, 0, 1]], [[1, 0, 0]], [[0, 0, 1]]], "R": [[1], [0], [0]], "gamma": 1, "V0": [0, 0, 0],
         "iterations": 1}
    assert Problem.from_params(planning.VALUE_ITERATION, p).answer == [1, 0, 0]
    assert check(planning.VALUE_ITERATION, p, "[1, 1, 0]").mistake == "in-place-sweep"


def test_greedy_policy_on_a_corridor_typed_as_arrows_or_letters():
    # . . T(+1): both free cells go right; typed in every accepted way
    p = {"grid": {"layout": ["..T"], "terminal_rewards": [1], "slip": 0, "step_reward": 0},
         "gamma": 0.9, "V": [0.81, 0.9, 0]}
    problem = Problem.from_params(greedy.GREEDY_POLICY, p)
    assert problem.answer == [["R", "R", "."]]
    for text in ("R R .", "→ → .", "RR.", "r r #", "E E .", "> > -", "[[R, R, .]]", "→→·"):
        assert problem.check(text).correct, text
    wrong = problem.check("R L .")
    assert not wrong.correct and "row 1, column 2" in wrong.feedback


def test_greedy_policy_counts_the_terminal_reward():
    # next to a +10 exit whose V is 0, the neighbour with the higher V is the wrong way
    p = {"grid": {"layout": ["T.."], "terminal_rewards": [10], "slip": 0, "step_reward": 0},
         "gamma": 0.9, "V": [0, 9, 5]}
    problem = Problem.from_params(greedy.GREEDY_POLICY, p)
    assert problem.answer == [[".", "L", "L"]]
    # bumping into the edge keeps the agent on V = 9, the best neighbouring value
    assert problem.check(". U L").mistake == "highest-neighbour"


def test_greedy_policy_accepts_any_tied_action():
    # from the bottom right, up (into the +1 exit) and left (to V = 1) both give 1
    p = {"grid": {"layout": [".T", ".."], "terminal_rewards": [1], "slip": 0, "step_reward": 0},
         "gamma": 1, "V": [0.5, 0, 1, 0.9]}
    problem = Problem.from_params(greedy.GREEDY_POLICY, p)
    assert problem.answer == [["RD", "."], ["DL", "UL"]]
    for text in ("R . ; D U", "D . ; L L", "R/D . ; D/L U/L", "→ . ; ← ↑"):
        assert problem.check(text).correct, text
    assert not problem.check("R . ; U U").correct      # up from the bottom left reaches only 0.5
    assert not problem.check("R/U . ; D U").correct    # every action listed must be a best one
    assert "tie" in problem.prompt()


def test_discounted_return_by_hand():
    p = {"rewards": [1, 2, 3], "gamma": 0.5, "t": 0}
    assert Problem.from_params(returns.DISCOUNTED_RETURN, p).answer == 1 + 0.5 * 2 + 0.25 * 3
    assert check(returns.DISCOUNTED_RETURN, p, "0.5 + 0.5").mistake is None
    assert check(returns.DISCOUNTED_RETURN, p, "6").mistake == "not-discounted"
    assert check(returns.DISCOUNTED_RETURN, p, "1.375").mistake == "first-reward-discounted"


def test_q_learning_update_by_hand_and_the_sarsa_swap():
    q = {"Q": [[0, 1], [2, 4], [0, 0]], "s": 0, "a": 1, "r": 1, "s_next": 1, "alpha": 0.25, "gamma": 0.5,
         "terminal": False}
    # target = 1 + 0.5 · max(2, 4) = 3; Q ← 1 + 0.25 (3 − 1) = 1.5
    assert Problem.from_params(td.Q_LEARNING_UPDATE, q).answer == 1.5
    sarsa = {**q, "a_next": 0}
    # SARSA bootstraps from Q(s_1, a_0) = 2: target 2, Q ← 1 + 0.25 (2 − 1) = 1.25
    assert Problem.from_params(td.SARSA_UPDATE, sarsa).answer == 1.25
    assert check(td.SARSA_UPDATE, sarsa, "1.5").mistake == "q-learning-target"
    terminal = {**q, "terminal": True}
    assert Problem.from_params(td.Q_LEARNING_UPDATE, terminal).answer == 1
    assert check(td.Q_LEARNING_UPDATE, terminal, "1.5").mistake == "terminal-bootstrapped"


def test_update_answers_are_judged_by_the_step():
    # a step of 0.01 on a value of 100: 100.0105 is within 0.1 % of the value but 5 % off the step
    q = {"Q": [[100, 0], [0, 0]], "s": 0, "a": 0, "r": 100.1, "s_next": 1, "alpha": 0.1, "gamma": 0.9,
         "terminal": True}
    problem = Problem.from_params(td.Q_LEARNING_UPDATE, q)
    assert problem.answer == pytest.approx(100.01)
    assert problem.check("100.01").correct
    assert not problem.check("100.0105").correct
    assert not problem.check("100.0").correct


def test_epsilon_greedy_by_hand_and_ties():
    p = {"q": [1, 3, 2, 0], "epsilon": 0.2}
    assert Problem.from_params(exploration.EPSILON_GREEDY, p).answer == [0.05, 0.85, 0.05, 0.05]
    assert check(exploration.EPSILON_GREEDY, p, "[0.05, 0.8, 0.05, 0.05]").mistake == "greedy-share-forgotten"
    tied = {"q": [3, 3, 0], "epsilon": 0.3}
    assert Problem.from_params(exploration.EPSILON_GREEDY, tied).answer == pytest.approx([0.45, 0.45, 0.1])


def test_reinforce_gradient_by_hand():
    # two equal preferences: π = [0.5, 0.5]; pulled arm 0 with r − b = 2: ĝ = 2 · [0.5, −0.5]
    p = {"theta": [0, 0], "action": 0, "reward": 3, "baseline": 1}
    assert Problem.from_params(policy_gradient.REINFORCE_GRADIENT, p).answer == [1, -1]
    assert check(policy_gradient.REINFORCE_GRADIENT, p, "[1.5, -1.5]").mistake == "forgot-baseline"
    assert check(policy_gradient.REINFORCE_GRADIENT, p, "[1, 0]").mistake == "chosen-arm-only"


def test_dqn_target_reads_the_target_network():
    p = {"q_sa": 1, "r": 1, "gamma": 0.5, "terminal": False, "q_next_target": [2, 4], "q_next_online": [6, 0]}
    assert Problem.from_params(dqn.DQN_TARGET, p).answer == {"target": 3, "loss": 4}
    assert check(dqn.DQN_TARGET, p, "target: 4\nloss: 9").mistake == "online-network-target"
    assert check(dqn.DQN_TARGET, p, "target: 2\nloss: 1").mistake == "double-dqn-target"
