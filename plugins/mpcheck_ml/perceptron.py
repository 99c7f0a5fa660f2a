"""One step of the perceptron learning rule (labels ±1).

    predict sign(wᵀx + b); on a mistake, y(wᵀx + b) ≤ 0:
        w ← w + η y x,   b ← b + η y
    otherwise nothing changes.

The perceptron converges in finitely many steps iff the data are linearly separable.
"""

from __future__ import annotations

from fractions import Fraction

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec
from mpcheck_ml.common import add, clean, clean_vec, dot, paren, scale

MAX_DIM = 16


def _as_shown(x: float) -> Fraction:
    """The decimal the prompt shows for x (the shortest that reads back as x), exactly."""
    return Fraction(repr(float(x)))


def margin(p: dict) -> float:
    # y (wᵀx + b): positive iff the example is on the right side. Its sign decides the step, so it
    # is worked out exactly on the decimals shown: 0.1 + 0.2 − 0.3 is 0 (an update), not 5.6e-17
    score = sum(_as_shown(w) * _as_shown(x) for w, x in zip(p["w"], p["x"])) + _as_shown(p["b"])
    return float(p["y"] * score)


def step(p: dict, sign: int = 1, update_bias: bool = True,
         force: bool | None = None) -> dict:
    """The rule, with switches that replay a wrong variant (for the mistakes)."""
    mistake = margin(p) <= 0 if force is None else force
    if not mistake:
        return {"w": clean_vec(p["w"]), "b": clean(p["b"])}
    # w ← w + η y x
    w = add(p["w"], scale(sign * p["lr"] * p["y"], p["x"]))
    # b ← b + η y
    b = p["b"] + sign * p["lr"] * p["y"] if update_bias else p["b"]
    return {"w": clean_vec(w), "b": clean(b)}


def _sample(rng) -> dict:
    n = sampling.pick(rng, [2, 2, 3])
    want_mistake = rng.random() < 0.75
    while True:
        p = {"w": sampling.ints(rng, -3, 3, n), "b": sampling.ints(rng, -2, 2), "x": sampling.ints(rng, -3, 3, n),
             "y": sampling.pick(rng, [-1, 1]), "lr": sampling.pick(rng, [1, 1, 0.5, 0.1, 2])}
        m = margin(p)
        # a margin of exactly 0 hinges on the ≤ in the rule; keep it out of sampled problems
        if m != 0 and (m < 0) == want_mistake and any(p["x"]):
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, ("w", "b", "x", "y", "lr"))
    w = P.vector(p, "w", max_length=MAX_DIM)
    P.vector(p, "x", len(w))
    P.real(p, "b")
    P.real(p, "lr", 0, strict_lo=True)
    if p["y"] not in (-1, 1) or isinstance(p["y"], bool):
        raise ParamsError(f"params: 'y' must be the label −1 or 1, got {p['y']!r}")


def _prompt(p: dict) -> str:
    return (f"A perceptron with weights $w = {exact_vec(p['w'])}$ and bias $b = {exact(p['b'])}$ sees the example "
            f"$x = {exact_vec(p['x'])}$ with label $y = {exact(p['y'])}$. Learning rate $\\eta = {exact(p['lr'])}$.\n"
            r"Apply one step of the perceptron rule: if $y(w^\top x + b) \le 0$, then $w \leftarrow w + \eta y x$ "
            r"and $b \leftarrow b + \eta y$; otherwise nothing changes." + "\nGive the new $w$ and $b$.")


def _solution(p: dict) -> str:
    s = dot(p["w"], p["x"]) + p["b"]
    lines = [f"$w^\\top x + b = {num(dot(p['w'], p['x']))} + {paren(p['b'])} = {num(s)}$; "
             f"$y(w^\\top x + b) = {exact(p['y'])} \\cdot {paren(s)} = {num(margin(p))}$."]
    new = step(p)
    if margin(p) > 0:
        lines.append("That is positive: the example is classified correctly, so $w$ and $b$ stay as they are.")
    else:
        lines += [r"That is $\le 0$: a mistake, so update.",
                  f"$w \\leftarrow w + \\eta y x = {vec(p['w'])} + {num(p['lr'])} \\cdot ({num(p['y'])}) \\cdot "
                  f"{vec(p['x'])} = {vec(new['w'])}$",
                  f"$b \\leftarrow b + \\eta y = {num(p['b'])} + {num(p['lr'])} \\cdot ({num(p['y'])}) = {num(new['b'])}$"]
    lines.append(f"Answer: $w = {exact_vec(new['w'])}$, $b = {exact(new['b'])}$")
    return "\n".join(lines)


def _wrong_branch(p: dict) -> dict:
    # updating a correctly classified example, or leaving a misclassified one alone
    return step(p, force=margin(p) > 0)


PERCEPTRON_STEP = Generator(
    id="ml.perceptron-step",
    title="One perceptron update",
    # an update: the steps w_new − w and b_new − b are judged (zero when nothing changes)
    answer_kind=Parts({"w": Vector(step_from="w"), "b": Real(step_from="b")}),
    sample_params=_sample,
    validate_params=_validate,
    solve=step,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"First decide whether the example is misclassified: the sign of $y(w^\top x + b)$.",
                     "Only a mistake triggers an update, and it moves $w$ towards $y x$."],
    mistakes=(
        Mistake("wrong-branch", r"Check the test $y(w^\top x + b) \le 0$: the perceptron updates on mistakes and only "
                "on mistakes.", _wrong_branch),
        # (ignoring the label y = −1 gives the same numbers, so one mistake covers both)
        Mistake("update-sign-flipped", r"The update adds $\eta y x$ and $\eta y$, moving $w^\top x + b$ towards the "
                "label; yours moved it away (did you subtract, or drop a label $y = -1$?).",
                lambda p: step(p, sign=-1) if margin(p) <= 0 else None),
        Mistake("forgot-learning-rate", r"Scale the update by the learning rate: $w \leftarrow w + \eta y x$.",
                lambda p: step({**p, "lr": 1}) if margin(p) <= 0 and p["lr"] != 1 else None),
        Mistake("forgot-bias-update", r"The bias updates too: $b \leftarrow b + \eta y$.",
                lambda p: step(p, update_bias=False) if margin(p) <= 0 else None),
    ),
    tags=("perceptron", "linear-classifier"),
)

GENERATORS = [PERCEPTRON_STEP]
