"""Reference implementations of the rl topic, each checked against an oracle, each an exercise.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference

_PLANNING = "mpcheck_rl.references.planning"
_TD = "mpcheck_rl.references.td"
_REINFORCE = "mpcheck_rl.references.reinforce"
_DQN = "mpcheck_rl.references.dqn"

_EPISODE = ("An episode: the states $(T+1,)$ hold $s_0, \\dots, s_T$ with $s_T$ terminal, the actions $(T,)$ "
            "hold $a_0, \\dots, a_{T-1}$, the rewards $(T,)$ hold $r_1, \\dots, r_T$. Update a copy of the "
            "table online, in the order of the episode; the last step's target is $r_T$ alone, whatever "
            "the table holds for $s_T$.")

VALUE_ITERATION_EXERCISE = Exercise(
    function="value_iteration",
    solution=f"{_PLANNING}:value_iteration",
    oracle=f"{_PLANNING}:value_iteration_oracle",
    cases=f"{_PLANNING}:value_iteration_cases",
    doc=("Synchronous value iteration on a tabular MDP:\n"
         "$$V_{k+1}(s) = \\max_a \\Big[R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a)\\, V_k(s')\\Big]$$\n"
         "$P$: $(S, A, S)$ with $P[s, a, s'] = P(s' \\mid s, a)$; $R$: $(S, A)$; $V_0$: $(S,)$. "
         "Return $V$ after the given number of sweeps, shape $(S,)$; every state of a sweep reads the old $V_k$."),
    mistakes=(
        CodeMistake("in-place-sweep", "You overwrote $V(s)$ during the sweep, so later states read new values "
                    "(Gauss–Seidel). Compute the whole $V_{k+1}$ from $V_k$, then replace it.",
                    f"{_PLANNING}:value_iteration_in_place"),
        CodeMistake("gamma-on-reward", "$\\gamma$ multiplies the future only: $R(s, a) + \\gamma \\sum P V$, "
                    "not $\\gamma(R + \\sum P V)$.", f"{_PLANNING}:value_iteration_gamma_on_reward"),
        CodeMistake("mean-not-max", "You averaged over the actions: value iteration takes $\\max_a$.",
                    f"{_PLANNING}:value_iteration_mean"),
    ),
    hint="One sweep is one tensor expression: $Q = R + \\gamma\\, P V$ (an einsum over $s'$), then the max over $a$.",
)

POLICY_ITERATION_EXERCISE = Exercise(
    function="policy_iteration",
    solution=f"{_PLANNING}:policy_iteration",
    oracle=f"{_PLANNING}:policy_iteration_oracle",
    cases=f"{_PLANNING}:policy_iteration_cases",
    doc=("Policy iteration: evaluate the current deterministic policy exactly, "
         "$V_\\pi = (I - \\gamma P_\\pi)^{-1} R_\\pi$, improve it greedily, "
         "$\\pi'(s) = \\arg\\max_a [R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a) V_\\pi(s')]$, "
         "until it no longer changes. $P$: $(S, A, S)$, $R$: $(S, A)$. Start from action $0$ everywhere. "
         "Return $(V^*, \\pi^*)$: values $(S,)$ and one action index per state $(S,)$ (long)."),
    mistakes=(
        CodeMistake("transposed-transitions", "Your evaluation used $P_\\pi^\\top$: row $s$ of $P_\\pi$ holds "
                    "the probabilities of leaving $s$, $P_\\pi[s, s'] = P(s' \\mid s, \\pi(s))$.",
                    f"{_PLANNING}:policy_iteration_transposed"),
        CodeMistake("greedy-on-reward", "The improvement step looks one step ahead through the dynamics: "
                    "$R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a) V_\\pi(s')$, not $R(s, a)$ alone.",
                    f"{_PLANNING}:policy_iteration_reward_only"),
    ),
    hint="Indexing $P$ with every state and its action gives the $(S, S)$ matrix $P_\\pi$; a linear solve does the rest.",
)

TD0_EXERCISE = Exercise(
    function="td0_episode",
    solution=f"{_TD}:td0_episode",
    oracle=f"{_TD}:td0_oracle",
    cases=f"{_TD}:td0_cases",
    doc=("TD(0) along one episode: $V(s_t) \\leftarrow V(s_t) + \\alpha [r_{t+1} + \\gamma V(s_{t+1}) - V(s_t)]$.\n"
         "$V$: $(S,)$. " + _EPISODE.replace("the actions $(T,)$ hold $a_0, \\dots, a_{T-1}$, ", "")),
    mistakes=(
        CodeMistake("terminal-bootstrapped", "The last transition enters a terminal state: its target is "
                    "$r_T$ alone, with no $\\gamma V(s_T)$.", f"{_TD}:td0_terminal_bootstrapped"),
        CodeMistake("gamma-on-reward", "The target is $r + \\gamma V(s')$: $\\gamma$ does not touch $r$.",
                    f"{_TD}:td0_gamma_on_reward"),
    ),
    hint="Work on a copy of $V$; the terminal step is the last one, $t = T - 1$.",
)

SARSA_EXERCISE = Exercise(
    function="sarsa_episode",
    solution=f"{_TD}:sarsa_episode",
    oracle=f"{_TD}:sarsa_oracle",
    cases=f"{_TD}:sarsa_cases",
    doc=("SARSA (on-policy) along one episode: "
         "$Q(s_t, a_t) \\leftarrow Q(s_t, a_t) + \\alpha [r_{t+1} + \\gamma Q(s_{t+1}, a_{t+1}) - Q(s_t, a_t)]$.\n"
         "$Q$: $(S, A)$. " + _EPISODE),
    mistakes=(
        CodeMistake("q-learning-target", "That is Q-learning's target, $\\max_{a'} Q(s', a')$. SARSA bootstraps "
                    "from the action actually taken next, $Q(s_{t+1}, a_{t+1})$.", f"{_TD}:sarsa_with_max"),
        CodeMistake("gamma-on-reward", "The target is $r + \\gamma Q(s', a')$: $\\gamma$ does not touch $r$.",
                    f"{_TD}:sarsa_gamma_on_reward"),
    ),
    hint="The next action of step $t$ is $a_{t+1}$; the last step has none, and needs none.",
)

Q_LEARNING_EXERCISE = Exercise(
    function="q_learning_episode",
    solution=f"{_TD}:q_learning_episode",
    oracle=f"{_TD}:q_learning_oracle",
    cases=f"{_TD}:sarsa_cases",
    doc=("Q-learning (off-policy) along one episode: "
         "$Q(s_t, a_t) \\leftarrow Q(s_t, a_t) + \\alpha [r_{t+1} + \\gamma \\max_{a} Q(s_{t+1}, a) - Q(s_t, a_t)]$.\n"
         "$Q$: $(S, A)$. " + _EPISODE),
    mistakes=(
        CodeMistake("sarsa-target", "That is SARSA's target, $Q(s_{t+1}, a_{t+1})$ with the action the behaviour "
                    "took. Q-learning bootstraps from the greedy action, $\\max_a Q(s_{t+1}, a)$.",
                    f"{_TD}:q_learning_with_next_action"),
        CodeMistake("terminal-bootstrapped", "The last transition enters a terminal state: its target is $r_T$ "
                    "alone, with no $\\gamma \\max_a Q(s_T, a)$.", f"{_TD}:q_learning_terminal_bootstrapped"),
    ),
    hint="Work on a copy of $Q$; the greedy value of the next state is the max of its row.",
)

REINFORCE_EXERCISE = Exercise(
    function="reinforce_gradient",
    solution=f"{_REINFORCE}:reinforce_gradient",
    oracle=f"{_REINFORCE}:reinforce_oracle",
    cases=f"{_REINFORCE}:reinforce_cases",
    doc=("The REINFORCE estimate for a softmax bandit $\\pi_\\theta = \\mathrm{softmax}(\\theta)$ from $N$ pulls:\n"
         "$$\\hat g = \\frac{1}{N} \\sum_i (r_i - b)\\, \\nabla_\\theta \\log \\pi_\\theta(a_i), \\qquad "
         "\\nabla_\\theta \\log \\pi_\\theta(a) = e_a - \\pi_\\theta$$\n"
         "$\\theta$: $(K,)$; the pulled arms $a_i$: $(N,)$, long; the rewards $r_i$: $(N,)$; the baseline $b$: a "
         "float. Returns $\\hat g$, $(K,)$."),
    forbidden=("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward"),
    mistakes=(
        CodeMistake("gradient-of-probability", "You used $\\nabla_\\theta \\pi_\\theta(a)$; REINFORCE needs "
                    "$\\nabla_\\theta \\log \\pi_\\theta(a) = \\nabla_\\theta \\pi_\\theta(a) / \\pi_\\theta(a)$.",
                    f"{_REINFORCE}:reinforce_of_probability"),
        CodeMistake("chosen-arm-only", "The softmax couples the arms: $\\partial \\log \\pi(a)/\\partial \\theta_j = "
                    "-\\pi(j)$ for $j \\ne a$, not 0.", f"{_REINFORCE}:reinforce_chosen_arm_only"),
        CodeMistake("forgot-baseline", "Weight each score by $r_i - b$.", f"{_REINFORCE}:reinforce_without_baseline"),
    ),
    hint="The one-hot rows of the pulled arms minus $\\pi_\\theta$ give the score of every pull at once.",
)

DQN_EXERCISE = Exercise(
    function="dqn_loss",
    solution=f"{_DQN}:dqn_loss",
    oracle=f"{_DQN}:dqn_loss_oracle",
    cases=f"{_DQN}:dqn_cases",
    doc=("The DQN loss on a minibatch: $y_i = r_i + \\gamma (1 - d_i) \\max_{a'} Q(s'_i, a'; \\theta^-)$, "
         "$L = \\frac{1}{N} \\sum_i (y_i - Q(s_i, a_i; \\theta))^2$.\n"
         "Arguments: the online outputs $Q(s_i, \\cdot\\,; \\theta)$, $(N, A)$; the actions taken $(N,)$, long; "
         "the rewards $(N,)$; the target network's outputs $Q(s'_i, \\cdot\\,; \\theta^-)$, $(N, A)$; the flags "
         "$d_i$ $(N,)$, bool; $\\gamma$, a float. Returns the scalar $L$."),
    forbidden=("torch.nn.functional.mse_loss", "torch.nn.functional.smooth_l1_loss",
               "torch.nn.functional.huber_loss", "torch.nn.MSELoss"),
    mistakes=(
        CodeMistake("terminal-bootstrapped", "Where $d_i$ is true the episode ended: $y_i = r_i$, no bootstrap.",
                    f"{_DQN}:dqn_loss_terminal_bootstrapped"),
        CodeMistake("all-actions-regressed", "Only the action taken has a target: gather $Q(s_i, a_i)$ before "
                    "the squared error.", f"{_DQN}:dqn_loss_all_actions"),
    ),
    hint="Gathering along the action dimension picks $Q(s_i, a_i)$ from each row.",
)


def _reference(name: str, title: str, oracle: str, module: str, check: str, exercise: Exercise,
               tags: tuple[str, ...]) -> Reference:
    return Reference("rl", name, title, oracle=oracle, run=f"{module}:{check}", source=module, tags=tags,
                     exercise=exercise)


REFERENCES = [
    _reference("value-iteration", "Value iteration: synchronous Bellman optimality sweeps",
               "the definition; Bellman fixed point", _PLANNING, "check_value_iteration",
               VALUE_ITERATION_EXERCISE, ("planning",)),
    _reference("policy-iteration", "Policy iteration: exact evaluation by a linear solve, greedy improvement",
               "value iteration, converged", _PLANNING, "check_policy_iteration",
               POLICY_ITERATION_EXERCISE, ("planning",)),
    _reference("td0", "TD(0) along an episode", "the definition; certainty equivalence", _TD,
               "check_td0", TD0_EXERCISE, ("td-learning",)),
    _reference("sarsa", "SARSA along an episode", "the definition; certainty equivalence", _TD,
               "check_sarsa", SARSA_EXERCISE, ("td-learning",)),
    _reference("q-learning", "Q-learning along an episode", "the definition; Q* of the data",
               _TD, "check_q_learning", Q_LEARNING_EXERCISE, ("td-learning",)),
    _reference("reinforce", "REINFORCE on a softmax bandit", "autograd", _REINFORCE,
               "check_reinforce", REINFORCE_EXERCISE, ("policy-gradient",)),
    _reference("dqn-loss", "DQN loss and its gradient through Q(s, a) only",
               "F.mse_loss, autograd", _DQN, "check_dqn_loss", DQN_EXERCISE, ("dqn",)),
]
