"""The optimal discriminator, the value of the game at it, and the Jensen–Shannon divergence
(Goodfellow et al., 2014), on discrete distributions.

    V(G, D) = E_{x∼p_d} log D(x) + E_{x∼p_m} log(1 − D(x))
    D*(x)   = p_d(x) / (p_d(x) + p_m(x))                 maximises a log y + b log(1 − y) at each x
    V(G, D*) = −log 4 + 2 JSD(p_d ‖ p_m)                  in nats; its minimum over G is −log 4
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck.api import Generator, Mistake, Real, Vector
from mpcheck.text import num, vec
from mpcheck_gan.common import (
    distribution_pair,
    distribution_pair_params,
    finite,
    jsd,
    kl,
    mixture,
    outcome_table,
    xlogy,
)

PAIR_KEYS = ("p_data", "p_model")
VALUE_FORMULA = (r"$V(G, D) = \mathbb{E}_{x \sim p_d}[\log D(x)] + "
                 r"\mathbb{E}_{x \sim p_m}[\log(1 - D(x))]$")


def _pair(p: dict) -> tuple[list[float], list[float]]:
    return p["p_data"], p["p_model"]


def _pair_table(p: dict) -> str:
    return outcome_table([("p_d(x)", p["p_data"]), ("p_m(x)", p["p_model"])])


def _validate_pair(p: dict) -> None:
    P.check_keys(p, PAIR_KEYS)
    distribution_pair_params(p, "p_data", "p_model")


def _sample_pair(rng) -> dict:
    data, model = distribution_pair(rng)
    return {"p_data": data, "p_model": model}


# --- ★ gan.optimal-discriminator -------------------------------------------------------------

def optimal_discriminator(data: list[float], model: list[float]) -> list[float]:
    # D*(x) = p_d(x) / (p_d(x) + p_m(x))
    return [d / (d + m) for d, m in zip(data, model)]


def _discriminator_prompt(p: dict) -> str:
    return "\n".join([
        "Real data follow $p_d$ and a fixed generator's samples follow $p_m$:",
        _pair_table(p),
        f"The discriminator maximises {VALUE_FORMULA}.",
        "Give the optimal discriminator as the list $[D^*(1), \\dots, D^*(n)]$.",
    ])


def _discriminator_solution(p: dict) -> str:
    data, model = _pair(p)
    lines = [r"At each $x$ the value has the form $a \log y + b \log(1 - y)$ with $a = p_d(x)$, "
             r"$b = p_m(x)$, $y = D(x)$; its derivative $a/y - b/(1 - y)$ vanishes at $y = a/(a + b)$:",
             r"$$D^*(x) = \frac{p_d(x)}{p_d(x) + p_m(x)}$$"]
    for x, (d, m, star) in enumerate(zip(data, model, optimal_discriminator(data, model)), start=1):
        lines.append(f"$D^*({x}) = \\frac{{{num(d)}}}{{{num(d)} + {num(m)}}} = {num(star)}$")
    lines.append(f"$D^* = {vec(optimal_discriminator(data, model))}$")
    if any(d == 0 for d in data) or any(m == 0 for m in model):
        lines.append("Where only the data reach $x$, $D^*(x) = 1$; where only the generator does, "
                     "$D^*(x) = 0$: the discriminator is sure there.")
    return "\n".join(lines)


OPTIMAL_DISCRIMINATOR = Generator(
    id="gan.optimal-discriminator",
    title="The optimal discriminator for a fixed generator",
    answer_kind=Vector(),
    sample_params=_sample_pair,
    validate_params=_validate_pair,
    solve=lambda p: optimal_discriminator(*_pair(p)),
    prompt=_discriminator_prompt,
    solution=_discriminator_solution,
    hints=lambda p: [r"Maximise $V$ point by point: at each $x$ maximise $a \log y + b \log(1 - y)$ "
                     r"over $y \in (0, 1)$.",
                     r"The discriminator says how likely $x$ is to be real: it should be large where "
                     r"$p_d$ is large compared with $p_m$."],
    mistakes=(
        Mistake("d-star-inverted", r"You gave $p_m/(p_d + p_m)$, the probability that $x$ is fake: "
                r"$D$ outputs the probability of real, $D^* = p_d/(p_d + p_m)$.",
                lambda p: optimal_discriminator(p["p_model"], p["p_data"])),
        Mistake("density-ratio", r"You gave the ratio $p_d/p_m$; $D^*$ is a probability: "
                r"$p_d/(p_d + p_m)$.",
                lambda p: finite([d / m for d, m in zip(*_pair(p))]) if all(p["p_model"]) else None),
        Mistake("half-everywhere", r"$D^* = \frac{1}{2}$ holds only at the global optimum "
                r"$p_m = p_d$; for this generator $D^*(x) = p_d(x)/(p_d(x) + p_m(x))$.",
                lambda p: [0.5] * len(p["p_data"])),
        Mistake("data-density", r"You gave $p_d(x)$ itself; divide by $p_d(x) + p_m(x)$: "
                r"$D^*$ compares the two densities.", lambda p: list(p["p_data"])),
    ),
    tags=("gan", "discriminator"),
)


# --- ★ gan.optimal-value ---------------------------------------------------------------------

def value_at(data: list[float], model: list[float], inverted: bool = False) -> float | None:
    """V(G, D) = Σ_x p_d(x) log D(x) + p_m(x) log(1 − D(x)) at D = D* (or at the inverted
    p_m/(p_d + p_m)); None where a log of 0 has weight. 1 − D* is written p_m/(p_d + p_m), so that
    a tiny p_m keeps its digits."""
    total = 0.0
    for d, m in zip(data, model):
        real, fake = (m, d) if inverted else (d, m)
        if (d > 0 and real == 0) or (m > 0 and fake == 0):
            return None
        # log D = log(real/(p_d + p_m)), log(1 − D) = log(fake/(p_d + p_m))
        total += xlogy(d, real / (d + m)) + xlogy(m, fake / (d + m))
    return total


def optimal_value(data: list[float], model: list[float]) -> float:
    return value_at(data, model)


def _one_kl_term(p: dict) -> float:
    data, model = _pair(p)
    return -math.log(4) + kl(data, mixture(data, model))


def _value_prompt(p: dict) -> str:
    return "\n".join([
        "Real data follow $p_d$ and a fixed generator's samples follow $p_m$:",
        _pair_table(p),
        f"With the game {VALUE_FORMULA}, compute $V(G, D^*)$ at the optimal discriminator "
        "$D^*$ for this generator, in nats (natural logarithms).",
    ])


def _value_solution(p: dict) -> str:
    data, model = _pair(p)
    star = optimal_discriminator(data, model)
    m = mixture(data, model)
    j = jsd(data, model)
    terms = [f"{num(d)} \\log {num(y)} + {num(q)} \\log {num(1 - y)}" for d, q, y in zip(data, model, star)]
    lines = [r"$D^*(x) = p_d(x)/(p_d(x) + p_m(x))$ gives " + f"$D^* = {vec(star)}$.",
             r"$V(G, D^*) = \sum_x p_d(x) \log D^*(x) + p_m(x) \log(1 - D^*(x))$ "
             r"(with $0 \log 0 = 0$)",
             f"$= {' + '.join(terms)}$",
             f"$= {num(optimal_value(data, model), 6)}$",
             r"Check with the Jensen–Shannon divergence: $m = (p_d + p_m)/2 = " + vec(m) + "$,",
             f"$\\mathrm{{KL}}(p_d \\,\\|\\, m) = {num(kl(data, m), 6)}$, "
             f"$\\mathrm{{KL}}(p_m \\,\\|\\, m) = {num(kl(model, m), 6)}$, "
             f"$\\mathrm{{JSD}} = {num(j, 6)}$,",
             f"$V(G, D^*) = -\\log 4 + 2\\,\\mathrm{{JSD}}(p_d \\,\\|\\, p_m) = -1.386294 + 2 \\cdot {num(j, 6)} "
             f"= {num(optimal_value(data, model), 6)}$ nats."]
    return "\n".join(lines)


OPTIMAL_VALUE = Generator(
    id="gan.optimal-value",
    title="The value of the GAN game at the optimal discriminator",
    answer_kind=Real(),
    sample_params=_sample_pair,
    validate_params=_validate_pair,
    solve=lambda p: optimal_value(*_pair(p)),
    prompt=_value_prompt,
    solution=_value_solution,
    hints=lambda p: [r"First $D^*(x) = p_d(x)/(p_d(x) + p_m(x))$, then plug it into $V$.",
                     r"Cross-check: $V(G, D^*) = -\log 4 + 2\,\mathrm{JSD}(p_d \,\|\, p_m)$, and "
                     r"$0 \le \mathrm{JSD} \le \log 2$."],
    mistakes=(
        Mistake("log-4-sign", r"The constant is $-\log 4$: $V(G, D^*) = -\log 4 + 2\,\mathrm{JSD}$, "
                r"never positive, since both logs in $V$ are of probabilities.",
                lambda p: math.log(4) + 2 * jsd(*_pair(p))),
        Mistake("forgot-log-4", r"$V(G, D^*) = -\log 4 + 2\,\mathrm{JSD}(p_d \,\|\, p_m)$: you kept "
                r"only the $2\,\mathrm{JSD}$ term.", lambda p: 2 * jsd(*_pair(p))),
        Mistake("jsd-not-doubled", r"The divergence enters twice: $V(G, D^*) = -\log 4 + "
                r"2\,\mathrm{JSD}$, because each of the two expectations contributes one "
                r"$\frac{1}{2}\mathrm{KL}$ term and one $-\log 2$.",
                lambda p: -math.log(4) + jsd(*_pair(p))),
        Mistake("one-kl-term", r"The JSD has two KL terms, "
                r"$\frac{1}{2}\mathrm{KL}(p_d \,\|\, m) + \frac{1}{2}\mathrm{KL}(p_m \,\|\, m)$; "
                r"you used only the one of $p_d$.", _one_kl_term),
        Mistake("d-star-inverted", r"You evaluated $V$ at $p_m/(p_d + p_m)$; the optimal "
                r"discriminator is $D^* = p_d/(p_d + p_m)$.",
                lambda p: value_at(*_pair(p), inverted=True)),
        Mistake("global-minimum", r"$-\log 4$ is the value only when $p_m = p_d$ (the global "
                r"optimum of the generator); for this generator add $2\,\mathrm{JSD}(p_d \,\|\, p_m)$.",
                lambda p: -math.log(4)),
        Mistake("bits-not-nats", r"You used $\log_2$; the answer is in nats (natural logarithms).",
                lambda p: optimal_value(*_pair(p)) / math.log(2)),
    ),
    tags=("gan", "discriminator", "jsd"),
    difficulty=2,
)


# --- gan.jsd ---------------------------------------------------------------------------------

def _jsd_of(p: dict) -> float:
    return jsd(p["p"], p["q"])


def _sample_jsd(rng) -> dict:
    first, second = distribution_pair(rng)
    return {"p": first, "q": second}


def _validate_jsd(p: dict) -> None:
    P.check_keys(p, ("p", "q"))
    distribution_pair_params(p, "p", "q")


def _jsd_prompt(p: dict) -> str:
    return "\n".join([
        "Two distributions on the outcomes $x = 1, \\dots, n$:",
        outcome_table([("p(x)", p["p"]), ("q(x)", p["q"])]),
        r"Compute the Jensen–Shannon divergence $\mathrm{JSD}(p \,\|\, q)$ in nats "
        r"(natural logarithms).",
    ])


def _jsd_solution(p: dict) -> str:
    first, second = p["p"], p["q"]
    m = mixture(first, second)
    a, b = kl(first, m), kl(second, m)

    def kl_terms(dist: list[float]) -> str:
        return " + ".join(f"{num(v)} \\log \\frac{{{num(v)}}}{{{num(w)}}}" for v, w in zip(dist, m) if v > 0)

    return "\n".join([
        r"$\mathrm{JSD}(p \,\|\, q) = \frac{1}{2}\mathrm{KL}(p \,\|\, m) + \frac{1}{2}\mathrm{KL}(q \,\|\, m)$ "
        r"with the mixture $m = (p + q)/2$:",
        f"$m = {vec(m)}$",
        f"$\\mathrm{{KL}}(p \\,\\|\\, m) = {kl_terms(first)} = {num(a, 6)}$",
        f"$\\mathrm{{KL}}(q \\,\\|\\, m) = {kl_terms(second)} = {num(b, 6)}$",
        f"$\\mathrm{{JSD}} = \\frac{{1}}{{2}}({num(a, 6)} + {num(b, 6)}) = {num(_jsd_of(p), 6)}$ nats",
        r"(Always between $0$ and $\log 2 \approx 0.6931$; terms with probability 0 add nothing.)",
    ])


JSD = Generator(
    id="gan.jsd",
    title="Jensen–Shannon divergence of two discrete distributions",
    answer_kind=Real(),
    sample_params=_sample_jsd,
    validate_params=_validate_jsd,
    solve=_jsd_of,
    prompt=_jsd_prompt,
    solution=_jsd_solution,
    hints=lambda p: [r"Form the mixture $m = (p + q)/2$ first; both KL terms compare with $m$.",
                     r"$\mathrm{JSD} = \frac{1}{2}\mathrm{KL}(p \,\|\, m) + \frac{1}{2}\mathrm{KL}(q \,\|\, m)$, "
                     r"in nats, and it never exceeds $\log 2$."],
    mistakes=(
        Mistake("one-kl-term", r"The JSD has two KL terms: add $\frac{1}{2}\mathrm{KL}(q \,\|\, m)$ "
                r"to $\frac{1}{2}\mathrm{KL}(p \,\|\, m)$.",
                lambda p: 0.5 * kl(p["p"], mixture(p["p"], p["q"]))),
        Mistake("kl-term-repeated", r"You counted $\mathrm{KL}(p \,\|\, m)$ twice (a typo some "
                r"summaries carry); the second term compares $q$ with $m$.",
                lambda p: kl(p["p"], mixture(p["p"], p["q"]))),
        Mistake("forgot-halves", r"Each KL term is weighted by $\frac{1}{2}$: "
                r"$\mathrm{JSD} = \frac{1}{2}\mathrm{KL}(p \,\|\, m) + \frac{1}{2}\mathrm{KL}(q \,\|\, m)$.",
                lambda p: 2 * _jsd_of(p)),
        Mistake("symmetrised-kl", r"You averaged $\mathrm{KL}(p \,\|\, q)$ and $\mathrm{KL}(q \,\|\, p)$; "
                r"the JSD compares each with the mixture $m = (p + q)/2$ (which keeps it finite).",
                lambda p: _symmetrised_kl(p["p"], p["q"])),
        Mistake("mixture-not-halved", r"The mixture is $m = (p + q)/2$, a distribution; with $p + q$ "
                r"every log is off by $\log 2$.", lambda p: _jsd_of(p) - math.log(2)),
        Mistake("bits-not-nats", r"You used $\log_2$; the answer is in nats (natural logarithms).",
                lambda p: _jsd_of(p) / math.log(2)),
    ),
    tags=("gan", "jsd", "divergence"),
)


def _symmetrised_kl(first: list[float], second: list[float]) -> float | None:
    forward, backward = kl(first, second), kl(second, first)
    return None if forward is None or backward is None else finite(0.5 * (forward + backward))


GENERATORS = [OPTIMAL_DISCRIMINATOR, OPTIMAL_VALUE, JSD]
