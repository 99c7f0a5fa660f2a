"""One temporal-difference update: TD(0) on V, SARSA and ★ Q-learning on Q.

    TD(0)        V(s)    ← V(s)    + α [r + γ V(s')            − V(s)]
    SARSA        Q(s, a) ← Q(s, a) + α [r + γ Q(s', a')        − Q(s, a)]   on-policy: the next action taken
    Q-learning   Q(s, a) ← Q(s, a) + α [r + γ max_a' Q(s', a') − Q(s, a)]   off-policy: the greedy next action

At a terminal s' the target is r alone: nothing follows the end of an episode. The answer is the new
value, graded relative to the step α δ (``Real(step_from=…)``), so that a slip in a small step cannot hide in
a tolerance relative to the value.
"""

from __future__ import annotations

from collections.abc import Callable

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.answers.scalars import Real
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck_rl.draws import batched
from mpcheck_rl.mdp import clean
from mpcheck_rl.show import action, exact, fmt, paren, q_table, state, value_row

MAX_ENTRY = 1e6
MAX_STATES = 30
MAX_ACTIONS = 8
ALPHAS = [0.1, 0.5, 0.2, 0.25, 0.5]
GAMMAS = [0.9, 0.9, 0.5, 0.8, 1.0]
REWARDS = [-1, 0, 1, 2, 5, -2, 0.5, 10]
VALUES = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 0.2, 0.8]


def update(old: float, target: float, alpha: float, *, full_step: bool = False, keep_old: bool = False) -> float:
    # x ← x + α (target − x); the switches replay "α forgotten" and "− x forgotten"
    if full_step:
        return target
    if keep_old:
        return old + alpha * target
    return old + alpha * (target - old)


def target(p: dict, future: float, *, bootstrap_terminal: bool = False, gamma_on_reward: bool = False) -> float:
    # target = r + γ · future, and just r when s' is terminal
    if p["terminal"] and not bootstrap_terminal:
        future = 0.0
    if gamma_on_reward:
        return p["gamma"] * (p["r"] + future)
    return p["r"] + p["gamma"] * future


class Rule:
    """One of the three updates: what it updates, what it bootstraps from, and its own traps."""

    def __init__(self, name: str, table: str, old: Callable[[dict], float], future: Callable[[dict], float],
                 future_text: Callable[[dict], str]):
        self.name, self.table, self.old, self.future, self.future_text = name, table, old, future, future_text
        # graded by its step from the old value: a slip in a small step on a large value would
        # hide inside a tolerance relative to the value
        self.kind = Real(step_from=old)

    def answer(self, p: dict, future: float | None = None, **switches) -> float:
        """The new value."""
        update_switches = {k: switches.pop(k) for k in ("full_step", "keep_old") if k in switches}
        ahead = self.future(p) if future is None else future
        y, old = target(p, ahead, **switches), self.old(p)
        # float noise is relative to the terms summed: the old value and the step's r and γ·future
        scale = max(abs(old), p["alpha"] * max(abs(p["r"]), p["gamma"] * abs(ahead), abs(old)))
        return clean(update(old, y, p["alpha"], **update_switches), scale)


def _q(p: dict) -> float:
    return p["Q"][p["s"]][p["a"]]


TD0 = Rule("TD(0)", "V", old=lambda p: p["V"][p["s"]], future=lambda p: p["V"][p["s_next"]],
           future_text=lambda p: f"V({state(p['s_next'])})")
SARSA = Rule("SARSA", "Q", old=_q, future=lambda p: p["Q"][p["s_next"]][p["a_next"]],
             future_text=lambda p: f"Q({state(p['s_next'])}, {action(p['a_next'])})")
Q_LEARNING = Rule("Q-learning", "Q", old=_q, future=lambda p: max(p["Q"][p["s_next"]]),
                  future_text=lambda p: f"\\max_{{a'}} Q({state(p['s_next'])}, a')")

KEYS = {TD0: ("V", "s", "r", "s_next", "alpha", "gamma", "terminal"),
        SARSA: ("Q", "s", "a", "r", "s_next", "a_next", "alpha", "gamma", "terminal"),
        Q_LEARNING: ("Q", "s", "a", "r", "s_next", "alpha", "gamma", "terminal")}


# --- params ---------------------------------------------------------------------------------------

