"""Every vae generator end to end over 500 seeds (params, texts, accepted forms, rejected
perturbations, mistakes recognised by name), and textbook examples worked by hand."""

import json
import math

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound, assert_params_rejected
from mpcheck_vae import elbo, kl, reparam, taxonomy

GENERATORS = [g for module in (kl, elbo, reparam, taxonomy) for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    assert {g.id for g in GENERATORS} >= {"vae.kl-gaussians", "vae.kl-discrete", "vae.elbo-terms",
                                          "vae.reparameterize", "vae.beta-vae-loss", "vae.model-taxonomy"}


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 11), Problem.from_seed(generator, 11)
    assert first.params == again.params and first.prompt() == again.prompt()


def check(generator, params, text):
    return Problem.from_params(generator, json.loads(json.dumps(params))).check(text)


# --- worked by hand -------------------------------------------------------------------------

def test_kl_of_a_wide_gaussian_to_the_prior():
    # ½(σ² + μ² − 1 − log σ²) = ½(4 − 1 − log 4)
    p = {"mu_q": [0.0], "sigma_q": [2.0], "mu_p": [0.0], "sigma_p": [1.0]}
    assert Problem.from_params(kl.KL_GAUSSIANS, p).answer == pytest.approx(0.5 * (3 - math.log(4)))
    assert check(kl.KL_GAUSSIANS, p, "0.5*(1 - log(2))").mistake == "sigma-used-for-variance"
    # KL(N(0,1) ‖ N(0,4)) = log 2 + 1/8 − 1/2
    assert check(kl.KL_GAUSSIANS, p, "log(2) + 1/8 - 1/2").mistake == "kl-direction-swapped"
    assert check(kl.KL_GAUSSIANS, p, "3 - log(4)").mistake == "dropped-the-half"


def test_kl_sums_over_coordinates():
    one = {"mu_q": [1.0], "sigma_q": [1.0], "mu_p": [0.0], "sigma_p": [1.0]}
    two = {"mu_q": [1.0, 1.0], "sigma_q": [1.0, 1.0], "mu_p": [0.0, 0.0], "sigma_p": [1.0, 1.0]}
    assert Problem.from_params(kl.KL_GAUSSIANS, one).answer == pytest.approx(0.5)
    assert Problem.from_params(kl.KL_GAUSSIANS, two).answer == pytest.approx(1.0)
    assert check(kl.KL_GAUSSIANS, two, "0.5").mistake == "averaged-over-dimensions"


def test_kl_of_two_coins_both_ways():
    p = {"p": [0.5, 0.5], "q": [0.25, 0.75]}
    answer = Problem.from_params(kl.KL_DISCRETE, p).answer
    assert answer["kl_pq"] == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3))
    assert answer["kl_qp"] == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    swapped = check(kl.KL_DISCRETE, p, f"kl_pq: {answer['kl_qp']}\nkl_qp: {answer['kl_pq']}")
    assert swapped.mistake == "directions-swapped"
    symmetric = check(kl.KL_DISCRETE, p, f"kl_pq: {answer['kl_pq']}\nkl_qp: {answer['kl_pq']}")
    assert symmetric.mistake == "assumed-symmetric"


def test_elbo_of_a_two_pixel_image():
    p = {"decoder": "bernoulli", "x": [1, 0], "x_hat": [0.8, 0.4], "mu": [1.0], "sigma": [1.0]}
    answer = Problem.from_params(elbo.ELBO_TERMS, p).answer
    assert answer["reconstruction"] == pytest.approx(math.log(0.8) + math.log(0.6))
    assert answer["kl"] == pytest.approx(0.5)
    assert answer["elbo"] == pytest.approx(math.log(0.48) - 0.5)
    added = check(elbo.ELBO_TERMS, p, f"reconstruction: log(0.48)\nkl: 0.5\nelbo: {math.log(0.48) + 0.5}")
    assert added.mistake == "kl-added"


