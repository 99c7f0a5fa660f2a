"""Parameters of autoregressive models of n binary variables, p(x) = Π_i p(x_i | x_<i).

    tabular:  conditional i is a table over the 2^(i−1) contexts x_<i, one Bernoulli each:
              2^(i−1) parameters, Σ_i 2^(i−1) = 2^n − 1 in total (the full joint table)
    FVSBN:    p(x_i = 1 | x_<i) = σ(α_0^(i) + Σ_{j<i} α_j^(i) x_j): i parameters, n(n+1)/2 in total
    NADE:     h_i = σ(b + W_{:,<i} x_<i), x̂_i = σ(c_i + V_i h_i), with W (d × n) shared by every
              conditional: W, b, V (n × d), c, i.e. 2nd + n + d in total (Larochelle & Murray 2011)
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Integer, Mistake

MODELS = ("tabular", "fvsbn", "nade")
MAX_TABULAR_N = 64       # 2^64 is already beyond any table; the count stays an exact integer
MAX_N = 100_000
MAX_HIDDEN = 100_000


# --- the counts ------------------------------------------------------------------------------

def tabular_conditional(i: int) -> int:
    # one Bernoulli parameter per context x_<i ∈ {0, 1}^(i−1)
    return 2 ** (i - 1)


def tabular_total(n: int) -> int:
    # Σ_{i=1}^{n} 2^(i−1) = 2^n − 1: the joint table minus the sum-to-one constraint
    return 2**n - 1


def fvsbn_conditional(i: int) -> int:
    # α_0^(i) and α_1^(i) … α_{i−1}^(i)
    return i


def fvsbn_total(n: int) -> int:
    # Σ_{i=1}^{n} i = n(n + 1)/2
    return n * (n + 1) // 2


def nade_total(n: int, d: int) -> int:
    # W ∈ R^{d×n}, b ∈ R^d, V ∈ R^{n×d}, c ∈ R^n
    return d * n + d + n * d + n


def count(p: dict) -> int:
    model, n, i = p["model"], p["n"], p.get("variable")
    if model == "nade":
        return nade_total(n, p["hidden"])
    if model == "tabular":
        return tabular_total(n) if i is None else tabular_conditional(i)
    return fvsbn_total(n) if i is None else fvsbn_conditional(i)


# --- params ----------------------------------------------------------------------------------

def _sample(rng) -> dict:
    model = sampling.pick(rng, list(MODELS))
    if model == "nade":
        n = sampling.pick(rng, [5, 8, 10, 20, 100, 784])
        return {"model": model, "n": n, "hidden": sampling.pick(rng, [3, 4, 10, 50, 100, 500])}
    n = sampling.ints(rng, 3, 10) if model == "tabular" else sampling.pick(rng, [4, 6, 10, 20, 100, 784])
    p = {"model": model, "n": n}
    if rng.random() < 0.4:
        p["variable"] = sampling.ints(rng, 2, min(n, 12))
    return p


def _validate(p: dict) -> None:
    model = P.one_of(p, "model", MODELS)
    if model == "nade":
        P.check_keys(p, ("model", "n", "hidden"))
        P.integer(p, "hidden", 1, MAX_HIDDEN)
    else:
        P.check_keys(p, ("model", "n"), optional=("variable",))
    n = P.integer(p, "n", 1, MAX_TABULAR_N if model == "tabular" else MAX_N)
    if "variable" in p:
        P.integer(p, "variable", 1, n)


# --- texts -----------------------------------------------------------------------------------

def _model_text(p: dict) -> str:
    if p["model"] == "tabular":
        return ("Each conditional $p(x_i \\mid x_{<i})$ is stored as a table: one probability "
                "$p(x_i = 1 \\mid x_{<i})$ for every value of the context $x_{<i}$.")
    if p["model"] == "fvsbn":
        return ("It is a fully visible sigmoid belief network (FVSBN): each conditional is a logistic "
                "regression $p(x_i = 1 \\mid x_{<i}) = \\sigma(\\alpha_0^{(i)} + \\sum_{j<i} \\alpha_j^{(i)} x_j)$ "
                "with its own parameters.")
    return (f"It is a NADE with a hidden layer of $d = {p['hidden']}$ units: "
            "$h_i = \\sigma(b + W_{:,<i}\\, x_{<i})$ and $p(x_i = 1 \\mid x_{<i}) = \\sigma(c_i + V_i h_i)$, "
            "where the weight matrix $W$ has one column per variable and is shared by all conditionals, "
            "$b$ is the hidden bias, $V_i$ the output weights and $c_i$ the output bias of conditional $i$.")


def _prompt(p: dict) -> str:
    n, i = p["n"], p.get("variable")
    question = ("How many parameters does it have in total?" if i is None else
                f"How many parameters does the conditional of $x_{{{i}}}$, $p(x_{{{i}}} \\mid x_{{<{i}}})$, have?")
    return (f"An autoregressive model of ${n}$ binary variables $x_1, \\dots, x_{{{n}}}$ factorises "
            f"$p(x) = \\prod_{{i=1}}^{{{n}}} p(x_i \\mid x_{{<i}})$.\n{_model_text(p)}\n{question}")


def _solution(p: dict) -> str:
    n, i = p["n"], p.get("variable")
    if p["model"] == "tabular" and i is not None:
        return "\n".join([
            f"The context $x_{{<{i}}}$ holds ${i - 1}$ binary variables: $2^{{{i - 1}}}$ possible values.",
            f"For each one a single number $p(x_{{{i}}} = 1 \\mid x_{{<{i}}})$ suffices, since "
            f"$p(x_{{{i}}} = 0 \\mid x_{{<{i}}}) = 1 - p(x_{{{i}}} = 1 \\mid x_{{<{i}}})$.",
            f"Parameters: $2^{{{i - 1}}} = {tabular_conditional(i)}$."])
    if p["model"] == "tabular":
        return "\n".join([
            "Conditional $i$ needs $2^{i-1}$ parameters, one per value of its context.",
            f"Total: $\\sum_{{i=1}}^{{{n}}} 2^{{i-1}} = 2^{{{n}}} - 1 = {tabular_total(n)}$.",
            f"The same as the full joint table: $2^{{{n}}}$ probabilities that must sum to 1, so "
            f"$2^{{{n}}} - 1$ free ones. The chain rule alone saves nothing."])
    if p["model"] == "fvsbn" and i is not None:
        return "\n".join([
            f"The logistic regression of $x_{{{i}}}$ reads the ${i - 1}$ earlier variables: "
            f"${i - 1}$ weights $\\alpha_1^{{({i})}}, \\dots, \\alpha_{{{i - 1}}}^{{({i})}}$.",
            f"Plus its bias $\\alpha_0^{{({i})}}$: ${i - 1} + 1 = {fvsbn_conditional(i)}$ parameters."])
    if p["model"] == "fvsbn":
        return "\n".join([
            "Conditional $i$ has $i - 1$ weights and one bias: $i$ parameters.",
            f"Total: $\\sum_{{i=1}}^{{{n}}} i = \\frac{{n(n+1)}}{{2}} = \\frac{{{n} \\cdot {n + 1}}}{{2}} = {fvsbn_total(n)}$.",
            "Quadratic in $n$ instead of exponential: the price is that each conditional is linear in "
            "the context before the sigmoid."])
    d = p["hidden"]
    return "\n".join([
        f"Shared hidden weights $W \\in \\mathbb{{R}}^{{{d} \\times {n}}}$: ${d} \\cdot {n} = {d * n}$; "
        f"hidden bias $b \\in \\mathbb{{R}}^{{{d}}}$: ${d}$.",
        f"Output weights $V \\in \\mathbb{{R}}^{{{n} \\times {d}}}$ (one row $V_i$ per conditional): "
        f"${n * d}$; output biases $c \\in \\mathbb{{R}}^{{{n}}}$: ${n}$.",
        f"Total: $2nd + n + d = 2 \\cdot {n} \\cdot {d} + {n} + {d} = {nade_total(n, d)}$.",
        "Sharing $W$ keeps the count linear in $n$, where separate weights per conditional would "
        "need $O(n^2 d)$. (The last column of $W$ is never read, but it belongs to $W$ and is counted, "
        "as in the NADE paper.)"])


def _hints(p: dict) -> list[str]:
    if p["model"] == "tabular":
        return ["A binary variable needs one number per context: $p(x_i = 0 \\mid \\cdot)$ follows from "
                "$p(x_i = 1 \\mid \\cdot)$.",
                "Count the possible contexts $x_{<i}$: $i - 1$ binary variables."]
    if p["model"] == "fvsbn":
        return ["A logistic regression on $m$ inputs has $m$ weights and one bias.",
                "Conditional $i$ reads the $i - 1$ variables before it."]
    return ["Count each of $W$, $b$, $V$ and $c$ separately; $W$ is shared, so it is counted once.",
            "$V_i$ maps the $d$ hidden units of conditional $i$ to one logit."]


# --- mistakes --------------------------------------------------------------------------------

def _only(model: str, per_variable: bool | None, value):
    """A mistake of one model (and of the total or the conditional question only, if given)."""
    def answer(p: dict):
        if p["model"] != model or (per_variable is not None and ("variable" in p) != per_variable):
            return None
        return value(p)
    return answer


MISTAKES = (
    Mistake("forgot-sum-to-one", "The $2^n$ entries of the joint table sum to 1, so only $2^n - 1$ are "
            "free: $\\sum_{i=1}^{n} 2^{i-1} = 2^n - 1$.",
            _only("tabular", False, lambda p: 2 ** p["n"])),
    Mistake("both-outcomes-counted", "For a binary $x_i$, $p(x_i = 0 \\mid x_{<i}) = 1 - p(x_i = 1 \\mid x_{<i})$: "
            "one parameter per context, $2^{i-1}$ for conditional $i$, not $2^i$.",
            _only("tabular", None, lambda p: 2 ** p["variable"] if "variable" in p else 2 ** (p["n"] + 1) - 2)),
    Mistake("independence-assumed", "That counts a fully factorised model $\\prod_i p(x_i)$ with one "
            "parameter per variable; the tabular chain rule conditions on every earlier variable.",
            _only("tabular", None, lambda p: 1 if "variable" in p else p["n"])),
    Mistake("forgot-bias", "Each logistic regression also has a bias $\\alpha_0^{(i)}$: conditional $i$ has "
            "$i$ parameters, $n(n+1)/2$ in total.",
            _only("fvsbn", None, lambda p: p["variable"] - 1 if "variable" in p else p["n"] * (p["n"] - 1) // 2)),
    Mistake("dense-weights", "Conditional $i$ may only read $x_{<i}$: it has $i - 1$ weights, not one "
            "for each of the $n$ variables.",
            _only("fvsbn", None, lambda p: p["n"] + 1 if "variable" in p else p["n"] * (p["n"] + 1))),
    Mistake("forgot-biases", "Add the biases: $d$ hidden biases $b$ and $n$ output biases $c$.",
            _only("nade", None, lambda p: 2 * p["n"] * p["hidden"])),
    Mistake("no-weight-sharing", "NADE shares one $W$ across all conditionals; separate weights "
            "$W^{(i)} \\in \\mathbb{R}^{d \\times (i-1)}$ and biases per conditional are what it avoids.",
            _only("nade", None, lambda p: p["hidden"] * p["n"] * (p["n"] + 1) // 2 + p["n"] * p["hidden"] + p["n"])),
)

PARAM_COUNT = Generator(
    id="autoregressive.param-count",
    title="Parameters of a tabular, FVSBN or NADE autoregressive model",
    answer_kind=Integer(),
    sample_params=_sample,
    validate_params=_validate,
    solve=count,
    prompt=_prompt,
    solution=_solution,
    hints=_hints,
    mistakes=MISTAKES,
    tags=("chain-rule", "fvsbn", "nade", "parameters"),
)

GENERATORS = [PARAM_COUNT]

