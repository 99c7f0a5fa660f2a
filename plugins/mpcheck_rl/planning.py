"""★ Value iteration and ★ policy evaluation: a few synchronous Bellman sweeps by hand.

    value iteration      V_{k+1}(s) = max_a [R(s, a) + γ Σ_s' P(s'|s, a) V_k(s')]
    policy evaluation    V_{k+1}(s) = Σ_a π(a|s) [R(s, a) + γ Σ_s' P(s'|s, a) V_k(s')]

Params follow DESIGN.md's contract (P, R, gamma, V0, iterations, and policy). A sampled problem is
usually a gridworld: the optional ``grid`` param holds the layout P and R were built from, so that the
prompt can draw it (and ``validate_params`` checks that P and R match it); without ``grid`` the MDP is
shown as a table.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.text import exact_vec
from mpcheck_rl import mdp, tabular
from mpcheck_rl.answers import ACTIONS
from mpcheck_rl.draws import batched
from mpcheck_rl.gridworld import LATEX_ARROWS, Grid
from mpcheck_rl.memo import memo
from mpcheck_rl.show import array, exact, fmt, listing, mdp_table, paren, state, sum_text, vector

VI_KEYS = ("P", "R", "gamma", "V0", "iterations")
PE_KEYS = ("P", "R", "gamma", "policy", "V0", "iterations")


# --- the computation, with the switches the mistakes replay -------------------------------------

def model(p: dict, slip_ignored: bool = False) -> mdp.Model:
    def build() -> mdp.Model:
        if slip_ignored:
            grid = grid_of(p)
            return mdp.Model(grid.outcomes(slip=0.0), grid.rewards(slip=0.0), p["gamma"])
        return mdp.Model.dense(p["P"], p["R"], p["gamma"])
    return memo(p, ("model", slip_ignored), build)


def grid_of(p: dict) -> Grid:
    return memo(p, ("grid",), lambda: Grid.from_params(p["grid"]))


def backup(p: dict, *, optimal: bool, slip_ignored: bool = False, gamma_on_reward: bool = False,
           mean: bool = False) -> mdp.Backup:
    m = model(p, slip_ignored)
    if mean:
        return mdp.mean_backup(m)
    if optimal:
        return mdp.optimality_backup(m, gamma_on_reward)
    return mdp.expectation_backup(m, p["policy"], gamma_on_reward)


def run(p: dict, *, optimal: bool, in_place: bool = False, sweeps: int | None = None, **switches) -> list[float]:
    """V after ``sweeps`` sweeps (the params' iterations by default; fewer reads the same history)."""
    def compute() -> list[list[float]]:
        history = mdp.sweeps(p["V0"], backup(p, optimal=optimal, **switches), p["iterations"], in_place=in_place)
        # float noise is relative to the rewards and the starting values summed into V
        rewards = model(p, switches.get("slip_ignored", False)).R
        scale = max(max(map(abs, p["V0"])), max((abs(r) for row in rewards for r in row), default=0.0))
        return [mdp.clean_list(V, scale) for V in history]
    history = memo(p, ("run", optimal, in_place, *sorted(switches.items())), compute)
    return list(history[p["iterations"] if sweeps is None else sweeps])


def _has_slip(p: dict) -> bool:
    return "grid" in p and p["grid"]["slip"] > 0


# --- params ---------------------------------------------------------------------------------------

def validate(p: dict, *, optimal: bool) -> None:
    P.check_keys(p, VI_KEYS if optimal else PE_KEYS, optional=("grid",))
    n, actions = tabular.transitions(p)
    tabular.rewards(p, n, actions)
    tabular.gamma(p)
    tabular.values(p, "V0", n)
    tabular.sweeps(p, n, actions)
    if not optimal:
        tabular.policy(p, n, actions)
    tabular.matching_grid(p)


#: the mistakes that most often give the right answer exactly (a state whose backup reads no state
#: swept before it, a slip that changes no value, a policy that is greedy already)
COINCIDENT = ("in-place-sweep", "slip-ignored", "max-not-expectation")
#: draws tried here before the core's own redraw takes over
TRIES = 100


def sample(rng, *, optimal: bool, coincident: tuple[Mistake, ...] = ()) -> dict:
    """A draw on which none of the ``coincident`` mistakes gives the right answer. The core would redraw
    such a draw anyway (every mistake must be told apart from the right answer), but only after
    working out every mistake; it is tried again here at once. Each try takes a fresh batch from
    ``rng`` (see ``draw``), as the core's redraw does, so a seed still gives the same problem."""
    for _ in range(TRIES):
        p = draw(rng, optimal=optimal)
        right = run(p, optimal=optimal)
        if not any(mistake.answer(p) == right for mistake in coincident):
            break
    return p


@batched
def draw(rng, *, optimal: bool) -> dict:
    if rng.random() < 0.7:
        grid = tabular.sample_grid(rng)
        table, reward = grid.mdp()
        free = [s for s in range(grid.size) if s not in grid.terminal]
        extra = {"grid": grid.to_params()}
        actions = len(ACTIONS)
    else:
        table, reward = tabular.sample_mdp(rng)
        free, extra, actions = list(range(len(table))), {}, 2
    n = len(table)
    V0 = [0.0] * n
    if rng.random() < 0.35:
        for s in free:
            V0[s] = float(sampling.pick(rng, [-1, 0, 0.5, 1, 2, 0.2]))
    p = {"P": table, "R": reward, "gamma": sampling.pick(rng, [0.9, 0.9, 0.5, 0.8, 1.0]), "V0": V0,
         "iterations": sampling.pick(rng, [1, 2, 2, 2] if n <= 6 else [1, 2])}
    if not optimal:
        p["policy"] = sample_policy(rng, n, actions, free)
    p |= extra
    if extra:
        # the grid and its model are at hand: remember them for these params rather than rebuild
        # them from P (the same rows, since P was written out from them)
        memo(p, ("grid",), lambda: grid)
        memo(p, ("model", False), lambda: mdp.Model(grid.outcomes(), reward, p["gamma"]))
    return p


def sample_policy(rng, n: int, actions: int, free: list[int]) -> list[list[float]]:
    uniform = [1 / actions] * actions
    if actions == 4 and rng.random() < 0.25:
        return [list(uniform) for _ in range(n)]
    rows = []
    for s in range(n):
        row = [0.0] * actions
        if s not in free:
            rows.append(list(uniform))
            continue
        if actions == 2 and rng.random() < 0.4:
            first = sampling.pick(rng, [0.5, 0.2, 0.8, 0.3, 0.7])
            row = [first, round(1 - first, 1)]
        else:
            row[int(rng.integers(actions))] = 1.0
        rows.append(row)
    return rows


# --- texts ----------------------------------------------------------------------------------------

def _grid(p: dict) -> Grid | None:
    return grid_of(p) if "grid" in p else None


def _policy_text(p: dict, grid: Grid | None) -> str:
    pi = p["policy"]
    if grid is None:
        return ""
    free = [s for s in range(grid.size) if s not in grid.terminal]
    if all(max(pi[s]) == 1 for s in free):
        arrows = grid.draw_states(lambda s: LATEX_ARROWS[ACTIONS[pi[s].index(1)]])
        return "The policy $\\pi$ takes the action drawn in each cell:\n" + arrows
    if all(all(x == 0.25 for x in pi[s]) for s in free):
        return ("The policy $\\pi$ is the equiprobable random policy: each action with probability "
                "$0.25$ in every cell.\n" + grid.draw_states())
    header = ["s", *(LATEX_ARROWS[a] for a in ACTIONS)]
    rows = [[state(s), *(exact(x) for x in pi[s])] for s in free]
    return ("The policy $\\pi(a \\mid s)$ (terminal states omitted):\n" + array(rows, header) + "\n"
            + grid.draw_states())


def setting(p: dict, *, optimal: bool) -> list[str]:
    """The MDP as the prompt shows it: the drawn grid and its rules, or the table."""
    grid = _grid(p)
    if grid is None:
        extra = [("\\pi(a \\mid s)", [[exact(x) for x in row] for row in p["policy"]])] if not optimal else []
        n = len(p["P"])
        states = ", ".join(state(s) for s in range(n))
        actions = ", ".join(f"a_{{{a}}}" for a in range(len(p["R"][0])))
        given = ("expected rewards $R(s, a)$, transition probabilities $P(s' \\mid s, a)$ and the policy "
                 "$\\pi(a \\mid s)$" if not optimal else
                 "expected rewards $R(s, a)$ and transition probabilities $P(s' \\mid s, a)$")
        return [f"An MDP has states ${states}$ and actions ${actions}$, with {given}:",
                mdp_table(p["P"], p["R"], extra)]
    lines = ["A robot moves on this grid world:"]
    lines.append(_policy_text(p, grid) if not optimal else grid.draw_states())
    lines.append(grid.legend() + " " + grid.dynamics())
    return lines


def _start(p: dict) -> str:
    if not any(p["V0"]):
        return "$V_0 = 0$ in every state"
    return f"$V_0 = {exact_vec(p['V0'])}$"


def prompt(p: dict, *, optimal: bool) -> str:
    k, n = p["iterations"], len(p["P"])
    method = "value iteration" if optimal else "iterative policy evaluation of $\\pi$"
    sweeps = "one synchronous sweep" if k == 1 else f"${k}$ synchronous sweeps"
    return "\n".join([
        *setting(p, optimal=optimal),
        f"With $\\gamma = {exact(p['gamma'])}$ and {_start(p)}, run {sweeps} of {method} "
        f"(each $V_{{k+1}}$ is computed from $V_k$ alone).",
        f"Give $V_{{{k}}} = {listing('V', n)}$"
        + (", terminal states included." if "grid" in p else ".")])


def q_line(p: dict, grid: Grid | None, V: list[float], s: int, a: int) -> str:
    q = mdp.q_value(p["P"], p["R"], p["gamma"], V, s, a)
    return (f"Q({state(s)}, {tabular.action_name(grid, a)}) = {fmt(p['R'][s][a])} + "
            f"{fmt(p['gamma'])}\\,({sum_text(p['P'][s][a], V)}) = {fmt(q)}")


def _state_line(p: dict, grid: Grid | None, V: list[float], s: int, k: int, *, optimal: bool) -> str:
    q = mdp.q_values(p["P"], p["R"], p["gamma"], V, s)
    new = f"V_{{{k}}}({state(s)})"
    if optimal:
        best = max(range(len(q)), key=q.__getitem__)
        listed = ", ".join(fmt(v) for v in q)
        return f"${new} = \\max\\{{{listed}\\}} = {fmt(q[best])}$, from ${q_line(p, grid, V, s, best)}$"
    pi = p["policy"][s]
    taken = [a for a, w in enumerate(pi) if w]
    if len(taken) == 1:
        return f"${new} = {q_line(p, grid, V, s, taken[0])}$"
    mix = " + ".join(f"{fmt(pi[a])} \\cdot {paren(q[a])}" for a in taken)
    total = sum(pi[a] * q[a] for a in taken)
    return f"${new} = {mix} = {fmt(total)}$, with $Q = [{', '.join(fmt(v) for v in q)}]$"


def solution(p: dict, *, optimal: bool) -> str:
    grid = _grid(p)
    rule = "\\max_a" if optimal else "\\sum_a \\pi(a \\mid s)"
    lines = [f"$$V_{{k+1}}(s) = {rule} \\Big[R(s, a) + \\gamma \\sum_{{s'}} P(s' \\mid s, a)\\, V_k(s')\\Big]$$"]
    if grid is not None:
        lines.append("Here $R(s, a) = r_{\\text{step}} + \\sum_{s' \\text{ terminal}} P(s' \\mid s, a)\\, r(s')$, "
                     "and terminal cells stay at $V = 0$.")
    history = mdp.sweeps(p["V0"], backup(p, optimal=optimal), p["iterations"])
    for k in range(1, len(history)):
        lines.append(f"Sweep {k}: every $V_{{{k}}}(s)$ from $V_{{{k - 1}}} = {vector(history[k - 1])}$.")
        for s in range(len(p["P"])):
            if grid is not None and s in grid.terminal:
                continue
            lines.append(_state_line(p, grid, history[k - 1], s, k, optimal=optimal))
        if grid is not None:
            lines.append(grid.draw_values(history[k]))
    lines.append(f"$V_{{{p['iterations']}}} = {vector(history[-1], 6)}$")
    return "\n".join(lines)


# --- mistakes ---------------------------------------------------------------------------------------

def mistakes(*, optimal: bool) -> tuple[Mistake, ...]:
    def sync(**switches):
        return lambda p: run(p, optimal=optimal, **switches)

    common = (
        Mistake("in-place-sweep",
                "You overwrote $V(s)$ during the sweep, so later states already used this sweep's new values "
                "(Gauss–Seidel). A synchronous sweep computes every $V_{k+1}(s)$ from the old $V_k$.",
                sync(in_place=True)),
        Mistake("gamma-on-reward",
                "You discounted the immediate reward too: $\\gamma$ multiplies only the future, "
                "$R(s, a) + \\gamma \\sum_{s'} P(s' \\mid s, a)\\, V_k(s')$.",
                lambda p: run(p, optimal=optimal, gamma_on_reward=True) if p["gamma"] != 1 else None),
        Mistake("one-sweep-too-few",
                "That is one sweep short: $V_0$ is the start, and each sweep makes the next $V_k$.",
                lambda p: run(p, optimal=optimal, sweeps=p["iterations"] - 1) if p["iterations"] >= 2 else None),
        Mistake("slip-ignored",
                "You moved deterministically: with slip, the intended move has probability $1 - \\text{slip}$ "
                "and each perpendicular move $\\text{slip}/2$, so $V_k$ enters as an expectation over all three.",
                lambda p: run(p, optimal=optimal, slip_ignored=True) if _has_slip(p) else None),
    )
    if optimal:
        return (Mistake("mean-not-max",
                        "You averaged over the actions: that evaluates the uniformly random policy. Value "
                        "iteration takes the best action, $\\max_a$.", sync(mean=True)), *common)
    return (Mistake("max-not-expectation",
                    "You took the best action ($\\max_a$, value iteration). Policy evaluation follows $\\pi$: "
                    "it averages the actions with the weights $\\pi(a \\mid s)$.",
                    lambda p: run(p, optimal=True)), *common)


def _hints(p: dict, *, optimal: bool) -> list[str]:
    rule = "the best action's value, $\\max_a$" if optimal else "the policy's average, $\\sum_a \\pi(a \\mid s)$"
    return ["Compute every state of a sweep from the previous sweep's values only (synchronous).",
            f"Each new $V(s)$ is {rule}, of $R(s, a) + \\gamma \\sum_{{s'}} P(s' \\mid s, a)\\, V(s')$."]


def _generator(optimal: bool) -> Generator:
    name = "value-iteration" if optimal else "policy-evaluation"
    traps = mistakes(optimal=optimal)
    coincident = tuple(m for m in traps if m.name in COINCIDENT)
    return Generator(
        id=f"rl.{name}",
        title="Value iteration sweeps" if optimal else "Policy evaluation sweeps",
        answer_kind=Vector(),
        sample_params=lambda rng: sample(rng, optimal=optimal, coincident=coincident),
        validate_params=lambda p: validate(p, optimal=optimal),
        solve=lambda p: run(p, optimal=optimal),
        prompt=lambda p: prompt(p, optimal=optimal),
        solution=lambda p: solution(p, optimal=optimal),
        hints=lambda p: _hints(p, optimal=optimal),
        mistakes=traps,
        tags=("planning", "bellman", "gridworld"),
        difficulty=2,
    )


VALUE_ITERATION = _generator(optimal=True)
POLICY_EVALUATION = _generator(optimal=False)

GENERATORS = [VALUE_ITERATION, POLICY_EVALUATION]