def validate(p: dict, rule: Rule) -> None:
    P.check_keys(p, KEYS[rule])
    if rule is TD0:
        values = P.vector(p, "V", max_length=MAX_STATES)
        n, actions = len(values), 0
        entries = values
    else:
        rows = P.matrix(p, "Q", max_dim=MAX_STATES)
        n, actions = len(rows), len(rows[0])
        if actions > MAX_ACTIONS:
            raise ParamsError(f"params: 'Q' has {actions} actions (at most {MAX_ACTIONS})")
        entries = [x for row in rows for x in row]
    if any(abs(x) > MAX_ENTRY for x in entries):
        raise ParamsError(f"params: the {rule.table} entries must lie in [-{MAX_ENTRY:g}, {MAX_ENTRY:g}]")
    P.integer(p, "s", 0, n - 1)
    P.integer(p, "s_next", 0, n - 1)
    if actions:
        P.integer(p, "a", 0, actions - 1)
    if "a_next" in KEYS[rule]:
        P.integer(p, "a_next", 0, actions - 1)
    P.real(p, "r", -MAX_ENTRY, MAX_ENTRY)
    P.real(p, "alpha", 0, 1, strict_lo=True)
    P.real(p, "gamma", 0, 1)
    P.boolean(p, "terminal")


@batched
def sample(rng, rule: Rule) -> dict:
    n = sampling.pick(rng, [3, 3, 4])
    s = sampling.ints(rng, 0, n - 1)
    s_next = (s + sampling.ints(rng, 1, n - 1)) % n
    p = {"s": s, "r": float(sampling.pick(rng, REWARDS)), "s_next": s_next,
         "alpha": sampling.pick(rng, ALPHAS), "gamma": sampling.pick(rng, GAMMAS), "terminal": bool(rng.random() < 0.3)}
    if rule is TD0:
        p = {"V": [float(sampling.pick(rng, VALUES)) for _ in range(n)], **p}
    else:
        actions = sampling.pick(rng, [2, 3])
        p = {"Q": [[float(sampling.pick(rng, VALUES)) for _ in range(actions)] for _ in range(n)],
             **p, "a": sampling.ints(rng, 0, actions - 1)}
        if rule is SARSA:
            p["a_next"] = sampling.ints(rng, 0, actions - 1)
    return {k: p[k] for k in KEYS[rule]}


# --- texts ----------------------------------------------------------------------------------------

def _transition(p: dict, rule: Rule) -> str:
    took = f" took ${action(p['a'])}$," if rule is not TD0 else ""
    ending = (f"landed in ${state(p['s_next'])}$, which is terminal (the episode ends there)" if p["terminal"]
              else f"landed in ${state(p['s_next'])}$ (not terminal)")
    text = f"The agent in ${state(p['s'])}${took} received $r = {exact(p['r'])}$ and {ending}"
    if rule is SARSA:
        text += (f"; its policy then picks ${action(p['a_next'])}$ in ${state(p['s_next'])}$" if not p["terminal"]
                 else "")
    return text + "."


def prompt(p: dict, rule: Rule) -> str:
    table = value_row(p["V"]) if rule is TD0 else q_table(p["Q"])
    what = f"V({state(p['s'])})" if rule is TD0 else f"Q({state(p['s'])}, {action(p['a'])})"
    return "\n".join([
        f"The current estimates ${rule.table}$ are:", table, _transition(p, rule),
        f"With $\\alpha = {exact(p['alpha'])}$ and $\\gamma = {exact(p['gamma'])}$, apply one {rule.name} "
        f"update. Give the new ${what}$."])


def solution(p: dict, rule: Rule) -> str:
    old, new = rule.old(p), rule.answer(p)
    what = f"V({state(p['s'])})" if rule is TD0 else f"Q({state(p['s'])}, {action(p['a'])})"
    if p["terminal"]:
        y_line = f"$s'$ is terminal, so nothing is bootstrapped: target $= r = {exact(p['r'])}$"
    else:
        y_line = (f"target $= r + \\gamma\\, {rule.future_text(p)} = {exact(p['r'])} + {fmt(p['gamma'])} \\cdot "
                  f"{paren(rule.future(p))} = {fmt(target(p, rule.future(p)), 6)}$")
    y = target(p, rule.future(p))
    lines = [y_line]
    if rule is Q_LEARNING and not p["terminal"]:
        lines.insert(0, f"$\\max_{{a'}} Q({state(p['s_next'])}, a') = \\max({', '.join(fmt(v) for v in p['Q'][p['s_next']])})"
                        f" = {fmt(rule.future(p))}$ (the greedy next action, whatever the agent does next)")
    lines += [f"TD error $\\delta = \\text{{target}} - {what} = {fmt(y, 6)} - {paren(old, 6)} = {fmt(y - old, 6)}$",
              f"step $\\alpha \\delta = {exact(p['alpha'])} \\cdot {paren(y - old, 6)} = {fmt(p['alpha'] * (y - old), 6)}$",
              f"${what} \\leftarrow {fmt(old, 6)} + {paren(p['alpha'] * (y - old), 6)} = {fmt(new, 6)}$"]
    return "\n".join(lines)


