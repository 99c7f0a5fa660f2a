"""gan answers against independent oracles: PyTorch (binary cross-entropy, autograd), scipy's
Jensen-Shannon distance and matrix square root, on random params given through --params."""

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg
from scipy.spatial import distance

from problem_edges import assert_survives
from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_gan import discriminator, fid, gradients, style, translation

SETTINGS = settings(max_examples=150, deadline=None)


def from_params(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


@st.composite
def distribution_pairs(draw, zeros=True):
    n = draw(st.integers(1, 8))
    # exact zeros or ordinary weights (probabilities near 0 are the edge tests' business)
    weight = st.floats(0.01, 10.0) | st.just(0.0) if zeros else st.floats(0.01, 10.0)
    a = draw(st.lists(weight, min_size=n, max_size=n))
    b = draw(st.lists(weight, min_size=n, max_size=n))
    # every outcome possible under one of them, and neither all zero
    a = [1.0 if x == 0 and y == 0 else x for x, y in zip(a, b)]
    a[0], b[-1] = a[0] or 1.0, b[-1] or 1.0
    return [x / sum(a) for x in a], [y / sum(b) for y in b]


# --- ★ gan.optimal-discriminator ---------------------------------------------------------------

@SETTINGS
@given(distribution_pairs(zeros=False))
def test_optimal_discriminator_is_a_stationary_point_of_v(pair):
    p_data, p_model = pair
    answer = from_params(discriminator.OPTIMAL_DISCRIMINATOR, {"p_data": p_data, "p_model": p_model}).answer
    pd, pm = torch.tensor(p_data, dtype=torch.float64), torch.tensor(p_model, dtype=torch.float64)
    # the logit form of D*: σ(log p_d − log p_m)
    assert np.allclose(answer, torch.sigmoid(pd.log() - pm.log()).numpy(), rtol=1e-12, atol=1e-15)
    # autograd: dV/d(logit) = 0 at D*, and V is concave in the logit, so D* is the maximum
    logit = torch.logit(torch.tensor(answer, dtype=torch.float64)).requires_grad_()
    d = torch.sigmoid(logit)
    value = (pd * d.log() + pm * (1 - d).log()).sum()
    (grad,) = torch.autograd.grad(value, logit)
    assert grad.abs().max() < 1e-9


# --- ★ gan.optimal-value -----------------------------------------------------------------------

@SETTINGS
@given(distribution_pairs())
def test_optimal_value_against_scipy_jensen_shannon(pair):
    p_data, p_model = pair
    answer = from_params(discriminator.OPTIMAL_VALUE, {"p_data": p_data, "p_model": p_model}).answer
    # scipy's Jensen-Shannon *distance* is the square root of the divergence
    jsd = distance.jensenshannon(p_data, p_model) ** 2
    assert answer == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-9)


@SETTINGS
@given(distribution_pairs())
def test_optimal_value_as_binary_cross_entropies(pair):
    p_data, p_model = pair
    answer = from_params(discriminator.OPTIMAL_VALUE, {"p_data": p_data, "p_model": p_model}).answer
    pd, pm = torch.tensor(p_data, dtype=torch.float64), torch.tensor(p_model, dtype=torch.float64)
    d = pd / (pd + pm)
    # V = Σ p_d log D + p_m log(1 − D) = −BCE(D, 1; weights p_d) − BCE(D, 0; weights p_m)
    value = -(F.binary_cross_entropy(d, torch.ones_like(d), weight=pd, reduction="sum")
              + F.binary_cross_entropy(d, torch.zeros_like(d), weight=pm, reduction="sum"))
    assert answer == pytest.approx(float(value), abs=1e-9)


@SETTINGS
@given(distribution_pairs())
def test_jsd_against_scipy(pair):
    p, q = pair
    answer = from_params(discriminator.JSD, {"p": p, "q": q}).answer
    assert answer == pytest.approx(distance.jensenshannon(p, q) ** 2, abs=1e-9)


