"""Every gan generator end to end over 500 seeds (params, texts, accepted forms, rejected
perturbations, each mistake named as itself), and examples worked by hand."""

import json
import math

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_gan import discriminator, fid, gradients, style, translation

GENERATORS = [g for module in (discriminator, gradients, fid, style, translation) for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    assert {g.id for g in GENERATORS} >= {
        "gan.optimal-discriminator", "gan.optimal-value", "gan.jsd", "gan.generator-gradient", "gan.fid",
        "gan.adain", "gan.cycle-loss"}


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 11), Problem.from_seed(generator, 11)
    assert first.params == again.params and first.prompt() == again.prompt()


def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


# --- worked by hand ----------------------------------------------------------------------------

def test_optimal_discriminator_by_hand():
    p = {"p_data": [0.5, 0.5], "p_model": [0.25, 0.75]}
    assert problem(discriminator.OPTIMAL_DISCRIMINATOR, p).answer == pytest.approx([2 / 3, 0.4])
    verdict = problem(discriminator.OPTIMAL_DISCRIMINATOR, p).check("[1/3, 0.6]")
    assert not verdict.correct and verdict.mistake == "d-star-inverted"


def test_value_at_the_global_optimum_is_minus_log_4():
    p = {"p_data": [0.2, 0.3, 0.5], "p_model": [0.2, 0.3, 0.5]}
    assert problem(discriminator.OPTIMAL_VALUE, p).answer == pytest.approx(-math.log(4))
    assert problem(discriminator.OPTIMAL_VALUE, p).check("log(4)").mistake == "log-4-sign"


def test_value_with_disjoint_supports_is_zero():
    # D* is 1 on the data and 0 on the fakes: both logs vanish, V = −log 4 + 2 log 2 = 0
    p = {"p_data": [1, 0], "p_model": [0, 1]}
    assert problem(discriminator.OPTIMAL_VALUE, p).answer == pytest.approx(0.0, abs=1e-15)


def test_jsd_of_disjoint_distributions_is_log_2_and_one_term_is_recognised():
    p = {"p": [1, 0], "q": [0, 1]}
    assert problem(discriminator.JSD, p).answer == pytest.approx(math.log(2))
    assert problem(discriminator.JSD, p).check("log(2)/2").mistake == "one-kl-term"


def test_generator_gradient_when_d_rejects_the_fake():
    # logit −log 9: D = 0.1, so the saturating gradient is −0.1 and the non-saturating one −0.9
    answer = problem(gradients.GENERATOR_GRADIENT, {"logit": -math.log(9)}).answer
    assert answer["saturating"] == pytest.approx(-0.1) and answer["non_saturating"] == pytest.approx(-0.9)


def test_fid_of_two_1d_gaussians():
    p = {"mu1": [0], "sigma1": [[4]], "mu2": [1], "sigma2": [[1]]}
    assert problem(fid.FID, p).answer == pytest.approx(2.0)
    assert problem(fid.FID, p).check("4").mistake == "missing-factor-2"


def test_fid_of_identical_gaussians_is_zero():
    p = {"mu1": [1, 2], "sigma1": [[2, 0.5], [0.5, 1]], "mu2": [1, 2], "sigma2": [[2, 0.5], [0.5, 1]]}
    assert problem(fid.FID, p).answer == pytest.approx(0.0, abs=1e-12)


def test_adain_by_hand():
    # channel [1, 3]: μ = 2, σ = 1, so (c − μ)/σ = [−1, 1], then ·2 + 5
    p = {"content": [[1, 3]], "gamma": [2], "beta": [5]}
    assert problem(style.ADAIN, p).answer[0] == pytest.approx([3, 7])
    assert problem(style.ADAIN, p).check("[[-1, 7]]").mistake is None
    assert problem(style.ADAIN, p).check("[[-3, 7]]").mistake == "gamma-beta-swapped"
    assert problem(style.ADAIN, p).check("[[7, 11]]").mistake == "mean-not-subtracted"


def test_cycle_loss_by_hand():
    # F(G(x)) = x + 1 and G(F(y)) = y + 2: L_cyc = 1 + 2 = 3, times λ = 10
    p = {"x": [0.5, -1], "y": [2, 3], "G": [2, 0], "F": [0.5, 1], "lam": 10}
    assert problem(translation.CYCLE_LOSS, p).answer == pytest.approx(30.0)
    assert problem(translation.CYCLE_LOSS, p).check("3").mistake == "forgot-lambda"
