"""Losses: binary cross-entropy, cross-entropy, and H(p, q) = H(p) + KL(p‖q).

    BCE(y, ŷ) = −y log ŷ − (1 − y) log(1 − ŷ)          (averaged over a batch, as nn.BCELoss)
    H(p, q)   = −Σ p_i log q_i
    H(p)      = −Σ p_i log p_i,   KL(p‖q) = Σ p_i log(p_i/q_i),   so H(p, q) = H(p) + KL(p‖q)

Logs are natural (nats) unless the problem asks for bits (log₂).
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num
from mpcheck_ml import distributions as D
from mpcheck_ml.common import clean, cross_entropy, entropy, kl

UNITS = ("nats", "bits")
LOG = {"nats": r"\ln", "bits": r"\log_2"}


# ---- binary cross-entropy -------------------------------------------------------------------

def bce_terms(y: list[float], y_hat: list[float], log=math.log) -> list[float]:
    # ℓ_i = −y_i log ŷ_i − (1 − y_i) log(1 − ŷ_i); a zero weight skips its log (0 · log 0 = 0).
    # log(1 − ŷ) is log1p(−ŷ) times log(e) (1 in nats): 1 − 1e-20 is 1.0 in floats, and its log 0
    return [-(yi * log(pi) if yi else 0.0) - ((1 - yi) * math.log1p(-pi) * log(math.e) if yi != 1 else 0.0)
            for yi, pi in zip(y, y_hat)]


def bce(y: list[float], y_hat: list[float], log=math.log) -> float:
    # L = (1/n) Σ ℓ_i
    terms = bce_terms(y, y_hat, log)
    return sum(terms) / len(terms)


def _sample_bce(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2, 3])
    y = [sampling.pick(rng, [0, 1]) for _ in range(n)]
    y_hat = [sampling.pick(rng, [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9]) for _ in range(n)]
    return {"y": y, "y_hat": y_hat}


def _validate_bce(p: dict) -> None:
    P.check_keys(p, ("y", "y_hat"))
    y = P.vector(p, "y", max_length=D.MAX_CLASSES)
    y_hat = P.vector(p, "y_hat", len(y))
    if any(not 0 <= v <= 1 for v in y):
        raise ParamsError("params: 'y' must hold labels in [0, 1] (usually 0 or 1)")
    if any(not 0 < v < 1 for v in y_hat):
        raise ParamsError("params: 'y_hat' must hold probabilities strictly between 0 and 1 "
                          "(log 0 is infinite)")


def _solve_bce(p: dict) -> float:
    return clean(bce(p["y"], p["y_hat"]))


def _prompt_bce(p: dict) -> str:
    n = len(p["y"])
    if n == 1:
        return (f"A binary classifier outputs $\\hat{{y}} = {exact(p['y_hat'][0])}$ for an example with label "
                f"$y = {exact(p['y'][0])}$.\nCompute the binary cross-entropy loss (natural log, nats).")
    return (f"A binary classifier outputs $\\hat{{y}} = {exact_vec(p['y_hat'])}$ for {n} examples with labels "
            f"$y = {exact_vec(p['y'])}$.\nCompute the mean binary cross-entropy over the batch "
            "(natural log, nats), as nn.BCELoss does.")


def _solution_bce(p: dict) -> str:
    lines = [r"BCE per example: $\ell = -y \ln \hat{y} - (1 - y) \ln(1 - \hat{y})$; only one term survives "
             "for a 0/1 label."]
    for i, (yi, pi) in enumerate(zip(p["y"], p["y_hat"]), 1):
        term = bce_terms([yi], [pi])[0]
        lines.append(f"Example {i}: $-{num(yi)} \\ln {num(pi)} - {num(1 - yi)} \\ln {num(1 - pi)} = {num(term)}$")
    if len(p["y"]) > 1:
        total = sum(bce_terms(p["y"], p["y_hat"]))
        lines.append(f"Mean over {len(p['y'])} examples: ${num(total)}/{len(p['y'])} = {num(_solve_bce(p))}$")
    lines.append(f"Answer: ${num(_solve_bce(p))}$ nats")
    return "\n".join(lines)


BCE = Generator(
    id="ml.bce",
    title="Binary cross-entropy loss",
    answer_kind=Real(),
    sample_params=_sample_bce,
    validate_params=_validate_bce,
    solve=_solve_bce,
    prompt=_prompt_bce,
    solution=_solution_bce,
    hints=lambda p: [r"$\ell = -y \log \hat{y} - (1 - y) \log(1 - \hat{y})$: with $y = 1$ only $-\log \hat{y}$ "
                     r"is left, with $y = 0$ only $-\log(1 - \hat{y})$.",
                     "Use the natural log, and average over the batch."],
    mistakes=(
        Mistake("log-base-2", r"Use the natural log (nats), not $\log_2$.",
                lambda p: clean(bce(p["y"], p["y_hat"], math.log2))),
        Mistake("log-base-10", r"Use the natural log ($\ln$), not $\log_{10}$.",
                lambda p: clean(bce(p["y"], p["y_hat"], math.log10))),
        Mistake("sum-not-mean", "The batch loss is the mean over examples, not the sum.",
                lambda p: clean(sum(bce_terms(p["y"], p["y_hat"]))) if len(p["y"]) > 1 else None),
        Mistake("forgot-the-minus", "A loss of probabilities below 1 is positive: BCE has a minus in front.",
                lambda p: -_solve_bce(p)),
        Mistake("swapped-terms", r"$\log \hat{y}$ goes with $y$ and $\log(1 - \hat{y})$ with $1 - y$: "
                r"$\hat{y}$ is the probability of label 1.",
                lambda p: clean(bce([1 - v for v in p["y"]], p["y_hat"]))),
    ),
    tags=("loss", "bce"),
)


# ---- cross-entropy ----------------------------------------------------------------------------

def _unit_bits(p: dict) -> bool:
    return p["unit"] == "bits"


def _sample_pq(rng, one_hot_p: bool) -> dict:
    unit = sampling.pick(rng, list(UNITS))
    # two dyadic distributions of length 2 are both [1/2, 1/2]: p = q would make KL = 0
    length = sampling.pick(rng, [2, 3, 3, 4] if one_hot_p or unit == "nats" else [3, 3, 4])
    draw = (lambda: D.dyadic(rng, length)) if unit == "bits" else (lambda: D.tenths(rng, length))
    q = draw()
    if one_hot_p:
        p = [0.0] * length
        p[int(rng.integers(length))] = 1.0
    else:
        p = draw()
        while p == q:
            p = draw()
    return {"p": p, "q": q, "unit": unit}


def _validate_pq(p: dict) -> None:
    P.check_keys(p, ("p", "q", "unit"))
    P.one_of(p, "unit", UNITS)
    dist_p = D.distribution(p, "p")
    dist_q = D.distribution(p, "q", len(dist_p))
    D.support_covered(dist_p, dist_q)


def _solve_ce(p: dict) -> float:
    return clean(cross_entropy(p["p"], p["q"], _unit_bits(p)))


def _terms(p: dict, q: list[float], log: str) -> str:
    return " + ".join(f"{num(pi)} {log} {num(qi)}" for pi, qi in zip(p["p"], q) if pi > 0)


def _prompt_ce(p: dict) -> str:
    return (f"The true distribution over {len(p['p'])} classes is $p = {exact_vec(p['p'])}$ and the model "
            f"predicts $q = {exact_vec(p['q'])}$.\nCompute the cross-entropy $H(p, q)$ in {p['unit']}.")


def _solution_ce(p: dict) -> str:
    log = LOG[p["unit"]]
    return "\n".join([
        f"$H(p, q) = -\\sum_i p_i {log} q_i$ (terms with $p_i = 0$ drop out)",
        f"$= -({_terms(p, p['q'], log)})$",
        f"$= {num(_solve_ce(p))}$ {p['unit']}"])


def _swapped(p: dict):
    # H(q, p) is infinite where p_i = 0 < q_i; then the trap gives no number to recognise
    if any(pi == 0 and qi > 0 for pi, qi in zip(p["p"], p["q"])):
        return None
    return clean(cross_entropy(p["q"], p["p"], _unit_bits(p)))


CROSS_ENTROPY = Generator(
    id="ml.cross-entropy",
    title="Cross-entropy of two distributions",
    answer_kind=Real(),
    sample_params=lambda rng: _sample_pq(rng, one_hot_p=rng.random() < 0.4),
    validate_params=_validate_pq,
    solve=_solve_ce,
    prompt=_prompt_ce,
    solution=_solution_ce,
    hints=lambda p: [r"$H(p, q) = -\sum_i p_i \log q_i$: the true distribution weights the log of the model's.",
                     f"Work in {p['unit']}: use ${LOG[p['unit']]}$."],
    mistakes=(
        Mistake("wrong-log-base", r"Check the unit: nats use $\ln$, bits use $\log_2$.",
                lambda p: clean(cross_entropy(p["p"], p["q"], not _unit_bits(p)))),
        Mistake("swapped-arguments", r"$H(p, q) = -\sum p \log q$: $p$ (the truth) weights, $q$ (the model) "
                "goes in the log.",
                _swapped),
        Mistake("entropy-instead-of-cross-entropy", "That is $H(p)$, the entropy of $p$ alone; the cross-entropy "
                r"adds $\mathrm{KL}(p \,\|\, q)$.", lambda p: clean(entropy(p["p"], _unit_bits(p)))),
        Mistake("forgot-the-minus", r"Logs of probabilities are $\le 0$, so $H(p, q) = -\sum p \log q$ needs the minus.",
                lambda p: -_solve_ce(p)),
    ),
    tags=("loss", "cross-entropy", "information"),
)


# ---- H(p, q) = H(p) + KL(p‖q) ----------------------------------------------------------------

def _solve_relation(p: dict) -> dict:
    bits = _unit_bits(p)
    return {"entropy": clean(entropy(p["p"], bits)), "kl": clean(kl(p["p"], p["q"], bits)),
            "cross_entropy": clean(cross_entropy(p["p"], p["q"], bits))}


def _prompt_relation(p: dict) -> str:
    return (f"Let $p = {exact_vec(p['p'])}$ (the data) and $q = {exact_vec(p['q'])}$ (the model). In {p['unit']}, compute\n"
            "  entropy: $H(p)$\n  kl: $\\mathrm{KL}(p \\,\\|\\, q)$\n  cross_entropy: $H(p, q)$\n"
            "and check that $H(p, q) = H(p) + \\mathrm{KL}(p \\,\\|\\, q)$.")


def _solution_relation(p: dict) -> str:
    log, unit, a = LOG[p["unit"]], p["unit"], _solve_relation(p)
    ratios = " + ".join(f"{num(pi)} {log}({num(pi)}/{num(qi)})" for pi, qi in zip(p["p"], p["q"]) if pi > 0)
    return "\n".join([
        f"$H(p) = -\\sum_i p_i {log} p_i = -({_terms(p, p['p'], log)}) = {num(a['entropy'])}$ {unit}",
        f"$\\mathrm{{KL}}(p \\,\\|\\, q) = \\sum_i p_i {log}(p_i/q_i) = {ratios} = {num(a['kl'])}$ {unit}",
        f"$H(p, q) = -\\sum_i p_i {log} q_i = -({_terms(p, p['q'], log)}) = {num(a['cross_entropy'])}$ {unit}",
        f"Check: $H(p) + \\mathrm{{KL}}(p \\,\\|\\, q) = {num(a['entropy'])} + {num(a['kl'])} = "
        f"{num(a['entropy'] + a['kl'])} = H(p, q)$.",
        r"Minimising the cross-entropy over $q$ therefore minimises $\mathrm{KL}(p \,\|\, q)$: $H(p)$ does not "
        "depend on $q$."])


def _reversed_kl(p: dict):
    if any(pi == 0 and qi > 0 for pi, qi in zip(p["p"], p["q"])):
        return None
    return {**_solve_relation(p), "kl": clean(kl(p["q"], p["p"], _unit_bits(p)))}


def _other_unit(p: dict) -> dict:
    return _solve_relation({**p, "unit": "nats" if _unit_bits(p) else "bits"})


ENTROPY_KL_RELATION = Generator(
    id="ml.entropy-kl-relation",
    title="Cross-entropy as entropy plus KL divergence",
    answer_kind=Parts({"entropy": Real(), "kl": Real(), "cross_entropy": Real()}),
    sample_params=lambda rng: _sample_pq(rng, one_hot_p=False),
    validate_params=_validate_pq,
    solve=_solve_relation,
    prompt=_prompt_relation,
    solution=_solution_relation,
    hints=lambda p: [r"$\mathrm{KL}(p \,\|\, q) = \sum_i p_i \log(p_i/q_i)$: the expectation is under $p$, "
                     "the first argument.",
                     r"$H(p, q) - H(p) = \sum_i p_i (\log p_i - \log q_i) = \mathrm{KL}(p \,\|\, q)$."],
    mistakes=(
        Mistake("kl-reversed", r"KL is not symmetric: $\mathrm{KL}(p \,\|\, q)$ averages $\log(p/q)$ under $p$, "
                "not under $q$.",
                _reversed_kl),
        Mistake("wrong-log-base", r"Check the unit: nats use $\ln$, bits use $\log_2$.", _other_unit),
        Mistake("kl-sign-flipped", r"$\mathrm{KL}(p \,\|\, q) = \sum p \log(p/q) \ge 0$ (Gibbs' inequality); "
                "yours has the wrong sign.",
                lambda p: {**_solve_relation(p), "kl": -_solve_relation(p)["kl"]}),
        Mistake("entropy-of-q", "$H(p)$ is the entropy of the data distribution $p$, not of the model $q$.",
                lambda p: {**_solve_relation(p), "entropy": clean(entropy(p["q"], _unit_bits(p)))}),
    ),
    tags=("loss", "cross-entropy", "kl", "information"),
)

GENERATORS = [BCE, CROSS_ENTROPY, ENTROPY_KL_RELATION]
