"""vae answers against independent oracles: torch.distributions (KL divergences, log-likelihoods)
and autograd (the reparameterised backward pass). The ★ kl-gaussians gets random params from
hypothesis through Problem.from_params, as `--params` would give them; the others are compared on
their sampled params and on hypothesis params; params at the edges of validation never crash."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.distributions import Bernoulli, Categorical, Normal, kl_divergence

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck_vae import elbo, kl, reparam, taxonomy
from problem_edges import assert_survives

SETTINGS = settings(max_examples=150, deadline=None)
SEEDS = range(200)


def t(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def torch_kl(mu_q, sigma_q, mu_p, sigma_p) -> float:
    return float(kl_divergence(Normal(t(mu_q), t(sigma_q)), Normal(t(mu_p), t(sigma_p))).sum())


# --- ★ vae.kl-gaussians ----------------------------------------------------------------------

means = st.floats(-50, 50, allow_nan=False)
stds = st.floats(0.01, 50, allow_nan=False)


@st.composite
def gaussian_pairs(draw, mean=means, std=stds):
    d = draw(st.integers(1, 6))
    vec = lambda s: draw(st.lists(s, min_size=d, max_size=d))  # noqa: E731
    return {"mu_q": vec(mean), "sigma_q": vec(std), "mu_p": vec(mean), "sigma_p": vec(std)}


@SETTINGS
@given(gaussian_pairs())
def test_kl_gaussians_matches_torch_distributions(p):
    answer = Problem.from_params(kl.KL_GAUSSIANS, p).answer
    assert answer == pytest.approx(torch_kl(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"]), rel=1e-9, abs=1e-9)


@SETTINGS
@given(gaussian_pairs(mean=st.sampled_from([-1000.0, -1e-9, 0.0, 1e-9, 1000.0]),
                      std=st.sampled_from([1e-3, 1.0, 1000.0])))
def test_kl_gaussians_at_the_edges(p):
    problem = assert_survives(kl.KL_GAUSSIANS, p)
    assert problem.answer == pytest.approx(torch_kl(p["mu_q"], p["sigma_q"], p["mu_p"], p["sigma_p"]), rel=1e-9, abs=1e-9)


@SETTINGS
@given(st.sampled_from([0.0, -1.0, 1e-4, 1e4, math.inf]), st.sampled_from(["sigma_q", "sigma_p"]))
def test_kl_gaussians_refuses_unusable_sigmas(value, key):
    p = {"mu_q": [0.0], "sigma_q": [1.0], "mu_p": [0.0], "sigma_p": [1.0], key: [value]}
    with pytest.raises(ParamsError):
        Problem.from_params(kl.KL_GAUSSIANS, p)


def test_sampled_kl_gaussians_match_torch():
    for seed in SEEDS:
        p = Problem.from_seed(kl.KL_GAUSSIANS, seed).params
        assert Problem.from_seed(kl.KL_GAUSSIANS, seed).answer == pytest.approx(torch_kl(**p), rel=1e-12)


# --- vae.kl-discrete -------------------------------------------------------------------------

@st.composite
def distributions(draw):
    n = draw(st.integers(2, 8))
    p, q = (draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n)) for _ in range(2))
    return {"p": [w / sum(p) for w in p], "q": [w / sum(q) for w in q]}


@SETTINGS
@given(distributions())
def test_kl_discrete_matches_categorical_kl(p):
    answer = assert_survives(kl.KL_DISCRETE, p).answer
    cat_p, cat_q = Categorical(probs=t(p["p"])), Categorical(probs=t(p["q"]))
    assert answer["kl_pq"] == pytest.approx(float(kl_divergence(cat_p, cat_q)), rel=1e-9, abs=1e-12)
    assert answer["kl_qp"] == pytest.approx(float(kl_divergence(cat_q, cat_p)), rel=1e-9, abs=1e-12)


def test_kl_discrete_with_shared_zeros():
    answer = assert_survives(kl.KL_DISCRETE, {"p": [0.5, 0.0, 0.5], "q": [0.25, 0.0, 0.75]}).answer
    assert answer["kl_pq"] == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3))


# --- vae.elbo-terms and vae.beta-vae-loss ----------------------------------------------------

def elbo_oracle(p) -> dict:
    x, x_hat = t(p["x"]), t(p["x_hat"])
    if p["decoder"] == "bernoulli":
        reconstruction = float(Bernoulli(probs=x_hat).log_prob(x).sum())
    else:
        reconstruction = float(Normal(x_hat, torch.ones_like(x_hat)).log_prob(x).sum())
    divergence = torch_kl(p["mu"], p["sigma"], [0.0] * len(p["mu"]), [1.0] * len(p["mu"]))
    return {"reconstruction": reconstruction, "kl": divergence, "elbo": reconstruction - divergence}


@st.composite
def elbo_params(draw):
    decoder = draw(st.sampled_from(["bernoulli", "gaussian"]))
    n, d = draw(st.integers(1, 8)), draw(st.integers(1, 4))
    if decoder == "bernoulli":
        x = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
        x_hat = draw(st.lists(st.floats(1e-6, 1 - 1e-6), min_size=n, max_size=n))
    else:
        x = draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n))
        x_hat = draw(st.lists(st.floats(-100, 100), min_size=n, max_size=n))
    return {"decoder": decoder, "x": x, "x_hat": x_hat, "mu": draw(st.lists(means, min_size=d, max_size=d)),
            "sigma": draw(st.lists(stds, min_size=d, max_size=d))}


@SETTINGS
@given(elbo_params())
def test_elbo_terms_match_torch_distributions(p):
    answer = assert_survives(elbo.ELBO_TERMS, p).answer
    for name, value in elbo_oracle(p).items():
        assert answer[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name


def test_sampled_elbo_terms_match_torch():
    for seed in SEEDS:
        problem = Problem.from_seed(elbo.ELBO_TERMS, seed)
        for name, value in elbo_oracle(problem.params).items():
            assert problem.answer[name] == pytest.approx(value, rel=1e-12, abs=1e-12)


@SETTINGS
@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e3), st.lists(means, min_size=1, max_size=4), st.data())
def test_beta_vae_loss_matches_torch(reconstruction, beta, mu, data):
    sigma = data.draw(st.lists(stds, min_size=len(mu), max_size=len(mu)))
    p = {"reconstruction_loss": reconstruction, "beta": beta, "mu": mu, "sigma": sigma}
    expected = reconstruction + beta * torch_kl(mu, sigma, [0.0] * len(mu), [1.0] * len(mu))
    assert assert_survives(elbo.BETA_VAE_LOSS, p).answer == pytest.approx(expected, rel=1e-9, abs=1e-9)


# --- vae.reparameterize ----------------------------------------------------------------------

def autograd_reparam(p) -> dict:
    mu, log_var = t(p["mu"]).requires_grad_(), t(p["log_var"]).requires_grad_()
    z = mu + torch.exp(0.5 * log_var) * t(p["eps"])
    z.backward(t(p["grad_z"]))
    return {"z": z.tolist(), "grad_mu": mu.grad.tolist(), "grad_log_var": log_var.grad.tolist()}


@st.composite
def reparam_params(draw):
    d = draw(st.integers(1, 6))
    vec = lambda lo, hi: draw(st.lists(st.floats(lo, hi), min_size=d, max_size=d))  # noqa: E731
    return {"mu": vec(-1e3, 1e3), "log_var": vec(-40, 40), "eps": vec(-1e3, 1e3), "grad_z": vec(-1e3, 1e3)}


@SETTINGS
@given(reparam_params())
def test_reparameterize_matches_autograd(p):
    answer = assert_survives(reparam.REPARAMETERIZE, p).answer
    for name, values in autograd_reparam(p).items():
        assert answer[name] == pytest.approx(values, rel=1e-9, abs=1e-9), name


def test_sampled_reparameterize_matches_autograd():
    for seed in SEEDS:
        problem = Problem.from_seed(reparam.REPARAMETERIZE, seed)
        for name, values in autograd_reparam(problem.params).items():
            assert problem.answer[name] == pytest.approx(values, rel=1e-12), name


def test_every_model_of_the_taxonomy_renders():
    for model in taxonomy.MODELS:
        assert_survives(taxonomy.MODEL_TAXONOMY, {"model": model})
