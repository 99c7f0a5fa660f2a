"""CycleGAN's cycle-consistency term (Zhu et al., 2017) on a toy batch.

Two generators G: X → Y and F: Y → X (the paper's names; the course summary swaps the letters)
are trained without pairs. Translating there and back must give the input again:

    L_cyc = E_x ‖F(G(x)) − x‖₁ + E_y ‖G(F(y)) − y‖₁          (each expectation a batch mean)

and the objective adds λ L_cyc to the two GAN losses (λ = 10 in the paper). Here both maps are
scalar affine functions, so every number can be followed by hand.
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real, round_off
from mpcheck.errors import ParamsError
from mpcheck.text import num, vec
from mpcheck_gan.common import signed

KEYS = ("x", "y", "G", "F", "lam")
MAX_BATCH = 32
MAX_ENTRY = 1e4


def affine(map_: list[float], v: float) -> float:
    weight, bias = map_
    # float noise rounded off relative to the two terms, so that 0.5 · 0.8 − 0.4 prints as 0, not
    # 5.551e-17, while data of size 1e-13 keep their digits
    return round_off(weight * v + bias, abs(weight * v) + abs(bias))


def cycle_terms(p: dict, distance=abs, reverse: bool = False) -> tuple[list[float], list[float]]:
    """Per-sample distances of the forward cycle x → G → F and the backward cycle y → F → G."""
    g, f = (p["F"], p["G"]) if reverse else (p["G"], p["F"])
    # ‖F(G(x)) − x‖₁ and ‖G(F(y)) − y‖₁
    forward = [distance(difference(affine(f, affine(g, x)), x)) for x in p["x"]]
    backward = [distance(difference(affine(g, affine(f, y)), y)) for y in p["y"]]
    return forward, backward


def difference(a: float, b: float) -> float:
    # a − b, its float noise rounded off relative to a and b (a cycle that closes gives 0)
    return round_off(a - b, abs(a) + abs(b))


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def weighted_cycle_loss(p: dict, distance=abs, reverse: bool = False, both: bool = True,
                        reduce=mean, weight: bool = True) -> float:
    forward, backward = cycle_terms(p, distance, reverse)
    # λ L_cyc = λ (mean_x ‖F(G(x)) − x‖₁ + mean_y ‖G(F(y)) − y‖₁)
    loss = reduce(forward) + (reduce(backward) if both else 0.0)
    return (p["lam"] if weight else 1.0) * loss


def _identity_distance(p: dict) -> float:
    # ‖G(x) − x‖ + ‖F(y) − y‖: the translation compared with its own input
    return p["lam"] * (mean([abs(affine(p["G"], x) - x) for x in p["x"]])
                       + mean([abs(affine(p["F"], y) - y) for y in p["y"]]))


def _sample(rng) -> dict:
    def a_map() -> list[float]:
        return [sampling.pick(rng, [0.5, 1.5, 2.0, -1.0, 0.8]), sampling.decimals(rng, -1, 1, 1)]

    return {"x": [sampling.decimals(rng, -2, 2, 1) for _ in range(sampling.pick(rng, [2, 3]))],
            "y": [sampling.decimals(rng, -2, 2, 1) for _ in range(sampling.pick(rng, [2, 3]))],
            "G": a_map(), "F": a_map(), "lam": sampling.pick(rng, [10.0, 10.0, 5.0, 2.0])}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    for key in ("x", "y"):
        P.vector(p, key, max_length=MAX_BATCH)
    for key in ("G", "F"):
        P.vector(p, key, 2)
    P.real(p, "lam", 0, 1e4, strict_lo=True)
    if any(abs(v) > MAX_ENTRY for key in ("x", "y", "G", "F") for v in p[key]):
        raise ParamsError(f"params: samples and map coefficients must be at most {MAX_ENTRY:g} in size")


def _map_text(name: str, map_: list[float], var: str) -> str:
    weight, bias = map_
    slope = {1.0: "", -1.0: "-"}.get(weight, num(weight, 15))
    shift = f" {signed(bias, 15)}" if bias else ""
    return f"${name}({var}) = {slope}{var}{shift}$" if weight else f"${name}({var}) = {num(bias, 15)}$"


def _prompt(p: dict) -> str:
    return "\n".join([
        "CycleGAN translates between domains $X$ and $Y$ with two generators, here scalar affine maps:",
        f"{_map_text('G', p['G'], 'x')} maps $X \\to Y$ and {_map_text('F', p['F'], 'y')} maps $Y \\to X$.",
        f"A batch from $X$: $x = {vec(p['x'], 15)}$; a batch from $Y$: $y = {vec(p['y'], 15)}$.",
        r"Compute the cycle-consistency term of the objective, $\lambda L_{\text{cyc}}$ with "
        f"$\\lambda = {num(p['lam'], 15)}$ and",
        r"$$L_{\text{cyc}} = \mathbb{E}_x \|F(G(x)) - x\|_1 + \mathbb{E}_y \|G(F(y)) - y\|_1$$",
        "(each expectation the mean over its batch).",
    ])


def _solution(p: dict) -> str:
    forward, backward = cycle_terms(p)
    lines = ["Forward cycle $x \\to G \\to F$:"]
    for x, d in zip(p["x"], forward):
        gx = affine(p["G"], x)
        lines.append(f"  $x = {num(x)}$: $G(x) = {num(gx)}$, $F(G(x)) = {num(affine(p['F'], gx))}$, "
                     f"$|F(G(x)) - x| = {num(d)}$")
    lines.append("Backward cycle $y \\to F \\to G$:")
    for y, d in zip(p["y"], backward):
        fy = affine(p["F"], y)
        lines.append(f"  $y = {num(y)}$: $F(y) = {num(fy)}$, $G(F(y)) = {num(affine(p['G'], fy))}$, "
                     f"$|G(F(y)) - y| = {num(d)}$")
    loss = weighted_cycle_loss(p, weight=False)
    lines += [f"$L_{{\\text{{cyc}}}} = {num(mean(forward), 6)} + {num(mean(backward), 6)} = {num(loss, 6)}$",
              f"$\\lambda L_{{\\text{{cyc}}}} = {num(p['lam'])} \\cdot {num(loss, 6)} = {num(weighted_cycle_loss(p), 6)}$",
              r"The term needs no pairs $(x, y)$: each sample only has to come back to itself, which is "
              r"what lets CycleGAN train on unpaired data (Pix2Pix's $L_1$ term needs the paired target)."]
    return "\n".join(lines)


MISTAKES = (
    Mistake("l2-not-l1", r"The cycle loss uses the $L_1$ distance $|F(G(x)) - x|$, not the squared one.",
            lambda p: weighted_cycle_loss(p, distance=lambda d: d * d)),
    Mistake("one-direction", r"Both cycles count: add $\mathbb{E}_y \|G(F(y)) - y\|_1$ to the forward one.",
            lambda p: weighted_cycle_loss(p, both=False)),
    Mistake("maps-in-wrong-order", r"A sample $x \in X$ goes through $G$ first: $F(G(x))$, not $G(F(x))$.",
            lambda p: weighted_cycle_loss(p, reverse=True)),
    Mistake("forgot-lambda", r"The term in the objective is $\lambda L_{\text{cyc}}$: multiply by $\lambda$.",
            lambda p: weighted_cycle_loss(p, weight=False)),
    Mistake("sum-not-mean", r"Each expectation is a mean over its batch, not a sum.",
            lambda p: weighted_cycle_loss(p, reduce=sum) if len(p["x"]) > 1 or len(p["y"]) > 1 else None),
    Mistake("translation-vs-input", r"The cycle compares the round trip $F(G(x))$ with $x$, not the "
            r"translation $G(x)$ with $x$ (that would forbid any change of domain).", _identity_distance),
)

CYCLE_LOSS = Generator(
    id="gan.cycle-loss",
    title="CycleGAN's cycle-consistency loss",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=weighted_cycle_loss,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"For each $x$ go there and back: $G$ first, then $F$; for each $y$: $F$ first, then $G$.",
                     r"Use absolute differences ($L_1$), average each batch, add the two means, multiply by $\lambda$."],
    mistakes=MISTAKES,
    tags=("gan", "cyclegan", "image-translation"),
)

GENERATORS = [CYCLE_LOSS]
