"""diffusion answers against independent oracles: diffusers' DDPMScheduler (a test-only
dependency) and PyTorch, on random params given through --params, and the edges of the params."""

import json
import math

import numpy as np
import pytest
import torch
from diffusers import DDPMScheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from problem_edges import assert_survives
from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_diffusion import forward, guidance, posterior, schedule

SETTINGS = settings(max_examples=150, deadline=None)


def from_params(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


def scheduler(T, beta_start, beta_end, **kwargs):
    return DDPMScheduler(num_train_timesteps=T, beta_start=beta_start, beta_end=beta_end, beta_schedule="linear",
                         clip_sample=False, **kwargs)


# --- ★ diffusion.alpha-bar ---------------------------------------------------------------------

@st.composite
def linear_schedules(draw):
    T = draw(st.integers(2, 1000))
    start = draw(st.floats(1e-5, 0.3))
    end = draw(st.floats(start, 0.6))
    return {"schedule": "linear", "beta_start": start, "beta_end": end, "T": T, "t": draw(st.integers(1, T))}


@SETTINGS
@given(linear_schedules())
def test_alpha_bar_against_diffusers(p):
    answer = from_params(schedule.ALPHA_BAR, p).answer
    # diffusers counts timesteps from 0 and keeps the schedule in float32
    expected = float(scheduler(p["T"], p["beta_start"], p["beta_end"]).alphas_cumprod[p["t"] - 1])
    assert answer == pytest.approx(expected, rel=1e-4, abs=1e-7)


@SETTINGS
@given(linear_schedules())
def test_alpha_bar_against_torch_float64(p):
    betas = torch.linspace(p["beta_start"], p["beta_end"], p["T"], dtype=torch.float64)
    expected = float(torch.cumprod(1 - betas, 0)[p["t"] - 1])
    assert from_params(schedule.ALPHA_BAR, p).answer == pytest.approx(expected, rel=1e-10, abs=1e-300)


# --- the other generators against diffusers and PyTorch on random params ----------------------

small = st.floats(-3, 3, allow_nan=False)


@st.composite
def step_params(draw, min_t=1):
    t = draw(st.integers(min_t, 8))
    n = draw(st.integers(1, 4))
    vector = st.lists(small, min_size=n, max_size=n)
    return {"betas": draw(st.lists(st.floats(0.01, 0.5), min_size=t, max_size=t)),
            "x0": draw(vector), "xt": draw(vector), "eps": draw(vector), "z": draw(vector)}


def trained(betas):
    return scheduler(len(betas), 1e-4, 0.02, trained_betas=betas, variance_type="fixed_large")


@SETTINGS
@given(step_params())
def test_forward_marginal_against_add_noise(q):
    p = {"x0": q["x0"], "betas": q["betas"]}
    answer = from_params(forward.FORWARD_MARGINAL, p).answer
    sched = trained(q["betas"])
    t = torch.tensor([len(q["betas"]) - 1])
    x0 = torch.tensor([q["x0"]], dtype=torch.float64)
    # add_noise with zero noise gives the mean; with x_0 = 0 and unit noise, the standard deviation
    mean = sched.add_noise(x0, torch.zeros_like(x0), t)[0]
    std = sched.add_noise(torch.zeros(1, 1, dtype=torch.float64), torch.ones(1, 1, dtype=torch.float64), t)[0, 0]
    assert np.allclose(answer["mean"], mean.numpy(), rtol=1e-5, atol=1e-6)
    assert answer["variance"] == pytest.approx(float(std) ** 2, rel=1e-5, abs=1e-7)


@SETTINGS
@given(step_params(), st.floats(0.01, 0.99))
def test_noisy_sample_against_add_noise(q, alpha_bar):
    p = {"x0": q["x0"], "eps": q["eps"], "alpha_bar": alpha_bar}
    sched = trained([1 - alpha_bar])   # one step with β = 1 − ᾱ: its ᾱ_1 is the given ᾱ
    expected = sched.add_noise(torch.tensor([q["x0"]], dtype=torch.float64), torch.tensor([q["eps"]], dtype=torch.float64),
                               torch.tensor([0]))[0]
    assert np.allclose(from_params(forward.NOISY_SAMPLE, p).answer, expected.numpy(), rtol=1e-5, atol=1e-6)


@SETTINGS
@given(step_params(min_t=2))
def test_posterior_against_the_scheduler_step(q):
    # DDPMScheduler.step with prediction_type "sample" computes exactly the posterior mean from x_0
    sched = trained(q["betas"])
    sched.config.prediction_type = "sample"
    t = len(q["betas"])
    out = sched.step(torch.tensor([q["x0"]], dtype=torch.float64), t - 1, torch.tensor([q["xt"]], dtype=torch.float64),
                     generator=torch.Generator().manual_seed(0))
    noise = torch.randn(1, len(q["x0"]), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mean = out.prev_sample - math.sqrt(q["betas"][-1]) * noise
    answer = from_params(posterior.POSTERIOR, {"x0": q["x0"], "xt": q["xt"], "betas": q["betas"]}).answer
    assert np.allclose(answer["mean"], mean[0].numpy(), rtol=1e-4, atol=1e-5)
    assert answer["variance"] == pytest.approx(float(sched._get_variance(t - 1, variance_type="fixed_small")),
                                               rel=1e-4)


@SETTINGS
@given(step_params())
def test_reverse_step_against_the_scheduler_step(q):
    sched = trained(q["betas"])
    t = len(q["betas"])
    shape = (1, len(q["xt"]))
    seed = 5
    out = sched.step(torch.tensor([q["eps"]], dtype=torch.float64), t - 1, torch.tensor([q["xt"]], dtype=torch.float64),
                     generator=torch.Generator().manual_seed(seed)).prev_sample
    # the z the scheduler drew (at t = 1 it draws none)
    z = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)[0].tolist()
    answer = from_params(posterior.REVERSE_STEP, {"xt": q["xt"], "eps": q["eps"], "z": z, "betas": q["betas"]}).answer
    assert np.allclose(answer, out[0].numpy(), rtol=1e-4, atol=1e-4)


@SETTINGS
@given(step_params(), st.floats(0, 20))
def test_cfg_against_the_guidance_scale_form(q, rho):
    p = {"eps_cond": q["x0"], "eps_uncond": q["eps"], "rho": rho}
    cond, uncond = torch.tensor(q["x0"], dtype=torch.float64), torch.tensor(q["eps"], dtype=torch.float64)
    # diffusers' pipelines: uncond + s (cond − uncond) with the guidance scale s = 1 + ρ
    expected = uncond + (1 + rho) * (cond - uncond)
    assert np.allclose(from_params(guidance.CFG, p).answer, expected.numpy(), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(step_params(), st.sampled_from([0.36, 0.64, 0.0784, 0.9216, 0.5]))
def test_training_target_inverts_add_noise(q, alpha_bar):
    sched = trained([1 - alpha_bar])
    x0, eps = torch.tensor([q["x0"]], dtype=torch.float64), torch.tensor([q["eps"]], dtype=torch.float64)
    xt = sched.add_noise(x0, eps, torch.tensor([0]))[0].tolist()
    p = {"x0": q["x0"], "xt": xt, "alpha_bar": alpha_bar, "eps_pred": q["z"]}
    answer = from_params(forward.TRAINING_TARGET, p).answer
    assert np.allclose(answer["target"], q["eps"], rtol=1e-4, atol=1e-4)
    residual = torch.tensor(answer["target"], dtype=torch.float64) - torch.tensor(q["z"], dtype=torch.float64)
    assert answer["loss"] == pytest.approx(float((residual**2).sum()))


# --- the edges of validate_params: texts and checks never raise ---------------------------------

beta_edge = st.sampled_from([1e-12, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-12])
value_edge = st.sampled_from([0.0, 1e-9, -1e-9, 1.0, 1e6, -1e6])


@settings(max_examples=150, deadline=None)
@given(st.lists(beta_edge, min_size=1, max_size=6), value_edge, value_edge, value_edge, st.sampled_from([1e-9, 0.5, 1 - 1e-9]))
def test_edges_never_raise(betas, a, b, c, alpha_bar):
    cases = [
        (schedule.ALPHA_BAR, {"schedule": "linear", "beta_start": betas[0], "beta_end": betas[-1], "T": len(betas) + 1,
                              "t": len(betas)}),
        (forward.FORWARD_MARGINAL, {"x0": [a, b], "betas": betas}),
        (forward.NOISY_SAMPLE, {"x0": [a], "eps": [b], "alpha_bar": alpha_bar}),
        (forward.TRAINING_TARGET, {"x0": [a, b], "xt": [b, c], "alpha_bar": alpha_bar, "eps_pred": [c, a]}),
        (posterior.POSTERIOR, {"x0": [a], "xt": [b], "betas": betas + [0.5]}),
        (posterior.REVERSE_STEP, {"xt": [a, b], "eps": [c, a], "z": [b, c], "betas": betas}),
        (guidance.CFG, {"eps_cond": [a, b], "eps_uncond": [c, a], "rho": abs(c) % 1000}),
    ]
    for generator, params in cases:
        try:
            generator.validate_params(params)
        except ParamsError:
            continue
        assert_survives(generator, params)


def test_alpha_bar_at_the_largest_t():
    # gentle betas keep ᾱ_T ≈ e^(−5); the usual 1e-4 … 0.02 over 100,000 steps underflows and is refused
    p = {"schedule": "linear", "beta_start": 1e-6, "beta_end": 1e-4, "T": 100_000, "t": 100_000}
    assert_survives(schedule.ALPHA_BAR, p)
    assert_params_rejected(schedule.ALPHA_BAR, [{**p, "beta_start": 1e-4, "beta_end": 0.02}])


def test_invalid_params_are_refused():
    base = {"schedule": "linear", "beta_start": 0.1, "beta_end": 0.2, "T": 10, "t": 3}
    assert_params_rejected(schedule.ALPHA_BAR, [
        {**base, "schedule": "cosine"}, {**base, "t": 0}, {**base, "t": 11}, {**base, "T": 0},
        {**base, "beta_start": -0.1}, {**base, "beta_end": 1.5}, {**base, "t": 2.0}, {**base, "T": 10**6},
        {**base, "T": 1, "t": 1}, {k: v for k, v in base.items() if k != "schedule"},
    ])
    assert_params_rejected(forward.FORWARD_MARGINAL, [
        {"x0": [1], "betas": [0.1, 1.0]}, {"x0": [1], "betas": [0.0]}, {"x0": [1], "betas": []},
        {"x0": [], "betas": [0.1]}, {"x0": [1], "betas": [0.1] * 65},
    ])
    assert_params_rejected(forward.NOISY_SAMPLE, [
        {"x0": [1], "eps": [1, 2], "alpha_bar": 0.5}, {"x0": [1], "eps": [1], "alpha_bar": 1.0},
        {"x0": [1], "eps": [1], "alpha_bar": 0}, {"x0": [1e7], "eps": [1], "alpha_bar": 0.5},
    ])
    assert_params_rejected(posterior.POSTERIOR, [{"x0": [1], "xt": [1], "betas": [0.1]},
                                                 {"x0": [1], "xt": [1, 2], "betas": [0.1, 0.2]}])
    assert_params_rejected(posterior.REVERSE_STEP, [{"xt": [1], "eps": [1], "z": [1], "betas": [1.0]},
                                                    {"xt": [1], "eps": [1], "betas": [0.5]}])
    assert_params_rejected(guidance.CFG, [{"eps_cond": [1], "eps_uncond": [1], "rho": -1},
                                          {"eps_cond": [1], "eps_uncond": [1, 2], "rho": 1}])
