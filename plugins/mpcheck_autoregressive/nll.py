"""Negative log-likelihood of a sequence under an autoregressive model, the natural metric for it.

With teacher forcing the model sees the true prefix at every step, so the chain rule gives

    NLL(x) = −log p(x) = −Σ_t log p(x_t | x_<t),

summed over the steps or averaged per token, in nats (ln) or bits (log₂; bits per token is the
"bits per dimension" of image models).
"""

from __future__ import annotations

import math
import re

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Real
from mpcheck.errors import ParamsError
from mpcheck.text import num
from mpcheck_autoregressive import checks
from mpcheck_autoregressive.latex import PARAM_DIGITS, table, text

UNITS = ("nats", "bits")
REDUCTIONS = ("sum", "mean")
TOKEN = re.compile(r"[a-z]{1,10}")
MAX_VOCABULARY = 8
MAX_STEPS = 16
SUM_TOLERANCE = 1e-6


def log(x: float, unit: str) -> float:
    return math.log2(x) if unit == "bits" else math.log(x)


def observed(p: dict, pick=None) -> list[float]:
    """p(x_t | x_<t) of each observed token (or of the token ``pick(row)`` chooses)."""
    vocabulary = p["vocabulary"]
    if pick is None:
        return [row[vocabulary.index(token)] for row, token in zip(p["probabilities"], p["sequence"])]
    return [pick(row) for row in p["probabilities"]]


def nll(probs: list[float], unit: str, reduction: str) -> float:
    # NLL = −Σ_t log p(x_t | x_<t), divided by T for the per-token value
    total = -sum(log(q, unit) for q in probs)
    return total / len(probs) if reduction == "mean" else total


def _solve(p: dict) -> float:
    return nll(observed(p), p["unit"], p["reduction"])


# --- params ----------------------------------------------------------------------------------

def _row(rng, size: int) -> list[float]:
    # a random split of 10 tenths into `size` positive parts
    cuts = sorted(int(c) for c in rng.choice(range(1, 10), size=size - 1, replace=False))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 10])]
    return [x / 10 for x in parts]


def _sample(rng) -> dict:
    vocabulary = sampling.pick(rng, [["a", "b", "c"], ["a", "b", "c", "d"], ["cat", "dog", "sat"]])
    steps = sampling.ints(rng, 3, 4)
    rows = [_row(rng, len(vocabulary)) for _ in range(steps)]
    sequence = [sampling.pick(rng, vocabulary) for _ in range(steps)]
    return {"vocabulary": vocabulary, "sequence": sequence, "probabilities": rows,
            "unit": sampling.pick(rng, list(UNITS)), "reduction": sampling.pick(rng, list(REDUCTIONS))}


def _validate(p: dict) -> None:
    P.check_keys(p, ("vocabulary", "sequence", "probabilities", "unit", "reduction"))
    P.one_of(p, "unit", UNITS)
    P.one_of(p, "reduction", REDUCTIONS)
    vocabulary, sequence = p["vocabulary"], p["sequence"]
    if (not isinstance(vocabulary, list) or not 2 <= len(vocabulary) <= MAX_VOCABULARY
            or not all(isinstance(v, str) and TOKEN.fullmatch(v) for v in vocabulary)
            or len(set(vocabulary)) != len(vocabulary)):
        raise ParamsError(f"params: 'vocabulary' must be 2 to {MAX_VOCABULARY} different words of 1 to 10 "
                          "lowercase letters")
    if (not isinstance(sequence, list) or not 1 <= len(sequence) <= MAX_STEPS
            or not all(isinstance(t, str) and t in vocabulary for t in sequence)):
        raise ParamsError(f"params: 'sequence' must be 1 to {MAX_STEPS} words of the vocabulary")
    rows = checks.real_matrix(p, "probabilities", max_dim=max(MAX_STEPS, MAX_VOCABULARY), max_abs=1.0,
                              rows=len(sequence), cols=len(vocabulary))
    for t, row in enumerate(rows, 1):
        if any(q < 0 for q in row) or abs(sum(row) - 1) > SUM_TOLERANCE:
            raise ParamsError(f"params: row {t} of 'probabilities' must be a distribution (entries ≥ 0, sum 1)")
    if any(q <= 0 for q in observed(p)):
        raise ParamsError("params: an observed word has probability 0: its NLL is infinite")