# --- the other generators on their sampled params ----------------------------------------------

def sampled(generator, seeds=range(100)):
    for seed in seeds:
        yield Problem.from_seed(generator, seed)


def test_generator_gradient_against_autograd():
    for problem in sampled(gradients.GENERATOR_GRADIENT):
        logit = torch.tensor(problem.params["logit"], dtype=torch.float64, requires_grad=True)
        (sat,) = torch.autograd.grad(torch.log(1 - torch.sigmoid(logit)), logit)
        (ns,) = torch.autograd.grad(-F.logsigmoid(logit), logit)
        assert problem.answer["saturating"] == pytest.approx(float(sat))
        assert problem.answer["non_saturating"] == pytest.approx(float(ns))


def test_fid_against_scipy_sqrtm():
    for problem in sampled(fid.FID):
        p = problem.params
        s1, s2 = np.array(p["sigma1"]), np.array(p["sigma2"])
        expected = (np.sum((np.array(p["mu1"]) - np.array(p["mu2"])) ** 2) + np.trace(s1) + np.trace(s2)
                    - 2 * np.trace(linalg.sqrtm(s1 @ s2).real))
        assert problem.answer == pytest.approx(expected, rel=1e-9, abs=1e-9)


@SETTINGS
@given(st.integers(1, 5), st.integers(0, 10**6))
def test_fid_of_random_covariances_against_scipy(n, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    p = {"mu1": rng.normal(size=n).tolist(), "sigma1": (a @ a.T + 0.1 * np.eye(n)).tolist(),
         "mu2": rng.normal(size=n).tolist(), "sigma2": (b @ b.T + 0.1 * np.eye(n)).tolist()}
    s1, s2 = np.array(p["sigma1"]), np.array(p["sigma2"])
    expected = (np.sum((np.array(p["mu1"]) - np.array(p["mu2"])) ** 2) + np.trace(s1) + np.trace(s2)
                - 2 * np.trace(linalg.sqrtm(s1 @ s2).real))
    assert from_params(fid.FID, p).answer == pytest.approx(expected, rel=1e-7, abs=1e-7)


def test_adain_against_instance_norm():
    for problem in sampled(style.ADAIN):
        p = problem.params
        content = torch.tensor(p["content"], dtype=torch.float64)[None, :, :, None]   # (1, C, N, 1)
        out = F.instance_norm(content, eps=0.0)[0, :, :, 0]
        expected = out * torch.tensor(p["gamma"], dtype=torch.float64)[:, None] \
            + torch.tensor(p["beta"], dtype=torch.float64)[:, None]
        assert np.allclose(problem.answer, expected.numpy(), rtol=1e-10, atol=1e-10)


def test_cycle_loss_against_torch_l1():
    for problem in sampled(translation.CYCLE_LOSS):
        p = problem.params
        x, y = torch.tensor(p["x"], dtype=torch.float64), torch.tensor(p["y"], dtype=torch.float64)
        g = lambda v: p["G"][0] * v + p["G"][1]   # noqa: E731
        f = lambda v: p["F"][0] * v + p["F"][1]   # noqa: E731
        expected = p["lam"] * (F.l1_loss(f(g(x)), x) + F.l1_loss(g(f(y)), y))
        assert problem.answer == pytest.approx(float(expected), rel=1e-9, abs=1e-9)


# --- the edges of validate_params: texts and checks never raise ---------------------------------

tiny = st.sampled_from([0.0, 1e-300, 5e-324, 1e-12, 1e-6, 0.5, 1.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(tiny, tiny), min_size=1, max_size=6))
def test_distribution_edges(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    if sum(a) == 0 or sum(b) == 0:
        return
    a, b = [x / sum(a) for x in a], [y / sum(b) for y in b]
    for generator, params in [(discriminator.OPTIMAL_DISCRIMINATOR, {"p_data": a, "p_model": b}),
                              (discriminator.OPTIMAL_VALUE, {"p_data": a, "p_model": b}),
                              (discriminator.JSD, {"p": a, "q": b})]:
        try:
            generator.validate_params(params)
        except ParamsError:
            continue
        assert_survives(generator, params)


edge = st.sampled_from([0.0, 1e-9, -1e-9, 1.0, -1.0, 1e4, -1e4, 1e6, -1e6])


@settings(max_examples=150, deadline=None)
@given(edge, edge, edge, edge, st.sampled_from([1e-9, 1.0, 1e4]))
def test_numeric_edges(a, b, c, d, lam):
    cases = [
        (gradients.GENERATOR_GRADIENT, {"logit": max(-30.0, min(30.0, a))}),
        (fid.FID, {"mu1": [a, b], "sigma1": [[abs(c), 0], [0, abs(d)]], "mu2": [b, a], "sigma2": [[abs(d), 0], [0, 1]]}),
        (style.ADAIN, {"content": [[a, b, c], [d, a, 1.0]], "gamma": [c, d], "beta": [a, b]}),
        (translation.CYCLE_LOSS, {"x": [a, b], "y": [c], "G": [min(d, 1e4), 1.0], "F": [1.0, max(a, -1e4)],
                                  "lam": lam}),
    ]
    for generator, params in cases:
        try:
            generator.validate_params(params)
        except ParamsError:
            continue
        assert_survives(generator, params)


def test_invalid_params_are_refused():
    pair = {"p_data": [0.5, 0.5], "p_model": [0.25, 0.75]}
    assert_params_rejected(discriminator.OPTIMAL_VALUE, [
        {**pair, "p_data": [0.5, 0.6]}, {**pair, "p_data": [1.5, -0.5]}, {**pair, "p_model": [1.0]},
        {"p_data": [1, 0], "p_model": [1, 0, 0]}, {"p_data": [0.5, 0.5, 0], "p_model": [0.5, 0.5, 0]},
        {"p_data": [0.5, 0.5]}, {**pair, "extra": 1}, {**pair, "p_data": "0.5, 0.5"},
        {**pair, "p_data": [0.5, float("nan")]}, {**pair, "p_data": [1 / 64] * 64 + [0.0]},
    ])
    assert_params_rejected(fid.FID, [
        {"mu1": [0], "sigma1": [[-1]], "mu2": [0], "sigma2": [[1]]},
        {"mu1": [0, 0], "sigma1": [[1, 2], [0, 1]], "mu2": [0, 0], "sigma2": [[1, 0], [0, 1]]},
        {"mu1": [0, 0], "sigma1": [[1, 2], [2, 1]], "mu2": [0, 0], "sigma2": [[1, 0], [0, 1]]},
        {"mu1": [0], "sigma1": [[1]], "mu2": [0, 1], "sigma2": [[1]]},
        {"mu1": [0] * 9, "sigma1": [[1] * 9] * 9, "mu2": [0] * 9, "sigma2": [[1] * 9] * 9},
    ])
    assert_params_rejected(style.ADAIN, [
        {"content": [[1, 1, 1]], "gamma": [1], "beta": [0]}, {"content": [[1]], "gamma": [1], "beta": [0]},
        {"content": [[1, 2]], "gamma": [1, 2], "beta": [0]}, {"content": [[1, 2], [3]], "gamma": [1, 1], "beta": [0, 0]},
    ])
    assert_params_rejected(gradients.GENERATOR_GRADIENT, [{"logit": 100}, {"logit": "1"}, {"logit": True}, {}])
    assert_params_rejected(translation.CYCLE_LOSS, [
        {"x": [1], "y": [1], "G": [1, 0], "F": [1, 0], "lam": 0},
        {"x": [1], "y": [1], "G": [1], "F": [1, 0], "lam": 10},
        {"x": [], "y": [1], "G": [1, 0], "F": [1, 0], "lam": 10},
    ])
