"""Gradient clipping by norm, the usual cure for exploding gradients.

    if ‖∇‖ > τ:  ∇ ← (τ / ‖∇‖) ∇        (otherwise ∇ is left alone)

The direction is kept, only the length is capped at τ. (PyTorch's clip_grad_norm_ divides by
‖∇‖ + 10⁻⁶, a difference far below any exam's precision.)
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec
from mpcheck_rnn.formatting import factor
from mpcheck_rnn.vectors import clean, norm2

KEYS = ("grad", "threshold")
MAX_LENGTH = 64
MAX_ENTRY = 1e6
MIN_THRESHOLD = 1e-300

#: integer vectors with integer Euclidean norms, so the clipped gradient is a short decimal
NICE_VECTORS = ([3, 4], [6, 8], [5, 12], [8, 15], [1, 2, 2], [2, 3, 6], [1, 4, 8], [4, 4, 7],
                [2, 6, 9], [2, 10, 11], [1, 2, 2, 4], [2, 4, 5, 6])


def scale(grad: list[float], factor: float) -> list[float]:
    return clean([factor * g for g in grad])


def clip_by_norm(grad: list[float], threshold: float, norm=norm2) -> list[float]:
    size = norm(grad)
    if size <= threshold:
        return clean(grad)
    # ∇ ← (τ / ‖∇‖) ∇
    return scale(grad, threshold / size)


def solve(p: dict) -> list[float]:
    return clip_by_norm(p["grad"], p["threshold"])


def sample(rng) -> dict:
    base = sampling.pick(rng, list(NICE_VECTORS))
    unit = sampling.pick(rng, [0.1, 0.5, 1, 1, 2])
    grad = [round(unit * sampling.pick(rng, [-1, 1]) * g, 2) + 0.0 for g in base]
    # shuffle the entries so that the nice vectors do not always look sorted
    grad = [grad[i] for i in rng.permutation(len(grad))]
    size = norm2(grad)
    # about half the problems are below the threshold: knowing when not to clip is the point
    factor = sampling.pick(rng, [0.2, 0.4, 0.5, 0.8, 1.25, 1.5, 2.0, 4.0])
    threshold = float(num(size * factor, 2))
    if abs(threshold - size) < 0.05 * size:
        threshold = round(size / 2, 2)
    return {"grad": [float(g) for g in grad], "threshold": threshold}


def validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    grad = P.vector(p, "grad", max_length=MAX_LENGTH)
    if any(abs(g) > MAX_ENTRY for g in grad):
        raise ParamsError(f"params: 'grad' entries must lie between −{MAX_ENTRY:g} and {MAX_ENTRY:g}")
    # a clipped gradient has norm τ: below about 1e-300 its entries lose digits in a double
    P.real(p, "threshold", MIN_THRESHOLD, MAX_ENTRY)


def prompt(p: dict) -> str:
    return (f"Training an RNN gives the gradient $\\nabla = {exact_vec(p['grad'])}$. It is clipped by norm with "
            f"threshold $\\tau = {exact(p['threshold'])}$ ($\\nabla \\leftarrow (\\tau/\\|\\nabla\\|)\\, \\nabla$ "
            "whenever $\\|\\nabla\\| > \\tau$).\n"
            "What is the gradient after clipping?")


def solution(p: dict) -> str:
    grad, tau = p["grad"], p["threshold"]
    size = norm2(grad)
    squares = " + ".join(f"{factor(g)}^2" for g in grad)
    lines = [f"$\\|\\nabla\\| = \\sqrt{{{squares}}} = {num(size)}$"]
    if size <= tau:
        lines.append(f"${num(size)} \\le \\tau = {num(tau)}$: no clipping, $\\nabla$ stays ${vec(solve(p))}$.")
    else:
        lines += [f"${num(size)} > \\tau = {num(tau)}$: rescale by "
                  f"$\\tau/\\|\\nabla\\| = {num(tau)}/{num(size)} = {num(tau / size)}$",
                  f"$\\nabla \\leftarrow {num(tau / size)} \\cdot {vec(grad)} = {vec(solve(p))}$ (now of norm $\\tau$)."]
    return "\n".join(lines)


def hints(p: dict) -> list[str]:
    return [r"First compute the Euclidean norm $\|\nabla\| = \sqrt{\sum_i \nabla_i^2}$ and compare it with $\tau$.",
            "Clipping only ever shrinks: below the threshold the gradient is left as it is."]


# Each mistake applies where it changes the answer: below the threshold clipping by value, an L1
# norm or a squared norm that stays below τ leave the gradient alone too, just as they should.

def _scaled_up(p: dict) -> list[float] | None:
    size = norm2(p["grad"])
    if size == 0 or size > p["threshold"]:
        return None
    return scale(p["grad"], p["threshold"] / size)


def _inverted_ratio(p: dict) -> list[float] | None:
    size = norm2(p["grad"])
    return scale(p["grad"], size / p["threshold"]) if size > p["threshold"] else None


def _l1(grad: list[float]) -> float:
    return sum(abs(g) for g in grad)


def _clipped_entries(p: dict) -> list[float] | None:
    tau = p["threshold"]
    if all(abs(g) <= tau for g in p["grad"]):
        return None
    return clean([min(max(g, -tau), tau) for g in p["grad"]])


def _with_norm(norm):
    def answer(p: dict) -> list[float] | None:
        return clip_by_norm(p["grad"], p["threshold"], norm=norm) if norm(p["grad"]) > p["threshold"] else None
    return answer


MISTAKES = (
    Mistake("clipped-below-threshold", "The norm is below the threshold, so nothing changes: "
            r"clipping caps the length, it never stretches a small gradient to $\tau$.", _scaled_up),
    Mistake("inverted-ratio", r"You multiplied by $\|\nabla\|/\tau$; the factor is $\tau/\|\nabla\| < 1$, "
            r"which brings the norm down to $\tau$.", _inverted_ratio),
    Mistake("l1-norm", r"You used the L1 norm $\sum_i |\nabla_i|$; clipping by norm uses the Euclidean norm "
            r"$\sqrt{\sum_i \nabla_i^2}$.", _with_norm(_l1)),
    Mistake("squared-norm", r"You divided by $\|\nabla\|^2$; the factor is $\tau/\|\nabla\|$ with "
            r"$\|\nabla\| = \sqrt{\sum_i \nabla_i^2}$.",
            _with_norm(lambda g: norm2(g) ** 2)),
    Mistake("clipped-each-entry", r"You clipped every entry to $[-\tau, \tau]$ (clipping by value); "
            "clipping by norm rescales the whole vector and keeps its direction.", _clipped_entries),
)

GRADIENT_CLIPPING = Generator(
    id="rnn.gradient-clipping",
    title="Gradient clipping by norm",
    answer_kind=Vector(),
    sample_params=sample,
    validate_params=validate,
    solve=solve,
    prompt=prompt,
    solution=solution,
    hints=hints,
    mistakes=MISTAKES,
    tags=("rnn", "exploding-gradients", "optimisation"),
    difficulty=1,
)

GENERATORS = [GRADIENT_CLIPPING]