# --- texts -----------------------------------------------------------------------------------

def _words(tokens: list[str]) -> str:
    return "$" + "\\ ".join(text(t) for t in tokens) + "$"


def _prompt(p: dict) -> str:
    header = ["t", "x_t"] + [f"p({text(v)})" for v in p["vocabulary"]]
    rows = [[str(t), text(token)] + [num(q, PARAM_DIGITS) for q in row]
            for t, (token, row) in enumerate(zip(p["sequence"], p["probabilities"]), 1)]
    how = "summed over the sequence" if p["reduction"] == "sum" else "averaged per token"
    return ("An autoregressive model is evaluated on the sequence "
            f"{_words(p['sequence'])} with teacher forcing: at step $t$ it is given the true prefix "
            "$x_{<t}$, and row $t$ below is its distribution $p(x_t \\mid x_{<t})$ over the vocabulary.\n"
            + table(header, rows) + "\n"
            f"Compute the negative log-likelihood, {how}, in {p['unit']}.")


def _solution(p: dict) -> str:
    probs, unit = observed(p), p["unit"]
    name = "\\log_2" if unit == "bits" else "\\ln"
    steps = len(probs)
    total = -sum(log(q, unit) for q in probs)
    terms = " + ".join(f"{name} {num(q, PARAM_DIGITS)}" for q in probs)
    each = " + ".join(num(-log(q, unit)) for q in probs)
    lines = ["By the chain rule, $-\\log p(x) = -\\sum_t \\log p(x_t \\mid x_{<t})$: read off the probability "
             "of the word actually observed at each step.",
             f"Observed: ${', '.join(num(q, PARAM_DIGITS) for q in probs)}$.",
             f"$-({terms}) = {each} = {num(total)}$ {unit}."]
    if p["reduction"] == "mean":
        lines.append(f"Per token: ${num(total)} / {steps} = {num(total / steps)}$ {unit}.")
    if unit == "bits":
        lines.append("(Bits use $\\log_2$; $\\log_2 q = \\ln q / \\ln 2$.)")
    return "\n".join(lines)


# --- mistakes --------------------------------------------------------------------------------

def _with(p: dict, **changes) -> dict:
    return {**p, **changes}


def _most_likely(p: dict) -> float | None:
    wrong = observed(p, pick=max)
    return None if wrong == observed(p) else nll(wrong, p["unit"], p["reduction"])


SEQUENCE_NLL = Generator(
    id="autoregressive.sequence-nll",
    title="Negative log-likelihood of a sequence (teacher forcing)",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["$-\\log p(x) = -\\sum_t \\log p(x_t \\mid x_{<t})$: one term per step.",
                     "Use the probability of the observed word in each row, whatever the model liked best."],
    mistakes=(
        Mistake("wrong-log-base", "Mind the unit: nats use $\\ln$, bits use $\\log_2$ "
                "($1$ nat $= 1/\\ln 2 \\approx 1.443$ bits).",
                lambda p: _solve(_with(p, unit="bits" if p["unit"] == "nats" else "nats"))),
        Mistake("sign-flipped", "That is the log-likelihood; the NLL is its negative, which is $\\ge 0$.",
                lambda p: -_solve(p)),
        Mistake("sum-mean-swapped", "Check the reduction: the total sums the per-step terms, the per-token "
                "value divides that sum by the number of steps.",
                lambda p: None if len(p["sequence"]) == 1 else
                _solve(_with(p, reduction="mean" if p["reduction"] == "sum" else "sum"))),
        Mistake("most-likely-token", "The likelihood scores the observed word at each step, not the one the "
                "model found most likely.", _most_likely),
    ),
    tags=("nll", "teacher-forcing", "chain-rule"),
)

GENERATORS = [SEQUENCE_NLL]
