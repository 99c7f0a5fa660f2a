"""Every diffusion generator end to end over 500 seeds (params, texts, accepted forms, rejected
perturbations, each mistake named as itself), and examples worked by hand."""

import json
import math

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_diffusion import forward, guidance, posterior, schedule

GENERATORS = [g for module in (schedule, forward, posterior, guidance) for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    assert {g.id for g in GENERATORS} >= {
        "diffusion.alpha-bar", "diffusion.forward-marginal", "diffusion.noisy-sample", "diffusion.posterior",
        "diffusion.reverse-step", "diffusion.cfg", "diffusion.training-target"}


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 11), Problem.from_seed(generator, 11)
    assert first.params == again.params and first.prompt() == again.prompt()


def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


# --- worked by hand ----------------------------------------------------------------------------

def test_alpha_bar_by_hand_and_its_traps():
    # β = 0.1, 0.2, 0.3 (start 0.1, end 0.5 over T = 5): ᾱ_3 = 0.9 · 0.8 · 0.7 = 0.504
    p = {"schedule": "linear", "beta_start": 0.1, "beta_end": 0.5, "T": 5, "t": 3}
    assert problem(schedule.ALPHA_BAR, p).answer == pytest.approx(0.504)
    assert problem(schedule.ALPHA_BAR, p).check("0.006").mistake == "beta-product"
    assert problem(schedule.ALPHA_BAR, p).check("0.9*0.8*0.7*0.6").mistake == "t-read-as-zero-based"
    assert problem(schedule.ALPHA_BAR, p).check("0.72").mistake == "one-factor-short"


def test_alpha_bar_with_one_step_is_one_minus_beta_start():
    p = {"schedule": "linear", "beta_start": 0.3, "beta_end": 0.3, "T": 1, "t": 1}
    assert problem(schedule.ALPHA_BAR, p).answer == pytest.approx(0.7)


def test_forward_marginal_by_hand():
    # ᾱ_2 = 0.9 · 0.8 = 0.72: mean √0.72 x_0, variance 0.28
    p = {"x0": [1, -2], "betas": [0.1, 0.2]}
    answer = problem(forward.FORWARD_MARGINAL, p).answer
    assert answer["mean"] == pytest.approx([math.sqrt(0.72), -2 * math.sqrt(0.72)])
    assert answer["variance"] == pytest.approx(0.28)
    verdict = problem(forward.FORWARD_MARGINAL, p).check(f"mean: [{math.sqrt(0.72)}, {-2 * math.sqrt(0.72)}]\n"
                                                         "variance: 0.3")
    assert verdict.mistake == "variance-sum-of-betas"


def test_noisy_sample_by_hand():
    p = {"x0": [1, 0.5], "eps": [-1, 2], "alpha_bar": 0.64}
    assert problem(forward.NOISY_SAMPLE, p).answer == pytest.approx([0.8 - 0.6, 0.4 + 1.2])
    assert problem(forward.NOISY_SAMPLE, p).check("[0.6 - 0.8, 0.3 + 1.6]").mistake == "coefficients-swapped"


def test_training_target_recovers_the_noise():
    p = {"x0": [1, -1], "xt": [0.6 * 1 + 0.8 * 0.5, 0.6 * -1 + 0.8 * 2], "alpha_bar": 0.36, "eps_pred": [0.5, 1.5]}
    answer = problem(forward.TRAINING_TARGET, p).answer
    assert answer["target"] == pytest.approx([0.5, 2.0]) and answer["loss"] == pytest.approx(0.25)


def test_posterior_at_t_2_by_hand():
    # β = (0.1, 0.2): ᾱ_1 = 0.9, ᾱ_2 = 0.72; coefficient of x_0 √0.9·0.2/0.28, of x_t √0.8·0.1/0.28
    p = {"x0": [1], "xt": [0], "betas": [0.1, 0.2]}
    answer = problem(posterior.POSTERIOR, p).answer
    assert answer["mean"] == pytest.approx([math.sqrt(0.9) * 0.2 / 0.28])
    assert answer["variance"] == pytest.approx(0.1 * 0.2 / 0.28)


def test_posterior_mean_is_a_weighted_average_when_x_t_is_x_0():
    # with x_t = x_0 = 1 the mean is the sum of the two coefficients
    p = {"x0": [1], "xt": [1], "betas": [0.2, 0.3, 0.4]}
    bars = [0.8, 0.8 * 0.7, 0.8 * 0.7 * 0.6]
    expected = math.sqrt(bars[1]) * 0.4 / (1 - bars[2]) + math.sqrt(0.6) * (1 - bars[1]) / (1 - bars[2])
    assert problem(posterior.POSTERIOR, p).answer["mean"] == pytest.approx([expected])


def test_reverse_step_adds_no_noise_at_t_1():
    p = {"xt": [1.0], "eps": [0.5], "z": [2.0], "betas": [0.19]}
    mean = (1.0 - 0.19 / math.sqrt(0.19) * 0.5) / math.sqrt(0.81)
    assert problem(posterior.REVERSE_STEP, p).answer == pytest.approx([mean])
    verdict = problem(posterior.REVERSE_STEP, p).check(f"[{mean + math.sqrt(0.19) * 2}]")
    assert verdict.mistake == "noise-at-last-step"


def test_cfg_by_hand():
    p = {"eps_cond": [1, 0], "eps_uncond": [0, 1], "rho": 2}
    assert problem(guidance.CFG, p).answer == pytest.approx([3, -2])
    assert problem(guidance.CFG, p).check("[2, -1]").mistake == "scale-convention"
