"""Scaled dot-product attention by hand, with or without the causal mask.

    O = softmax(Q Kᵀ / √d_k + M) V,    M_ij = −∞ if j > i (causal) else 0,

the softmax taken over each row (over the keys, for one query at a time). Q is T_q × d_k, K is
T_k × d_k and V is T_k × d_v. The causal mask is aligned at the top left, as PyTorch's
``F.scaled_dot_product_attention(..., is_causal=True)`` aligns it: query i sees keys 0..i.
"""

from __future__ import annotations

import functools
import math
import operator

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake, tidy_rows
from mpcheck.errors import ParamsError
from mpcheck.text import bmatrix, num
from mpcheck_autoregressive import checks
from mpcheck_autoregressive.latex import PARAM_DIGITS, display, matrix_display

Rows = list[list[float]]
MAX_TOKENS = 8
MAX_DIM = 8
MAX_ENTRY = 1e4
NEG_INF = float("-inf")


# --- the arithmetic --------------------------------------------------------------------------

def matmul(a: Rows, b: Rows) -> Rows:
    columns = list(zip(*b))
    return [[sum(map(operator.mul, row, col)) for col in columns] for row in a]


def transpose(a: Rows) -> Rows:
    return [list(col) for col in zip(*a)]


def softmax(row: list[float]) -> list[float] | None:
    # softmax(z)_j = e^(z_j − max z) / Σ e^(z_l − max z); masked entries (−∞) get weight 0
    top = max(row)
    if top == NEG_INF:
        return None  # every entry masked: the weights are undefined
    exps = [math.exp(z - top) for z in row]
    total = sum(exps)
    return [e / total for e in exps]


def causal_mask(rows: int, cols: int, anti: bool = False) -> list[list[bool]]:
    """True where the entry is hidden: the future (j > i), or with ``anti`` the past (j < i)."""
    return [[(j < i) if anti else (j > i) for j in range(cols)] for i in range(rows)]


def scores(q: Rows, k: Rows, scale: float, hidden: list[list[bool]] | None) -> Rows:
    # S = Q Kᵀ · scale, then −∞ where the mask hides the key
    s = [[v * scale for v in row] for row in matmul(q, transpose(k))]
    if hidden:
        s = [[NEG_INF if h else v for v, h in zip(row, mask_row)] for row, mask_row in zip(s, hidden)]
    return s


def weights(s: Rows, over_queries: bool = False) -> Rows | None:
    """Softmax of each row (over the keys), or of each column with ``over_queries``."""
    rows = transpose(s) if over_queries else s
    soft = [softmax(row) for row in rows]
    if any(r is None for r in soft):
        return None
    return transpose(soft) if over_queries else soft


def attend(q: Rows, k: Rows, v: Rows, causal: bool, *, scale: float | None = None, over_queries: bool = False,
           mask: str = "future") -> Rows | None:
    """softmax(Q Kᵀ · scale + M) V; ``mask`` "future" (causal), "past" (the wrong triangle) or "none"."""
    scale = 1 / math.sqrt(len(q[0])) if scale is None else scale
    frozen = tuple(tuple(tuple(row) for row in m) for m in (q, k, v))
    out = _attend(*frozen, causal and mask != "none", scale, over_queries, mask == "past")
    return None if out is None else [list(row) for row in out]


@functools.lru_cache(maxsize=512)
def _attend(q, k, v, masked: bool, scale: float, over_queries: bool, hide_past: bool) -> Rows | None:
    # the grading looks at each trap's answer more than once: remember the last few
    hidden = causal_mask(len(q), len(k), anti=hide_past) if masked else None
    a = weights(scores(q, k, scale, hidden), over_queries)
    # float noise off relative to the largest entry: an output near 0 everywhere keeps its digits
    return None if a is None else tuple(map(tuple, tidy_rows(matmul(a, v))))


def _solve(p: dict) -> Rows:
    return attend(p["Q"], p["K"], p["V"], p["causal"])


# --- params ----------------------------------------------------------------------------------

def _sample(rng) -> dict:
    while True:
        t = sampling.pick(rng, [2, 3, 3])
        causal = bool(rng.random() < 0.5)
        t_k = t if causal or rng.random() < 0.8 else sampling.pick(rng, [2, 3, 4])
        d_k = sampling.pick(rng, [2, 2, 4])
        d_v = sampling.pick(rng, [1, 2, 2])
        p = {"Q": sampling.ints(rng, -2, 2, (t, d_k)), "K": sampling.ints(rng, -2, 2, (t_k, d_k)),
             "V": sampling.ints(rng, -3, 3, (t_k, d_v)), "causal": causal}
        # every column of V varied and every query scoring its keys differently: the weights matter
        varied_v = all(len(set(col)) > 1 for col in zip(*p["V"]))
        varied_s = all(len(set(row)) > 1 for row in matmul(p["Q"], transpose(p["K"])))
        if varied_v and varied_s:
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, ("Q", "K", "V", "causal"))
    q = checks.real_matrix(p, "Q", max_dim=MAX_DIM, max_abs=MAX_ENTRY)
    k = checks.real_matrix(p, "K", max_dim=MAX_DIM, max_abs=MAX_ENTRY, cols=len(q[0]))
    checks.real_matrix(p, "V", max_dim=MAX_DIM, max_abs=MAX_ENTRY, rows=len(k))
    P.boolean(p, "causal")
    if len(q) > MAX_TOKENS or len(k) > MAX_TOKENS:
        raise ParamsError(f"params: at most {MAX_TOKENS} queries and keys")