# --- mistakes ---------------------------------------------------------------------------------------

def mistakes(rule: Rule) -> tuple[Mistake, ...]:
    common = (
        Mistake("terminal-bootstrapped",
                "$s'$ is terminal: the episode ends, so the target is $r$ alone, with no $\\gamma$-discounted "
                "estimate of what follows.",
                lambda p: rule.answer(p, bootstrap_terminal=True) if p["terminal"] else None),
        Mistake("gamma-on-reward",
                "You discounted the reward too: the target is $r + \\gamma \\cdot$ (the next estimate); "
                "$\\gamma$ does not touch $r$.",
                lambda p: rule.answer(p, gamma_on_reward=True) if p["gamma"] != 1 else None),
        Mistake("no-learning-rate",
                "You replaced the old estimate by the target: the update moves only a fraction $\\alpha$ "
                "of the way, $x \\leftarrow x + \\alpha(\\text{target} - x)$.",
                lambda p: rule.answer(p, full_step=True) if p["alpha"] != 1 else None),
        Mistake("forgot-to-subtract",
                "The TD error is $\\text{target} - x$: you added $\\alpha \\cdot \\text{target}$ without "
                "subtracting the old estimate.",
                lambda p: rule.answer(p, keep_old=True)),
    )
    own = ()
    if rule is TD0:
        own = (Mistake("bootstrapped-from-s",
                       "Bootstrap from the state you landed in: $V(s')$, not $V(s)$.",
                       lambda p: rule.answer(p, future=p["V"][p["s"]]) if not p["terminal"] else None),)
    elif rule is SARSA:
        own = (Mistake("q-learning-target",
                       "That is Q-learning's target ($\\max_{a'} Q(s', a')$). SARSA is on-policy: it bootstraps "
                       "from the action the policy actually picks next, $Q(s', a')$.",
                       lambda p: rule.answer(p, future=max(p["Q"][p["s_next"]])) if not p["terminal"] else None),)
    else:
        own = (Mistake("average-not-max",
                       "You averaged over the next actions (an on-policy, expected-SARSA-like target). "
                       "Q-learning is off-policy: it bootstraps from the greedy action, $\\max_{a'} Q(s', a')$.",
                       lambda p: rule.answer(p, future=sum(row := p["Q"][p["s_next"]]) / len(row))
                       if not p["terminal"] else None),
               Mistake("max-over-current-state",
                       "Bootstrap from the next state: $\\max_{a'} Q(s', a')$, not the best value of the state "
                       "you left.",
                       lambda p: rule.answer(p, future=max(p["Q"][p["s"]])) if not p["terminal"] else None))
    return (*own, *common)


def hints(p: dict, rule: Rule) -> list[str]:
    return ["First the target, then the TD error $\\delta = \\text{target} - $ (old estimate), then the step "
            "$\\alpha \\delta$.",
            f"The {rule.name} target bootstraps from ${rule.future_text(p)}$ — unless $s'$ is terminal."]


def _generator(rule: Rule, name: str, title: str) -> Generator:
    return Generator(
        id=f"rl.{name}", title=title, answer_kind=rule.kind,
        sample_params=lambda rng: sample(rng, rule), validate_params=lambda p: validate(p, rule),
        solve=rule.answer, prompt=lambda p: prompt(p, rule), solution=lambda p: solution(p, rule),
        hints=lambda p: hints(p, rule), mistakes=mistakes(rule), tags=("td-learning",), difficulty=1)


TD0_UPDATE = _generator(TD0, "td0-update", "One TD(0) update")
SARSA_UPDATE = _generator(SARSA, "sarsa-update", "One SARSA update")
Q_LEARNING_UPDATE = _generator(Q_LEARNING, "q-learning-update", "One Q-learning update")

GENERATORS = [TD0_UPDATE, SARSA_UPDATE, Q_LEARNING_UPDATE]
