"""The DQN target and loss for one transition from the replay buffer (Mnih et al., 2015).

    y = r + γ max_a' Q(s', a'; θ⁻)      (y = r when s' is terminal)
    L = (y − Q(s, a; θ))²

The target is computed with the *target network* θ⁻ (a periodically copied snapshot) and treated as
a constant: the gradient flows through Q(s, a; θ) only.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck_rl.draws import batched
from mpcheck_rl.mdp import clean
from mpcheck.text import exact_vec
from mpcheck_rl.show import action, exact, fmt, paren

KEYS = ("q_sa", "r", "gamma", "terminal", "q_next_target", "q_next_online")
MAX_ACTIONS = 16
MAX_ENTRY = 1e6
VALUES = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 0.2, 0.8]


def argmax(values: list[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def answer(p: dict, *, bootstrap: float | None = None, bootstrap_terminal: bool = False,
           gamma_on_reward: bool = False, squared: bool = True) -> dict[str, float]:
    """{"target": y, "loss": L}; the switches replay the traps."""
    future = max(p["q_next_target"]) if bootstrap is None else bootstrap
    if p["terminal"] and not bootstrap_terminal:
        future = 0.0
    # y = r + γ max_a' Q(s', a'; θ⁻)
    y = p["gamma"] * (p["r"] + future) if gamma_on_reward else p["r"] + p["gamma"] * future
    # L = (y − Q(s, a; θ))²
    error = y - p["q_sa"]
    # float noise is relative to the terms summed: r and γ·future in y, y and Q(s, a) in the error
    y_scale = max(abs(p["r"]), abs(p["gamma"] * future))
    error_scale = max(abs(y), abs(p["q_sa"]))
    return {"target": clean(y, y_scale),
            "loss": clean(error * error, error_scale ** 2) if squared else clean(error, error_scale)}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    target = P.vector(p, "q_next_target", max_length=MAX_ACTIONS)
    P.vector(p, "q_next_online", len(target))
    for key in ("q_sa", "r"):
        P.real(p, key, -MAX_ENTRY, MAX_ENTRY)
    if any(abs(x) > MAX_ENTRY for x in (*p["q_next_target"], *p["q_next_online"])):
        raise ParamsError(f"params: the Q-values must lie in [-{MAX_ENTRY:g}, {MAX_ENTRY:g}]")
    P.real(p, "gamma", 0, 1)
    P.boolean(p, "terminal")


@batched
def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 3, 3, 4])
    return {"q_sa": float(sampling.pick(rng, VALUES)), "r": float(sampling.pick(rng, [1, -1, 0, 2, 0.5, 5])),
            "gamma": sampling.pick(rng, [0.9, 0.99, 0.5, 0.8]), "terminal": bool(rng.random() < 0.25),
            "q_next_target": [float(sampling.pick(rng, VALUES)) for _ in range(n)],
            "q_next_online": [float(sampling.pick(rng, VALUES)) for _ in range(n)]}


def _prompt(p: dict) -> str:
    n = len(p["q_next_target"])
    ending = "$s'$ is terminal (the episode ended)" if p["terminal"] else "$s'$ is not terminal"
    return "\n".join([
        f"A DQN agent samples a transition $(s, a, r, s')$ from its replay buffer with $r = {exact(p['r'])}$; "
        f"{ending}. The discount is $\\gamma = {exact(p['gamma'])}$.",
        f"The online network gives $Q(s, a; \\theta) = {exact(p['q_sa'])}$ and, for the ${n}$ actions in $s'$, "
        f"$Q(s', \\cdot\\,; \\theta) = {exact_vec(p['q_next_online'])}$; the target network gives "
        f"$Q(s', \\cdot\\,; \\theta^-) = {exact_vec(p['q_next_target'])}$.",
        "Give the DQN regression target $y$ for this transition and the squared loss "
        "$L = (y - Q(s, a; \\theta))^2$."])


def _solution(p: dict) -> str:
    out = answer(p)
    best = argmax(p["q_next_target"])
    if p["terminal"]:
        y_line = f"$s'$ is terminal, so nothing is bootstrapped: $y = r = {exact(p['r'])}$"
    else:
        y_line = (f"$y = r + \\gamma \\max_{{a'}} Q(s', a'; \\theta^-) = {exact(p['r'])} + {exact(p['gamma'])} "
                  f"\\cdot {paren(p['q_next_target'][best])} = {fmt(out['target'], 6)}$ (the max is at "
                  f"${action(best)}$, read from the target network)")
    return "\n".join([
        y_line,
        f"$L = (y - Q(s, a; \\theta))^2 = ({fmt(out['target'], 6)} - {paren(p['q_sa'])})^2 = {fmt(out['loss'], 6)}$",
        "The target is held fixed (no gradient through $\\theta^-$): $\\partial L/\\partial \\theta = "
        "-2\\,(y - Q(s, a; \\theta))\\, \\nabla_\\theta Q(s, a; \\theta)$ flows through $Q(s, a; \\theta)$ only."])


def _online_max(p: dict) -> float:
    return max(p["q_next_online"])


def _double(p: dict) -> float:
    return p["q_next_target"][argmax(p["q_next_online"])]


DQN_TARGET = Generator(
    id="rl.dqn-target",
    title="DQN target and loss",
    answer_kind=Parts({"target": Real(), "loss": Real()}),
    sample_params=_sample,
    validate_params=_validate,
    solve=answer,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["The target bootstraps from the target network $\\theta^-$, with the max over the next actions.",
                     "At a terminal $s'$ the target is $r$ alone."],
    mistakes=(
        Mistake("online-network-target",
                "The target uses the target network $\\theta^-$, not the online network: a bootstrap from the "
                "network being trained chases itself, which is what the target network is there to stop.",
                lambda p: answer(p, bootstrap=_online_max(p)) if not p["terminal"] else None),
        Mistake("double-dqn-target",
                "That is Double DQN's target (the online network picks $a'$, the target network rates it). "
                "DQN's target takes $\\max_{a'} Q(s', a'; \\theta^-)$.",
                lambda p: answer(p, bootstrap=_double(p)) if not p["terminal"] else None),
        Mistake("terminal-bootstrapped",
                "$s'$ is terminal: nothing follows, so $y = r$ with no bootstrapped $\\gamma \\max Q$ term.",
                lambda p: answer(p, bootstrap_terminal=True) if p["terminal"] else None),
        Mistake("gamma-on-reward", "$\\gamma$ discounts only the bootstrapped future: $y = r + \\gamma \\max_{a'} "
                "Q(s', a'; \\theta^-)$.",
                lambda p: answer(p, gamma_on_reward=True) if p["gamma"] != 1 else None),
        Mistake("loss-not-squared", "The loss is the squared TD error, $(y - Q(s, a; \\theta))^2$.",
                lambda p: answer(p, squared=False)),
    ),
    tags=("dqn", "function-approximation"),
    difficulty=2,
)

GENERATORS = [DQN_TARGET]
