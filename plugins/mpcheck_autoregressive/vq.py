"""Vector quantisation as in VQ-VAE: each encoder output is replaced by its nearest codebook vector.

    k*(i) = argmin_k ‖z_i − e_k‖²,    z_q,i = e_{k*(i)}

(van den Oord et al. 2017). Codebook vectors are numbered from 1, as e_1, …, e_K on paper; on a
tie the lower index wins, as ``torch.argmin`` does.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import num
from mpcheck_autoregressive import checks
from mpcheck_autoregressive.kinds import Indices
from mpcheck_autoregressive.latex import PARAM_DIGITS, paren, table

MAX_VECTORS = 16
MAX_DIM = 8
MAX_ENTRY = 1e6
NEAR = 1e-12  # scores this close (relative) may differ by float round-off only: compared exactly


def squared_distance(z: list[float], e: list[float]) -> float:
    # ‖z − e‖² = Σ_j (z_j − e_j)²
    return sum((a - b) ** 2 for a, b in zip(z, e))


def manhattan(z: list[float], e: list[float]) -> float:
    return sum(abs(a - b) for a, b in zip(z, e))


def neg_dot(z: list[float], e: list[float]) -> float:
    # the largest inner product z·e is the smallest −z·e
    return -sum(a * b for a, b in zip(z, e))


def nearest(z: list[float], codebook: list[list[float]], score=squared_distance) -> int:
    """1-based index of the best codebook vector; the first one on a tie."""
    return _best(z, codebook, score)[0] + 1


def has_tie(z: list[float], codebook: list[list[float]], score=squared_distance) -> bool:
    return len(_best(z, codebook, score)) > 1


def _best(z: list[float], codebook: list[list[float]], score) -> list[int]:
    """The 0-based indices of every best codebook vector, exactly: scores within float round-off
    of the best are compared again in exact fractions of the numbers as written (a tie between
    999999.7² and 999999.7² must not be lost to rounding, and 1e-9 apart is not a tie)."""
    values = [score(z, e) for e in codebook]
    best = min(values)
    near = [k for k, v in enumerate(values) if v - best <= NEAR * max(abs(best), abs(v))]
    if len(near) == 1:
        return near
    exact_z = [_decimal(a) for a in z]
    exact = {k: score(exact_z, [_decimal(b) for b in codebook[k]]) for k in near}
    lowest = min(exact.values())
    return [k for k in near if exact[k] == lowest]


def _decimal(x: float) -> Fraction:
    # the number as written in the prompt (0.3 is 3/10, not the binary float nearest to it)
    return Fraction(repr(float(x)))


def assign(p: dict, score=squared_distance) -> list[int]:
    return [nearest(z, p["codebook"], score) for z in p["z"]]


def _solve(p: dict) -> list[int]:
    return assign(p)


# --- params ----------------------------------------------------------------------------------

def _sample(rng) -> dict:
    while True:
        codebook = sampling.ints(rng, -3, 3, (sampling.pick(rng, [3, 3, 4]), 2))
        if any(a == b for a, b in itertools.combinations(codebook, 2)):
            continue  # two equal codebook vectors: every z near them would be a tie
        z = sampling.decimals(rng, -3, 3, 1, (sampling.pick(rng, [2, 3, 3, 4]), 2))
        if not any(has_tie(v, codebook) for v in z) and len(set(assign({"z": z, "codebook": codebook}))) > 1:
            return {"z": z, "codebook": codebook}


def _validate(p: dict) -> None:
    P.check_keys(p, ("z", "codebook"))
    codebook = checks.real_matrix(p, "codebook", max_dim=MAX_VECTORS, max_abs=MAX_ENTRY)
    if len(codebook[0]) > MAX_DIM:
        raise ParamsError(f"params: codebook vectors may have at most {MAX_DIM} entries")
    checks.real_matrix(p, "z", max_dim=MAX_VECTORS, max_abs=MAX_ENTRY, cols=len(codebook[0]))


# --- texts -----------------------------------------------------------------------------------

def _point(v: list[float]) -> str:
    return "(" + ", ".join(num(x, PARAM_DIGITS) for x in v) + ")"


def _listing(name: str, vectors: list[list[float]]) -> str:
    return ", ".join(f"${name}_{{{i}}} = {_point(v)}$" for i, v in enumerate(vectors, 1))


def _prompt(p: dict) -> str:
    return ("A VQ-VAE replaces each encoder output by its nearest codebook vector (Euclidean distance).\n"
            f"Codebook: {_listing('e', p['codebook'])}.\n"
            f"Encoder outputs: {_listing('z', p['z'])}.\n"
            "For each $z_i$ in turn, give the index $k$ of the codebook vector $e_k$ it is replaced by, "
            "as a list (where two are equally near, the lower index, as torch.argmin picks it).")


def _distance_terms(z: list[float], e: list[float]) -> str:
    return " + ".join(f"({num(a, PARAM_DIGITS)} - {paren(b, PARAM_DIGITS)})^2" for a, b in zip(z, e))


def _solution(p: dict) -> str:
    z, codebook, answer = p["z"], p["codebook"], _solve(p)
    lines = ["Squared distances $\\|z_i - e_k\\|^2$ (the square root does not change which is smallest), "
             f"for example ${_distance_terms(z[0], codebook[0])} = {num(squared_distance(z[0], codebook[0]))}$:"]
    header = [""] + [f"e_{{{k}}}" for k in range(1, len(codebook) + 1)]
    rows = [[f"z_{{{i}}}"] + [num(squared_distance(v, e)) for e in codebook] for i, v in enumerate(z, 1)]
    lines.append(table(header, rows))
    for i, (v, k) in enumerate(zip(z, answer), 1):
        tie = " (a tie: the lower index wins, as torch.argmin picks it)" if has_tie(v, codebook) else ""
        lines.append(f"$z_{{{i}}}$: smallest in column $e_{{{k}}}$, so $z_{{q,{i}}} = e_{{{k}}} = "
                     f"{_point(codebook[k - 1])}${tie}.")
    lines.append(f"Indices: $[{', '.join(map(str, answer))}]$.")
    return "\n".join(lines)


# --- mistakes --------------------------------------------------------------------------------

def _other_rule(score):
    """The assignment under another score, where it differs and has no tie of its own."""
    def answer(p: dict):
        if any(has_tie(v, p["codebook"], score) for v in p["z"]):
            return None
        wrong = assign(p, score)
        return None if wrong == _solve(p) else wrong
    return answer


VQ_ASSIGN = Generator(
    id="autoregressive.vq-assign",
    title="VQ-VAE: nearest codebook vector",
    answer_kind=Indices(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Compare squared Euclidean distances $\\|z_i - e_k\\|^2$; no square roots needed.",
                     "Codebook vectors are numbered from 1."],
    mistakes=(
        Mistake("largest-dot-product", "The nearest vector is not the one with the largest inner product "
                "$z \\cdot e_k$: that favours long codebook vectors. Compare $\\|z - e_k\\|^2$.",
                _other_rule(neg_dot)),
        Mistake("manhattan-distance", "VQ-VAE uses the Euclidean distance; summing absolute differences "
                "(the $L_1$ distance) can pick another vector.", _other_rule(manhattan)),
        Mistake("numbered-from-zero", "The codebook is numbered $e_1, \\dots, e_K$ here: your indices are "
                "one too small.", lambda p: [k - 1 for k in _solve(p)]),
    ),
    tags=("vq-vae", "codebook"),
)

GENERATORS = [VQ_ASSIGN]
