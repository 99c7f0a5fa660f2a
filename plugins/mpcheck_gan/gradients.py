"""The generator's gradient through the discriminator's logit: saturating vs non-saturating loss.

With D = σ(a) the discriminator's output on a generated sample (a its logit):

    saturating      L = log(1 − D)   (minimised by G)   ∂L/∂a = −σ(a) = −D
    non-saturating  L = −log D                          ∂L/∂a = −(1 − σ(a)) = D − 1

Early in training D rejects fakes confidently (D ≈ 0): the saturating gradient vanishes while the
non-saturating one is close to −1 (Goodfellow et al., 2014, section 3).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.text import num

MAX_LOGIT = 30.0


def sigmoid(a: float) -> float:
    # σ(a) = 1/(1 + e^{−a}), written so that neither branch overflows
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def gradients(a: float) -> dict:
    d = sigmoid(a)
    # ∂/∂a log(1 − σ(a)) = −σ(a);  ∂/∂a (−log σ(a)) = −(1 − σ(a)) = −σ(−a), which keeps its
    # digits where σ(a) is close to 1
    return {"saturating": -d, "non_saturating": -sigmoid(-a)}


def _wrt_output(a: float) -> dict:
    d = sigmoid(a)
    # the derivatives with respect to D, without the factor σ′(a) = D(1 − D)
    return {"saturating": -1.0 / (1.0 - d), "non_saturating": -1.0 / d}


def _sample(rng) -> dict:
    # mostly a discriminator that sees through the fake (a < 0), as early in training
    return {"logit": sampling.pick(rng, [sampling.decimals(rng, -6, -0.5, 1), sampling.decimals(rng, -6, -0.5, 1),
                                         sampling.decimals(rng, 0.5, 4, 1)])}


def _validate(p: dict) -> None:
    P.check_keys(p, ("logit",))
    P.real(p, "logit", -MAX_LOGIT, MAX_LOGIT)


def _prompt(p: dict) -> str:
    return "\n".join([
        f"The discriminator's logit on a generated sample $G(z)$ is $a = {num(p['logit'], 15)}$, "
        r"so $D(G(z)) = \sigma(a)$.",
        r"The generator minimises either the saturating loss $L_{\text{sat}} = \log(1 - D(G(z)))$ "
        r"or the non-saturating loss $L_{\text{ns}} = -\log D(G(z))$.",
        r"Give $\partial L_{\text{sat}}/\partial a$ as the part saturating and "
        r"$\partial L_{\text{ns}}/\partial a$ as the part non_saturating.",
    ])


def _solution(p: dict) -> str:
    a = p["logit"]
    d = sigmoid(a)
    g = gradients(a)
    if d < 0.5:
        verdict = (f"Here $D < \\frac{{1}}{{2}}$: the discriminator rejects the fake, and the saturating loss "
                   f"gives the weaker signal ($|{num(g['saturating'], 4)}| < |{num(g['non_saturating'], 4)}|$).")
    else:
        verdict = (r"Here $D > \frac{1}{2}$: the fake already fools the discriminator, so the saturating loss "
                   r"still pushes harder; the case that matters is the opposite one.")
    return "\n".join([
        f"$D = \\sigma({num(a)}) = {num(d, 6)}$, and $\\sigma'(a) = \\sigma(a)(1 - \\sigma(a))$.",
        r"Saturating: $\frac{\partial}{\partial a} \log(1 - \sigma(a)) = \frac{-\sigma(a)(1 - \sigma(a))}"
        r"{1 - \sigma(a)} = -\sigma(a)$" + f" $= {num(g['saturating'], 6)}$",
        r"Non-saturating: $\frac{\partial}{\partial a} \left(-\log \sigma(a)\right) = "
        r"-\frac{\sigma(a)(1 - \sigma(a))}{\sigma(a)} = \sigma(a) - 1$" + f" $= {num(g['non_saturating'], 6)}$",
        verdict + " When $D$ rejects the fake confidently "
        r"($D \approx 0$, early in training) the saturating gradient $-D$ vanishes while the "
        r"non-saturating one stays near $-1$; this is why generators are trained to maximise "
        r"$\log D(G(z))$.",
    ])


GENERATOR_GRADIENT = Generator(
    id="gan.generator-gradient",
    title="Saturating vs non-saturating generator loss: the gradient at the logit",
    answer_kind=Parts({"saturating": Real(), "non_saturating": Real()}),
    sample_params=_sample,
    validate_params=_validate,
    solve=lambda p: gradients(p["logit"]),
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [r"Chain rule through $D = \sigma(a)$: $\sigma'(a) = \sigma(a)(1 - \sigma(a))$.",
                     r"Both answers are simple: one is $-\sigma(a)$, the other $\sigma(a) - 1$."],
    mistakes=(
        Mistake("gradient-wrt-d", r"You differentiated with respect to $D$, not the logit $a$: "
                r"multiply by $\sigma'(a) = D(1 - D)$.", lambda p: _wrt_output(p["logit"])),
        Mistake("losses-swapped", r"You swapped the two: $\log(1 - \sigma(a))$ has derivative "
                r"$-\sigma(a)$, and $-\log \sigma(a)$ has $\sigma(a) - 1$.",
                lambda p: {"saturating": gradients(p["logit"])["non_saturating"],
                           "non_saturating": gradients(p["logit"])["saturating"]}),
        Mistake("signs-flipped", r"The signs are flipped: these are the losses the generator "
                r"minimises; both derivatives are negative (raising $a$ fools $D$ more and lowers the loss).",
                lambda p: {k: -v for k, v in gradients(p["logit"]).items()}),
    ),
    tags=("gan", "generator", "gradient"),
    difficulty=2,
)

GENERATORS = [GENERATOR_GRADIENT]