def test_gaussian_decoder_has_its_constant():
    p = {"decoder": "gaussian", "x": [1.0, 0.0], "x_hat": [0.0, 0.0], "mu": [0.0], "sigma": [1.0]}
    assert Problem.from_params(elbo.ELBO_TERMS, p).answer["reconstruction"] == pytest.approx(-0.5 - math.log(2 * math.pi))


def test_beta_vae_loss_by_hand():
    p = {"reconstruction_loss": 10.0, "beta": 4.0, "mu": [1.0], "sigma": [1.0]}
    assert Problem.from_params(elbo.BETA_VAE_LOSS, p).answer == pytest.approx(12.0)
    assert check(elbo.BETA_VAE_LOSS, p, "10.5").mistake == "forgot-beta"
    assert check(elbo.BETA_VAE_LOSS, p, "40.5").mistake == "beta-on-reconstruction"


def test_reparameterize_by_hand():
    # log σ² = log 9, σ = 3: z = 0 + 3·1, ∂L/∂μ = 2, ∂L/∂log σ² = 2·1·3/2
    p = {"mu": [0.0], "log_var": [math.log(9)], "eps": [1.0], "grad_z": [2.0]}
    answer = Problem.from_params(reparam.REPARAMETERIZE, p).answer
    assert answer == {"z": [pytest.approx(3.0)], "grad_mu": [2.0], "grad_log_var": [pytest.approx(3.0)]}
    assert check(reparam.REPARAMETERIZE, p, "z: [3]\ngrad_mu: [2]\ngrad_log_var: [2]").mistake == "gradient-wrt-sigma"
    assert check(reparam.REPARAMETERIZE, p, "z: [9]\ngrad_mu: [2]\ngrad_log_var: [18]").mistake == "used-variance"


def test_taxonomy_of_the_gan():
    p = {"model": "the generative adversarial network (GAN)"}
    assert Problem.from_params(taxonomy.MODEL_TAXONOMY, p).answer == "d"
    assert check(taxonomy.MODEL_TAXONOMY, p, "b").mistake == "gan-as-variational"
    assert check(taxonomy.MODEL_TAXONOMY, p, "implicit density, direct sampling").correct


def test_bad_params_are_refused():
    assert_params_rejected(kl.KL_GAUSSIANS, [
        {"mu_q": [0.0], "sigma_q": [0.0], "mu_p": [0.0], "sigma_p": [1.0]},
        {"mu_q": [0.0], "sigma_q": [-1.0], "mu_p": [0.0], "sigma_p": [1.0]},
        {"mu_q": [0.0, 1.0], "sigma_q": [1.0], "mu_p": [0.0], "sigma_p": [1.0]},
        {"mu_q": [0.0], "sigma_q": [1.0], "mu_p": [0.0]},
        {"mu_q": [1e9], "sigma_q": [1.0], "mu_p": [0.0], "sigma_p": [1.0]},
    ])
    assert_params_rejected(kl.KL_DISCRETE, [
        {"p": [0.5, 0.5], "q": [1.0, 0.0]},
        {"p": [0.5, 0.6], "q": [0.5, 0.5]},
        {"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]},
    ])
    assert_params_rejected(elbo.ELBO_TERMS, [
        {"decoder": "bernoulli", "x": [0.5], "x_hat": [0.5], "mu": [0.0], "sigma": [1.0]},
        {"decoder": "bernoulli", "x": [1], "x_hat": [1.0], "mu": [0.0], "sigma": [1.0]},
        {"decoder": "poisson", "x": [1], "x_hat": [0.5], "mu": [0.0], "sigma": [1.0]},
    ])
    assert_params_rejected(reparam.REPARAMETERIZE, [
        {"mu": [0.0], "log_var": [1000.0], "eps": [1.0], "grad_z": [1.0]},
        {"mu": [0.0], "log_var": [0.0], "eps": [1.0, 2.0], "grad_z": [1.0]},
    ])
    assert_params_rejected(elbo.BETA_VAE_LOSS, [{"reconstruction_loss": 1.0, "beta": 0.0, "mu": [0.0], "sigma": [1.0]}])
    assert_params_rejected(taxonomy.MODEL_TAXONOMY, [{"model": "a Transformer"}])
