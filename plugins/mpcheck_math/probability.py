"""Two probability tools of the appendix: sums of independent Gaussians, and Bayes' rule.

    X ~ N(μ_1, σ_1²), Y ~ N(μ_2, σ_2²) independent  ⇒  aX + bY + c ~ N(aμ_1 + bμ_2 + c, a²σ_1² + b²σ_2²)
    p(D | r) = p(r | D) p(D) / (p(r | D) p(D) + p(r | ¬D) p(¬D))
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck.text import EXACT_DIGITS, exact, num
from mpcheck_math.formatting import paren as _paren
from mpcheck_math.formatting import signed as _signed

MAX_VALUE = 1e4


# --- sum of independent Gaussians --------------------------------------------------------------

GAUSSIAN_KEYS = ("mu1", "sigma1", "mu2", "sigma2", "a", "b", "c")


# E[aX + bY + c] = a μ_1 + b μ_2 + c
def sum_mean(p: dict) -> float:
    return p["a"] * p["mu1"] + p["b"] * p["mu2"] + p["c"]


# Var[aX + bY + c] = a² σ_1² + b² σ_2²   (independence: no covariance term; c shifts only)
def sum_variance(p: dict) -> float:
    return p["a"] ** 2 * p["sigma1"] ** 2 + p["b"] ** 2 * p["sigma2"] ** 2


def _gaussian_solve(p: dict) -> dict:
    return {"mean": sum_mean(p), "variance": sum_variance(p)}


def _gaussian_sample(rng) -> dict:
    return {"mu1": float(sampling.ints(rng, -3, 3)), "sigma1": sampling.pick(rng, [0.5, 1.5, 2.0, 3.0]),
            "mu2": float(sampling.ints(rng, -3, 3)), "sigma2": sampling.pick(rng, [0.5, 2.0, 2.5, 4.0]),
            "a": float(sampling.pick(rng, [-2, -1, 2, 3])), "b": float(sampling.pick(rng, [-3, -1, 2, 0.5])),
            "c": float(sampling.ints(rng, -4, 4))}


def _gaussian_validate(p: dict) -> None:
    P.check_keys(p, GAUSSIAN_KEYS)
    for key in ("mu1", "mu2", "a", "b", "c"):
        P.real(p, key, -MAX_VALUE, MAX_VALUE)
    for key in ("sigma1", "sigma2"):
        P.real(p, key, 0, MAX_VALUE, strict_lo=True)
    if p["a"] == 0 and p["b"] == 0:
        raise ParamsError("params: with a = b = 0 the sum is the constant c, not a Gaussian")


def _term(coefficient: float, name: str, first: bool) -> str:
    """``2X``, ``- Y``, ``+ 0.5Y``: one term of a linear combination."""
    size = "" if abs(coefficient) == 1 else num(abs(coefficient), EXACT_DIGITS)
    sign = "-" if coefficient < 0 else ("" if first else "+")
    return f"{sign}{size}{name}" if first else f" {sign} {size}{name}"


def _z(p: dict) -> str:
    return (_term(p["a"], "X", True) + _term(p["b"], "Y", False)
            + (f" {_signed(p['c'], EXACT_DIGITS)}" if p["c"] else ""))


def _gaussian_prompt(p: dict) -> str:
    return (f"$X \\sim \\mathcal{{N}}({exact(p['mu1'])}, {exact(p['sigma1'])}^2)$ and "
            f"$Y \\sim \\mathcal{{N}}({exact(p['mu2'])}, {exact(p['sigma2'])}^2)$ are independent "
            "(the second parameter is the variance, written as a squared standard deviation).\n"
            f"$Z = {_z(p)}$ is Gaussian too. Give its mean and its variance.")


def _gaussian_solution(p: dict) -> str:
    a, b = p["a"], p["b"]
    return "\n".join([
        "Means add linearly: "
        f"$\\mathbb{{E}}[Z] = {_paren(a)} \\cdot {_paren(p['mu1'])} + {_paren(b)} \\cdot {_paren(p['mu2'])} "
        f"+ {_paren(p['c'])} = {num(sum_mean(p), 6)}$.",
        "For independent variables the variances of the scaled terms add, and a constant shifts nothing:",
        f"$$\\mathrm{{Var}}[Z] = a^2 \\sigma_1^2 + b^2 \\sigma_2^2 = {_paren(a)}^2 \\cdot {num(p['sigma1'])}^2 + "
        f"{_paren(b)}^2 \\cdot {num(p['sigma2'])}^2 = {num(sum_variance(p), 6)}$$",
        "Note that a negative coefficient still adds variance: $\\mathrm{Var}[X - Y] = \\mathrm{Var}[X] + \\mathrm{Var}[Y]$."])


GAUSSIAN_SUM = Generator(
    id="math.gaussian-sum",
    title="A linear combination of independent Gaussians",
    answer_kind=Parts({"mean": Real(), "variance": Real()}),
    sample_params=_gaussian_sample,
    validate_params=_gaussian_validate,
    solve=_gaussian_solve,
    prompt=_gaussian_prompt,
    solution=_gaussian_solution,
    hints=lambda p: ["The mean of $aX + bY + c$ is $a\\mu_1 + b\\mu_2 + c$.",
                     "Independent: $\\mathrm{Var}[aX + bY] = a^2\\,\\mathrm{Var}[X] + b^2\\,\\mathrm{Var}[Y]$."],
    mistakes=(
        Mistake("added-standard-deviations", "Standard deviations do not add; variances of independent "
                "variables do: $\\mathrm{Var}[Z] = a^2\\sigma_1^2 + b^2\\sigma_2^2$.",
                lambda p: {"variance": (abs(p["a"]) * p["sigma1"] + abs(p["b"]) * p["sigma2"]) ** 2}),
        Mistake("coefficients-not-squared", "Scaling by $a$ scales the variance by $a^2$ (and a negative "
                "coefficient still adds variance).",
                lambda p: {"variance": p["a"] * p["sigma1"] ** 2 + p["b"] * p["sigma2"] ** 2}),
        Mistake("gave-the-standard-deviation", "That is the standard deviation of $Z$; the variance is its square.",
                lambda p: {"variance": math.sqrt(sum_variance(p))}),
        Mistake("sigma-read-as-variance", "$\\mathcal{N}(\\mu, \\sigma^2)$: the numbers given are standard "
                "deviations, so square them.",
                lambda p: {"variance": p["a"] ** 2 * p["sigma1"] + p["b"] ** 2 * p["sigma2"]}),
        Mistake("forgot-the-offset", "The constant $c$ shifts the mean.",
                lambda p: {"mean": sum_mean(p) - p["c"]} if p["c"] else None),
    ),
    tags=("probability", "gaussian"),
    difficulty=1,
)


# --- Bayes' rule -------------------------------------------------------------------------------

BAYES_KEYS = ("prior", "sensitivity", "false_positive_rate", "result")


def likelihoods(p: dict) -> tuple[float, float]:
    """(p(r | D), p(r | ¬D)) for the observed result r."""
    if p["result"] == "positive":
        return p["sensitivity"], p["false_positive_rate"]
    return 1 - p["sensitivity"], 1 - p["false_positive_rate"]


# p(D | r) = p(r | D) p(D) / p(r),  p(r) = p(r | D) p(D) + p(r | ¬D) (1 − p(D))
def posterior(p: dict) -> float:
    given_d, given_not_d = likelihoods(p)
    evidence = given_d * p["prior"] + given_not_d * (1 - p["prior"])
    return given_d * p["prior"] / evidence


def _bayes_sample(rng) -> dict:
    return {"prior": sampling.pick(rng, [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]),
            "sensitivity": sampling.pick(rng, [0.8, 0.9, 0.95, 0.99]),
            "false_positive_rate": sampling.pick(rng, [0.02, 0.05, 0.1, 0.2]),
            "result": sampling.pick(rng, ["positive", "positive", "negative"])}


def _bayes_validate(p: dict) -> None:
    P.check_keys(p, BAYES_KEYS)
    P.real(p, "prior", 0, 1, strict_lo=True)
    if p["prior"] >= 1:
        raise ParamsError("params: 'prior' must be below 1 (with p(D) = 1 there is nothing to infer)")
    for key in ("sensitivity", "false_positive_rate"):
        P.real(p, key, 0, 1)
    P.one_of(p, "result", ("positive", "negative"))
    if likelihoods(p)[0] == 0:
        raise ParamsError("params: the observed result is impossible under D, so p(D | result) = 0 trivially; "
                          "choose a likelihood above 0")


def _bayes_prompt(p: dict) -> str:
    sign = "+" if p["result"] == "positive" else "-"
    return (f"A condition $D$ has prevalence $p(D) = {exact(p['prior'])}$. A test detects it with "
            f"$p(+ \\mid D) = {exact(p['sensitivity'])}$ and gives false alarms with "
            f"$p(+ \\mid \\neg D) = {exact(p['false_positive_rate'])}$.\n"
            f"The test comes back {p['result']} (${sign}$). What is $p(D \\mid {sign})$?")


def _bayes_solution(p: dict) -> str:
    sign = "+" if p["result"] == "positive" else "-"
    given_d, given_not_d = likelihoods(p)
    joint, other = given_d * p["prior"], given_not_d * (1 - p["prior"])
    lines = []
    if p["result"] == "negative":
        lines.append(f"For a negative result, $p(- \\mid D) = 1 - {num(p['sensitivity'])} = {num(given_d)}$ and "
                     f"$p(- \\mid \\neg D) = 1 - {num(p['false_positive_rate'])} = {num(given_not_d)}$.")
    lines += [
        f"Evidence: $p({sign}) = p({sign} \\mid D)\\,p(D) + p({sign} \\mid \\neg D)\\,p(\\neg D) = "
        f"{num(given_d)} \\cdot {num(p['prior'])} + {num(given_not_d)} \\cdot {num(1 - p['prior'])} = "
        f"{num(joint, 6)} + {num(other, 6)} = {num(joint + other, 6)}$.",
        f"Bayes' rule: $p(D \\mid {sign}) = \\frac{{p({sign} \\mid D)\\,p(D)}}{{p({sign})}} = "
        f"\\frac{{{num(joint, 6)}}}{{{num(joint + other, 6)}}} = {num(posterior(p), 6)}$."]
    if p["result"] == "positive" and posterior(p) < 0.5:
        lines.append("Most positives are false alarms here: the condition is rare, so the few true positives are "
                     "outnumbered by false alarms among the many healthy.")
    return "\n".join(lines)


def _base_rate_neglect(p: dict) -> float:
    given_d, given_not_d = likelihoods(p)
    return given_d / (given_d + given_not_d)


BAYES = Generator(
    id="math.bayes",
    title="Bayes' rule: a diagnostic test",
    answer_kind=Real(),
    sample_params=_bayes_sample,
    validate_params=_bayes_validate,
    solve=posterior,
    prompt=_bayes_prompt,
    solution=_bayes_solution,
    hints=lambda p: ["$p(D \\mid r) = p(r \\mid D)\\,p(D) / p(r)$.",
                     "$p(r)$ sums over both cases: with and without the condition."],
    mistakes=(
        Mistake("confused-the-conditionals", "$p(r \\mid D)$ is how the test behaves given the condition; the "
                "question asks the reverse, $p(D \\mid r)$.", lambda p: likelihoods(p)[0]),
        Mistake("base-rate-neglect", "You left out the prior $p(D)$: a rare condition makes most positives "
                "false alarms.", _base_rate_neglect),
        Mistake("forgot-the-evidence", "$p(r \\mid D)\\,p(D)$ is the joint probability; divide by $p(r)$ to "
                "condition on the result.", lambda p: likelihoods(p)[0] * p["prior"]),
        Mistake("dropped-the-false-alarms", "$p(r)$ also counts results from people without the condition: "
                "$p(r \\mid \\neg D)\\,p(\\neg D)$.",
                lambda p: 1.0 if likelihoods(p)[1] else None),
    ),
    tags=("probability", "bayes"),
    difficulty=1,
)

GENERATORS = [GAUSSIAN_SUM, BAYES]
