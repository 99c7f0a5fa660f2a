"""flows answers against PyTorch: torch.distributions for densities, torch.linalg.slogdet of autograd
Jacobians for log-determinants, F.pixel_unshuffle for squeeze. The ★ logdet gets random params from
hypothesis through Problem.from_params, as `--params` would give them; params at the edges of
validation never crash."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.autograd.functional import jacobian
from torch.distributions import MultivariateNormal, Normal

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck_flows import coupling, density, logdet, squeeze
from problem_edges import assert_survives

SETTINGS = settings(max_examples=150, deadline=None)
SEEDS = range(200)


def t(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


# --- ★ flows.logdet -------------------------------------------------------------------------

def layer_logdet_by_autograd(p) -> float:
    """log|det| of the whole layer's Jacobian on a C×H×W input, from autograd and slogdet."""
    weight = torch.diag(t(p["scale"])) if p["kind"] == "actnorm" else t(p["weight"])
    c = weight.shape[0]
    bias = torch.ones(c, dtype=torch.float64)  # ActNorm's bias: it must not change the determinant

    def layer(v):
        return F.conv2d(v[None], weight[:, :, None, None], bias if p["kind"] == "actnorm" else None)[0]

    x = torch.randn(c, p["height"], p["width"], dtype=torch.float64)
    full = jacobian(layer, x).reshape(x.numel(), x.numel())
    return float(torch.linalg.slogdet(full).logabsdet)


nonzero_scale = st.one_of(st.floats(0.01, 100), st.floats(-100, -0.01))


@st.composite
def small_layers(draw):
    c = draw(st.integers(1, 3))
    p = {"kind": draw(st.sampled_from(["actnorm", "conv1x1"])), "height": draw(st.integers(1, 3)),
         "width": draw(st.integers(1, 3))}
    if p["kind"] == "actnorm":
        p["scale"] = draw(st.lists(nonzero_scale, min_size=c, max_size=c))
    else:
        p["weight"] = draw(st.lists(st.lists(st.integers(-5, 5).map(float), min_size=c, max_size=c), min_size=c, max_size=c))
        if abs(float(torch.linalg.det(t(p["weight"])))) < 0.5:
            p["weight"] = [[float(i == j) * 2 + (i < j) for j in range(c)] for i in range(c)]
    return p


@SETTINGS
@given(small_layers())
def test_logdet_matches_slogdet_of_the_autograd_jacobian(p):
    answer = Problem.from_params(logdet.LOGDET, p).answer
    assert answer == pytest.approx(layer_logdet_by_autograd(p), rel=1e-9, abs=1e-9)


@SETTINGS
@given(small_layers(), st.sampled_from([1, 7, 64, 4096]), st.sampled_from([1, 5, 256, 4096]))
def test_logdet_at_any_size_matches_hw_times_slogdet(p, height, width):
    p = {**p, "height": height, "width": width}
    weight = torch.diag(t(p["scale"])) if p["kind"] == "actnorm" else t(p["weight"])
    expected = height * width * float(torch.linalg.slogdet(weight).logabsdet)
    assert assert_survives(logdet.LOGDET, p).answer == pytest.approx(expected, rel=1e-9, abs=1e-9)


@SETTINGS
@given(st.sampled_from([1e-6, -1e-6, 1e6, -1e6, 1.0]), st.integers(1, 4))
def test_logdet_at_the_edges_of_the_scales(scale, c):
    p = {"kind": "actnorm", "height": 4096, "width": 4096, "scale": [scale] * c}
    assert assert_survives(logdet.LOGDET, p).answer == pytest.approx(4096**2 * c * math.log(abs(scale)), abs=1e-9)


@pytest.mark.parametrize("scale", [[0.0], [1e-7], [2e6], [math.inf]])
def test_logdet_refuses_unusable_scales(scale):
    with pytest.raises(ParamsError):
        Problem.from_params(logdet.LOGDET, {"kind": "actnorm", "height": 2, "width": 2, "scale": scale})


def test_sampled_logdet_matches_autograd_on_small_maps():
    for seed in SEEDS:
        p = Problem.from_seed(logdet.LOGDET, seed).params
        small = {**p, "height": 2, "width": 3}
        assert Problem.from_params(logdet.LOGDET, small).answer == pytest.approx(layer_logdet_by_autograd(small), rel=1e-9)


# --- flows.lu-logdet --------------------------------------------------------------------------

def test_sampled_lu_logdet_matches_slogdet_of_the_product():
    for seed in SEEDS:
        p = Problem.from_seed(logdet.LU_LOGDET, seed).params
        weight = t(p["P"]) @ t(p["L"]) @ (t(p["U"]) + torch.diag(t(p["s"])))
        expected = p["height"] * p["width"] * float(torch.linalg.slogdet(weight).logabsdet)
        assert Problem.from_seed(logdet.LU_LOGDET, seed).answer == pytest.approx(expected, rel=1e-9)


# --- flows.change-of-variables ----------------------------------------------------------------