# --- texts -----------------------------------------------------------------------------------

def _mask_text(p: dict) -> str:
    if p["causal"]:
        return ("$M$ is the causal mask: $M_{ij} = -\\infty$ for $j > i$ (query $i$ may not look at later "
                "keys), $0$ otherwise")
    return "there is no mask ($M = 0$)"


def _prompt(p: dict) -> str:
    q, k, v = p["Q"], p["K"], p["V"]
    return (f"Scaled dot-product attention with {len(q)} queries, {len(k)} keys and $d_k = {len(q[0])}$:\n"
            + display(f"Q = {bmatrix(q, PARAM_DIGITS)}, \\quad K = {bmatrix(k, PARAM_DIGITS)}, "
                    f"\\quad V = {bmatrix(v, PARAM_DIGITS)}") + "\n"
            f"Compute the output $O = \\mathrm{{softmax}}\\left(\\frac{{Q K^\\top}}{{\\sqrt{{d_k}}}} + M\\right) V$, "
            f"where {_mask_text(p)}.")


def _entries(row: list[float]) -> str:
    return ", ".join("-\\infty" if x == NEG_INF else num(x) for x in row)


def _solution(p: dict) -> str:
    q, k, d = p["Q"], p["K"], len(p["Q"][0])
    scale = 1 / math.sqrt(d)
    raw = matmul(q, transpose(k))
    hidden = causal_mask(len(q), len(k)) if p["causal"] else None
    s = scores(q, k, scale, hidden)
    a = weights(s)
    root = f"\\sqrt{{{d}}}" if math.isqrt(d) ** 2 != d else str(math.isqrt(d))
    lines = ["Scores, one row per query and one column per key: $S_{ij} = q_i \\cdot k_j$.",
             matrix_display("Q K^\\top", raw),
             f"Divide by $\\sqrt{{d_k}} = {root}" + ("" if root == str(math.isqrt(d)) else f" \\approx {num(math.sqrt(d))}")
             + "$, so that the scores do not grow with the dimension:",
             matrix_display(f"\\frac{{Q K^\\top}}{{{root}}}", [[x * scale for x in row] for row in raw])]
    if hidden:
        lines.append("Add the causal mask: the entries above the diagonal ($j > i$) become $-\\infty$, "
                     "so their weights are $e^{-\\infty} = 0$.")
    lines.append("Softmax over each row (each query's weights over the keys sum to 1):")
    for i, (row, w) in enumerate(zip(s, a), 1):
        lines.append(f"$a_{{{i}}} = \\mathrm{{softmax}}([{_entries(row)}]) = [{_entries(w)}]$")
    lines.append("Each output row is the weighted average of the value rows, $O = A V$:")
    lines.append(matrix_display("O", _solve(p)))
    return "\n".join(lines)


def _hints(p: dict) -> list[str]:
    hints = ["Compute $Q K^\\top$ first: entry $(i, j)$ is the dot product of query $i$ and key $j$.",
             "Divide by $\\sqrt{d_k}$, then take the softmax of each row (over the keys)."]
    if p["causal"]:
        hints.append("Query $i$ may look at keys $j \\le i$ only: itself and the past.")
    return hints


# --- mistakes --------------------------------------------------------------------------------

def _when(condition, value):
    return lambda p: value(p) if condition(p) else None


def _square(p: dict) -> bool:
    return len(p["Q"]) == len(p["K"])


MISTAKES = (
    Mistake("forgot-sqrt-d", "You left out the scaling: divide the scores by $\\sqrt{d_k}$ before the softmax.",
            _when(lambda p: len(p["Q"][0]) > 1, lambda p: attend(p["Q"], p["K"], p["V"], p["causal"], scale=1.0))),
    Mistake("divided-by-d", "The scores are divided by $\\sqrt{d_k}$, not by $d_k$: that keeps their variance "
            "at 1 when the entries have unit variance.",
            _when(lambda p: len(p["Q"][0]) > 1,
                  lambda p: attend(p["Q"], p["K"], p["V"], p["causal"], scale=1 / len(p["Q"][0])))),
    Mistake("softmax-over-queries", "The softmax runs over each row, i.e. over the keys: each query's weights "
            "sum to 1. You normalised each column (over the queries).",
            lambda p: attend(p["Q"], p["K"], p["V"], p["causal"], over_queries=True)),
    Mistake("keys-queries-swapped", "You computed $K Q^\\top$: rows of the score matrix belong to the queries, "
            "columns to the keys, $S = Q K^\\top$.",
            _when(_square, lambda p: attend(p["K"], p["Q"], p["V"], p["causal"]))),
    Mistake("causal-mask-ignored", "The causal mask hides the later keys: set $S_{ij} = -\\infty$ for $j > i$ "
            "before the softmax.",
            _when(lambda p: p["causal"], lambda p: attend(p["Q"], p["K"], p["V"], True, mask="none"))),
    Mistake("mask-wrong-triangle", "You hid the past instead of the future: query $i$ sees keys $j \\le i$, "
            "so the $-\\infty$ go above the diagonal.",
            _when(lambda p: p["causal"], lambda p: attend(p["Q"], p["K"], p["V"], True, mask="past"))),
)

ATTENTION = Generator(
    id="autoregressive.attention",
    title="Scaled dot-product attention (causal or not)",
    answer_kind=Matrix(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=_hints,
    mistakes=MISTAKES,
    tags=("attention", "transformer", "softmax"),
    difficulty=2,
)

GENERATORS = [ATTENTION]
