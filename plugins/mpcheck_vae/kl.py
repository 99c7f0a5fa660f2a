"""KL divergence: between diagonal Gaussians (★ vae.kl-gaussians) and between discrete
distributions, both directions (vae.kl-discrete: KL is not symmetric).

    KL(q ‖ p) = E_q[log q(x) − log p(x)] ≥ 0, zero only when q = p.
"""

from __future__ import annotations

import math

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Real
from mpcheck.errors import ParamsError
from mpcheck.text import exact_vec, num
from mpcheck_ml.distributions import distribution, tenths
from mpcheck_vae.gaussians import kl, kl_formula, kl_lines, means, sigmas

KEYS = ("mu_q", "sigma_q", "mu_p", "sigma_p")
#: the sampler keeps answers well away from 0, where a relative tolerance means little
SMALLEST_SAMPLED_KL = 0.05


def is_standard(p: dict) -> bool:
    return all(m == 0 for m in p["mu_p"]) and all(s == 1 for s in p["sigma_p"])


def _solve(p: dict) -> float:
    return kl(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"])


def _slip(**switches):
    return lambda p: kl(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"], **switches)


def _swapped(p: dict) -> float:
    return kl(p["mu_p"], p["sigma_p"], p["mu_q"], p["sigma_q"])


def _averaged(p: dict) -> float | None:
    d = len(p["mu_q"])
    return _solve(p) / d if d > 1 else None


def _without_means(p: dict) -> float | None:
    if all(a == b for a, b in zip(p["mu_q"], p["mu_p"])):
        return None
    return kl(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"], mean_term=False)


def _sample(rng) -> dict:
    d = sampling.pick(rng, [1, 2, 2, 3])
    sigma = lambda: sampling.pick(rng, [0.5, 0.8, 1.2, 1.5, 2.0, 0.4, 2.5, 0.6])  # noqa: E731
    while True:
        p = {"mu_q": sampling.decimals(rng, -1.5, 1.5, 1, d), "sigma_q": [sigma() for _ in range(d)]}
        if rng.random() < 0.4:  # the VAE's case: the prior N(0, I)
            p.update(mu_p=[0.0] * d, sigma_p=[1.0] * d)
        else:
            p.update(mu_p=sampling.decimals(rng, -1.5, 1.5, 1, d), sigma_p=[sigma() for _ in range(d)])
        if _solve(p) >= SMALLEST_SAMPLED_KL:
            return p


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    d = len(means(p, "mu_q"))
    sigmas(p, "sigma_q", d)
    means(p, "mu_p", d)
    sigmas(p, "sigma_p", d)


def _describe(name: str, mu: list, sigma: list) -> str:
    return (f"${name} = \\mathcal{{N}}(\\mu_{name}, \\operatorname{{diag}}(\\sigma_{name}^2))$ with "
            f"$\\mu_{name} = {exact_vec(mu)}$ and $\\sigma_{name} = {exact_vec(sigma)}$")


def _prompt(p: dict) -> str:
    d = len(p["mu_q"])
    prior = (f"$p = \\mathcal{{N}}(0, I)$ (the VAE prior: $\\mu_p = {exact_vec(p['mu_p'])}$, "
             f"$\\sigma_p = {exact_vec(p['sigma_p'])}$)" if is_standard(p)
             else _describe("p", p["mu_p"], p["sigma_p"]))
    return (f"Two Gaussians on $\\mathbb{{R}}^{{{d}}}$ with diagonal covariances: "
            f"{_describe('q', p['mu_q'], p['sigma_q'])}, and {prior}. "
            "The $\\sigma$ are standard deviations.\n"
            "Compute $\\mathrm{KL}(q \\,\\|\\, p)$ in nats.")


def _solution(p: dict) -> str:
    lines = ["The coordinates are independent under both Gaussians, so the KL divergence is a sum "
             "of one-dimensional ones:", kl_formula(), *kl_lines(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"])]
    if is_standard(p):
        lines.append("Against $\\mathcal{N}(0, I)$ this is the VAE regulariser "
                     "$-\\frac{1}{2}\\sum_j (1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2)$: the same number.")
    return "\n".join(lines)


KL_GAUSSIANS = Generator(
    id="vae.kl-gaussians",
    title="KL divergence between diagonal Gaussians",
    answer_kind=Real(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: [
        "Diagonal Gaussians factorise over the coordinates: compute one KL per coordinate and add them.",
        "In one dimension $\\mathrm{KL}(q \\,\\|\\, p) = \\log\\frac{\\sigma_p}{\\sigma_q} + "
        "\\frac{\\sigma_q^2 + (\\mu_q - \\mu_p)^2}{2\\sigma_p^2} - \\frac{1}{2}$; "
        "mind that $\\sigma$ is a standard deviation."],
    mistakes=(
        Mistake("kl-direction-swapped", "You computed $\\mathrm{KL}(p \\,\\|\\, q)$. The first argument is "
                "the distribution the expectation is taken under: $\\mathrm{KL}(q \\,\\|\\, p) = "
                "\\mathbb{E}_q[\\log q - \\log p]$, and KL is not symmetric.", _swapped),
        Mistake("sigma-used-for-variance", "You used $\\sigma$ where the formula has the variance "
                "$\\sigma^2$: the given $\\sigma$ are standard deviations, so square them.",
                _slip(variance=lambda s: s)),
        Mistake("dropped-the-half", "You dropped the $\\frac{1}{2}$ in front of the bracket: "
                "$\\mathrm{KL} = \\frac{1}{2}\\sum_j [\\log\\frac{\\sigma_{p,j}^2}{\\sigma_{q,j}^2} + "
                "\\frac{\\sigma_{q,j}^2 + (\\mu_{q,j} - \\mu_{p,j})^2}{\\sigma_{p,j}^2} - 1]$.",
                _slip(scale=1.0)),
        Mistake("forgot-minus-one", "You left out the $-1$ inside the bracket (the $-\\frac{1}{2}$ per "
                "coordinate): without it two equal Gaussians would not have KL 0.", _slip(minus_one=False)),
        Mistake("log-sigma-for-log-variance", "Your log term is half what it should be: the formula has "
                "$\\log\\sigma^2 = 2\\log\\sigma$, and you used $\\log\\sigma$.", _slip(log_weight=0.5)),
        Mistake("forgot-mean-difference", "You left out $(\\mu_q - \\mu_p)^2$: the means differ, and "
                "moving $q$ away from $p$ costs KL.", _without_means),
        Mistake("averaged-over-dimensions", "You averaged over the coordinates: the KL of a diagonal "
                "Gaussian is the sum of the coordinates' KLs.", _averaged),
    ),
    tags=("kl", "gaussian"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# Discrete distributions: both directions
# ---------------------------------------------------------------------------------------------

DISCRETE = Parts({"kl_pq": Real(), "kl_qp": Real()})


def kl_discrete(p: list[float], q: list[float], log=math.log) -> float:
    # KL(p ‖ q) = Σ_i p_i log(p_i / q_i), with 0 · log 0 = 0
    return sum(pi * log(pi / qi) for pi, qi in zip(p, q) if pi > 0)


def cross_entropy(p: list[float], q: list[float]) -> float:
    # H(p, q) = −Σ_i p_i log q_i
    return -sum(pi * math.log(qi) for pi, qi in zip(p, q) if pi > 0)


def _both(p: dict, **kw) -> dict:
    return {"kl_pq": kl_discrete(p["p"], p["q"], **kw), "kl_qp": kl_discrete(p["q"], p["p"], **kw)}


def _unweighted(p: dict) -> dict:
    # Σ_i log(p_i / q_i): the weights p_i forgotten (then the two directions are negatives)
    total = sum(math.log(a / b) for a, b in zip(p["p"], p["q"]) if a > 0)
    return {"kl_pq": total, "kl_qp": -total}


def _sample_discrete(rng) -> dict:
    n = sampling.pick(rng, [2, 3, 3, 4])
    while True:
        p, q = tenths(rng, n), tenths(rng, n)
        both = _both({"p": p, "q": q})
        # a visible asymmetry, and answers away from 0
        if min(both.values()) >= 0.02 and abs(both["kl_pq"] - both["kl_qp"]) >= 0.01:
            return {"p": p, "q": q}


def _validate_discrete(params: dict) -> None:
    P.check_keys(params, ("p", "q"))
    p = distribution(params, "p")
    q = distribution(params, "q", len(p))
    for i, (a, b) in enumerate(zip(p, q)):
        if (a > 0) != (b > 0):
            raise ParamsError(f"params: p[{i}] = {a:g} and q[{i}] = {b:g}: where one distribution is 0 "
                              "and the other is not, one of the two KL divergences is infinite")
        if 0 < min(a, b) < 1e-12:
            raise ParamsError(f"params: probabilities below 1e-12 (at index {i}) make the logs meaningless here")


def _prompt_discrete(p: dict) -> str:
    n = len(p["p"])
    return (f"Two distributions on the outcomes $1, \\ldots, {n}$: $p = {exact_vec(p['p'])}$ and "
            f"$q = {exact_vec(p['q'])}$.\n"
            "Compute both $\\mathrm{KL}(p \\,\\|\\, q)$ (part kl_pq) and $\\mathrm{KL}(q \\,\\|\\, p)$ "
            "(part kl_qp), in nats.")


def _terms(a: list[float], b: list[float], first: str, second: str) -> str:
    pieces = [f"{num(x, 15)} \\log\\frac{{{num(x, 15)}}}{{{num(y, 15)}}}" for x, y in zip(a, b) if x > 0]
    value = kl_discrete(a, b)
    return (f"$\\mathrm{{KL}}({first} \\,\\|\\, {second}) = \\sum_i {first}_i \\log\\frac{{{first}_i}}{{{second}_i}} = "
            f"{' + '.join(pieces)} = {num(value, 6)}$")


def _solution_discrete(p: dict) -> str:
    both = _both(p)
    return "\n".join([
        "Each direction weights the log-ratio by its first argument (terms with a zero weight vanish):",
        _terms(p["p"], p["q"], "p", "q"),
        _terms(p["q"], p["p"], "q", "p"),
        f"The two differ ({num(both['kl_pq'], 6)} vs {num(both['kl_qp'], 6)}): KL is not a distance, "
        "it is not symmetric. $\\mathrm{KL}(p \\,\\|\\, q)$ is large where $p$ puts mass and $q$ does not.",
    ])


KL_DISCRETE = Generator(
    id="vae.kl-discrete",
    title="KL divergence of discrete distributions, both directions",
    answer_kind=DISCRETE,
    sample_params=_sample_discrete,
    validate_params=_validate_discrete,
    solve=_both,
    prompt=_prompt_discrete,
    solution=_solution_discrete,
    hints=lambda p: ["$\\mathrm{KL}(p \\,\\|\\, q) = \\sum_i p_i \\log\\frac{p_i}{q_i}$ with the natural log.",
                     "Swap the roles of $p$ and $q$ for the other direction: the weights change too."],
    mistakes=(
        Mistake("directions-swapped", "Your two values are the right ones in the wrong places: "
                "$\\mathrm{KL}(p \\,\\|\\, q)$ takes the expectation under $p$.",
                lambda p: {"kl_pq": _both(p)["kl_qp"], "kl_qp": _both(p)["kl_pq"]}),
        Mistake("assumed-symmetric", "KL is not symmetric: compute $\\mathrm{KL}(q \\,\\|\\, p)$ with the "
                "weights $q_i$ and the ratio $q_i / p_i$.", lambda p: {"kl_qp": _both(p)["kl_pq"]}),
        Mistake("ratio-inverted", "Your values have the wrong sign: the ratio inside the log is "
                "first argument over second, $\\log\\frac{p_i}{q_i}$ in $\\mathrm{KL}(p \\,\\|\\, q)$; "
                "KL is never negative.", lambda p: {k: -v for k, v in _both(p).items()}),
        Mistake("log-base-2", "Those are bits: the question asks for nats, with the natural log.",
                lambda p: _both(p, log=math.log2)),
        Mistake("unweighted-sum", "You summed the log-ratios without weighting them by the first "
                "distribution's probabilities.", _unweighted),
        Mistake("cross-entropy-instead", "That is the cross-entropy $H(p, q) = -\\sum_i p_i \\log q_i$; "
                "the KL subtracts the entropy: $\\mathrm{KL}(p \\,\\|\\, q) = H(p, q) - H(p)$.",
                lambda p: {"kl_pq": cross_entropy(p["p"], p["q"]), "kl_qp": cross_entropy(p["q"], p["p"])}),
    ),
    tags=("kl", "asymmetry"),
)

GENERATORS = [KL_GAUSSIANS, KL_DISCRETE]