def torch_density(p) -> float:
    a, b, x = t(p["A"]), t(p["b"]), t(p["x"])
    if a.shape[0] == 1:
        return float(Normal(b[0], a[0, 0].abs()).log_prob(x[0]).exp())
    # x = A z + b with z ~ N(0, I) is N(b, A Aᵀ)
    return float(MultivariateNormal(b, a @ a.T).log_prob(x).exp())


@st.composite
def affine_maps(draw):
    n = draw(st.integers(1, 2))
    entries = st.floats(-5, 5).filter(lambda v: abs(v) > 0.1)
    a = draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=n, max_size=n))
    if abs(float(torch.linalg.det(t(a)))) < 0.1:
        a = [[1.5 if i == j else 0.0 for j in range(n)] for i in range(n)]
    vec = st.lists(st.floats(-3, 3), min_size=n, max_size=n)
    return {"A": a, "b": draw(vec), "x": draw(vec)}


@SETTINGS
@given(affine_maps())
def test_change_of_variables_matches_torch_distributions(p):
    answer = assert_survives(density.CHANGE_OF_VARIABLES, p).answer
    # the oracle goes through Σ = A Aᵀ, squaring A's condition number, and exp turns the
    # log-density's rounding (|log p| up to ~400 here) into relative error: 1e-9 is out of its
    # reach on near-singular A (3.14454811e-167 where 50-digit mpmath and the answer give 3.14454809e-167)
    assert answer == pytest.approx(torch_density(p), rel=1e-6, abs=1e-300)


def test_sampled_change_of_variables_matches_torch():
    for seed in SEEDS:
        problem = Problem.from_seed(density.CHANGE_OF_VARIABLES, seed)
        assert problem.answer == pytest.approx(torch_density(problem.params), rel=1e-9)


def test_change_of_variables_far_in_the_tail():
    p = {"A": [[1e-3]], "b": [1000.0], "x": [-1000.0]}
    assert assert_survives(density.CHANGE_OF_VARIABLES, p).answer == 0.0


# --- flows.coupling-forward / coupling-inverse ------------------------------------------------

def torch_coupling(p):
    """The layer as a torch function of the whole vector, for autograd."""
    k = len(p["W_s"])
    w_s, w_t = t(p["W_s"]), t(p["W_t"])

    def layer(v):
        a, b = (v[:k], v[k:]) if p["half"] == "first" else (v[k:], v[:k])
        y_a = a * torch.exp(w_s @ b) + w_t @ b
        return torch.cat([y_a, b]) if p["half"] == "first" else torch.cat([b, y_a])
    return layer


@st.composite
def couplings(draw, key):
    k = draw(st.integers(1, 3))
    weights = lambda: draw(st.lists(st.lists(st.floats(-1, 1), min_size=k, max_size=k), min_size=k, max_size=k))  # noqa: E731
    return {key: draw(st.lists(st.floats(-10, 10), min_size=2 * k, max_size=2 * k)), "W_s": weights(), "W_t": weights(),
            "half": draw(st.sampled_from(["first", "second"]))}


@SETTINGS
@given(couplings("x"))
def test_coupling_forward_matches_autograd(p):
    answer = assert_survives(coupling.COUPLING_FORWARD, p).answer
    layer, x = torch_coupling(p), t(p["x"])
    assert answer["y"] == pytest.approx(layer(x).tolist(), rel=1e-9, abs=1e-9)
    assert answer["log_det"] == pytest.approx(float(torch.linalg.slogdet(jacobian(layer, x)).logabsdet), abs=1e-9)


@SETTINGS
@given(couplings("y"))
def test_coupling_inverse_round_trips_through_the_forward_layer(p):
    answer = assert_survives(coupling.COUPLING_INVERSE, p).answer
    layer, x = torch_coupling(p), t(answer["x"])
    assert layer(x).tolist() == pytest.approx(p["y"], rel=1e-9, abs=1e-9)
    # the inverse's log-determinant is minus the forward one at the recovered x
    assert answer["log_det"] == pytest.approx(-float(torch.linalg.slogdet(jacobian(layer, x)).logabsdet), abs=1e-9)


# --- flows.squeeze-shape ----------------------------------------------------------------------

def torch_levels(p) -> list[int]:
    x = torch.empty(1, p["channels"], p["height"], p["width"], device="meta")
    for level in range(1, p["levels"] + 1):
        x = F.pixel_unshuffle(x, 2)
        if p["split"] and level < p["levels"]:
            x, _ = x.chunk(2, dim=1)
    return list(x.shape[1:])


@SETTINGS
@given(st.integers(1, 64), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.booleans())
def test_squeeze_shape_matches_pixel_unshuffle(channels, levels, h, w, split):
    channels = channels * 2 if split else channels
    p = {"channels": channels, "height": h * 2**levels, "width": w * 2**levels, "levels": levels, "split": split}
    assert assert_survives(squeeze.SQUEEZE_SHAPE, p).answer == torch_levels(p)


def test_sampled_squeeze_shapes_match_pixel_unshuffle():
    for seed in SEEDS:
        problem = Problem.from_seed(squeeze.SQUEEZE_SHAPE, seed)
        assert problem.answer == torch_levels(problem.params)
