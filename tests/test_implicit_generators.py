"""The implicit topic's generators: the kit over 500 seeds, the ★ nerf-composite against an independent
PyTorch computation (cumprod transmittance, as NeRF's code does), the others against PyTorch, NumPy,
autograd or closed forms, and params at the edges never crash."""

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from problem_edges import assert_survives_or_refused
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_implicit import encoding, fields, gaussians, rendering, surfaces

GENERATORS = [*rendering.GENERATORS, *encoding.GENERATORS, *surfaces.GENERATORS, *gaussians.GENERATORS,
              *fields.GENERATORS]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    ids = {g.id for g in GENERATORS}
    assert {"implicit.nerf-composite", "implicit.alpha-from-density", "implicit.positional-encoding",
            "implicit.secant-step", "implicit.ray-surface", "implicit.eikonal", "implicit.gaussian-covariance",
            "implicit.splat-alpha", "implicit.trilinear", "implicit.sdf-primitives", "implicit.voxel-memory"} <= ids


def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


def nerf_oracle(sigma, delta, colors):
    """NeRF's raw2outputs: alpha from density, transmittance from the optical depth in front,
    T_i = exp(−Σ_{j<i} σ_j δ_j) (raw2outputs' cumprod of 1 − α + 1e-10 would lose a T of e^(−38)
    behind an opaque sample)."""
    sigma, delta, rgb = (torch.tensor(v, dtype=torch.float64) for v in (sigma, delta, colors))
    alpha = -torch.expm1(-sigma * delta)  # 1 − exp(−σδ), without losing a tiny σδ to rounding
    depth = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumsum(sigma * delta, 0)[:-1]])
    return ((torch.exp(-depth) * alpha)[:, None] * rgb).sum(0)


@SETTINGS
@given(samples=st.lists(st.tuples(st.floats(0, 50), st.floats(0.01, 2), st.lists(st.floats(0, 1), min_size=3,
                                                                                  max_size=3)),
                        min_size=1, max_size=8))
@example(samples=[(19.0, 2.0, [0.0, 0.0, 0.0]), (1.0, 1.0, [0.0, 0.0, 1.0])])
def test_nerf_composite_matches_torch(samples):
    params = {"sigma": [s for s, _, _ in samples], "delta": [d for _, d, _ in samples],
              "colors": [c for _, _, c in samples]}
    expected = nerf_oracle(params["sigma"], params["delta"], params["colors"])
    verdict = problem(rendering.NERF_COMPOSITE, params).check(json.dumps(expected.tolist()))
    assert verdict.correct, (expected.tolist(), verdict.expected)


def test_nerf_constant_density_closed_form():
    # constant density σ over total length D with one colour c: the colour is (1 − e^{−σD}) c
    params = {"sigma": [2.0] * 4, "delta": [0.25] * 4, "colors": [[1.0, 0.5, 0.0]] * 4}
    expected = (1 - math.exp(-2.0)) * np.array([1.0, 0.5, 0.0])
    assert rendering.composite(params) == pytest.approx(expected.tolist(), abs=1e-12)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_positional_encoding_matches_torch(seed):
    p = Problem.from_seed(encoding.POSITIONAL_ENCODING, seed).params
    x = torch.tensor(p["x"], dtype=torch.float64)
    freqs = 2.0 ** torch.arange(p["L"], dtype=torch.float64) * math.pi
    angles = x[:, None] * freqs[None, :]                                   # (d, L)
    features = torch.stack([torch.sin(angles), torch.cos(angles)], -1).reshape(-1)
    if p["include_input"]:
        features = torch.cat([x, features])
    answer = encoding.POSITIONAL_ENCODING.solve(p)
    assert answer["size"] == features.numel()
    assert answer["values"] == pytest.approx(features.tolist(), abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_secant_step_is_the_root_of_the_linear_interpolant(seed):
    p = Problem.from_seed(surfaces.SECANT_STEP, seed).params
    t = surfaces.SECANT_STEP.solve(p)
    line = np.polyfit([p["t_a"], p["t_b"]], [p["o_a"], p["o_b"]], 1)
    assert np.polyval(line, t) == pytest.approx(p["tau"], abs=1e-9)
    assert p["t_a"] <= t <= p["t_b"]


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_ray_surface_lands_on_the_sphere_first(seed):
    p = Problem.from_seed(surfaces.RAY_SURFACE, seed).params
    t = surfaces.RAY_SURFACE.solve(p)
    d = np.array(p["direction"]) / np.linalg.norm(p["direction"])
    x = np.array(p["origin"]) + t * d
    assert np.linalg.norm(x - np.array(p["center"])) == pytest.approx(p["radius"], abs=1e-9)
    # marching from the origin, the SDF stays positive until t
    steps = np.linspace(0, t, 200)[:-1]
    assert all(np.linalg.norm(np.array(p["origin"]) + s * d - p["center"]) > p["radius"] - 1e-9 for s in steps)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_covariance_matches_torch(seed):
    p = Problem.from_seed(gaussians.GAUSSIAN_COVARIANCE, seed).params
    theta = torch.tensor(math.radians(p["angle"]), dtype=torch.float64)
    R = torch.stack([torch.stack([torch.cos(theta), -torch.sin(theta)]),
                     torch.stack([torch.sin(theta), torch.cos(theta)])])
    S = torch.diag(torch.tensor(p["scales"], dtype=torch.float64))
    expected = R @ S @ S.T @ R.T
    assert np.allclose(gaussians.GAUSSIAN_COVARIANCE.solve(p), expected.numpy(), atol=1e-9)
    # the eigenvalues are the squared scales
    assert sorted(np.linalg.eigvalsh(expected.numpy())) == pytest.approx(sorted(s * s for s in p["scales"]))


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_splat_alpha_matches_the_gaussian_density(seed):
    from scipy.stats import multivariate_normal

    p = Problem.from_seed(gaussians.SPLAT_ALPHA, seed).params
    cov = np.array(p["covariance"])
    # the unnormalised Gaussian: the density times its normaliser 2π √det Σ
    density = multivariate_normal(p["mean"], cov).pdf(p["pixel"]) * 2 * math.pi * math.sqrt(np.linalg.det(cov))
    assert gaussians.SPLAT_ALPHA.solve(p) == pytest.approx(p["opacity"] * density, rel=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_trilinear_matches_grid_sample(seed):
    p = Problem.from_seed(fields.TRILINEAR, seed).params
    # grid_sample indexes the volume as (D, H, W) = (z, y, x), with align_corners the cell spans [−1, 1]
    volume = torch.zeros(1, 1, 2, 2, 2, dtype=torch.float64)
    for (i, j, k), value in zip(fields.CORNERS, p["values"]):
        volume[0, 0, k, j, i] = value
    x, y, z = (2 * t - 1 for t in p["point"])
    grid = torch.tensor([[[[[x, y, z]]]]], dtype=torch.float64)
    expected = F.grid_sample(volume, grid, mode="bilinear", align_corners=True).item()
    assert fields.TRILINEAR.solve(p) == pytest.approx(expected, abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_sdf_primitives_have_unit_gradient_and_match_closed_forms(seed):
    p = Problem.from_seed(fields.SDF_PRIMITIVES, seed).params
    point = torch.tensor(p["point"], dtype=torch.float64, requires_grad=True)
    if p["shape"] == "sphere":
        value = torch.linalg.norm(point - torch.tensor(p["center"], dtype=torch.float64)) - p["radius"]
    elif p["shape"] == "plane":
        p1, p2, p3 = (torch.tensor(q, dtype=torch.float64) for q in p["points"])
        n = torch.linalg.cross(p2 - p1, p3 - p1)
        value = (n / torch.linalg.norm(n)) @ (point - p1)
    else:
        ring = torch.linalg.norm(point[[0, 2]]) - p["major"]
        value = torch.linalg.norm(torch.stack([ring, point[1]])) - p["minor"]
    value.backward()
    assert fields.SDF_PRIMITIVES.solve(p) == pytest.approx(value.item(), abs=1e-9)
    # |∇f| = 1 wherever the SDF is differentiable (not at a sphere's centre, on a torus's axis or circle)
    singular = (p["shape"] == "sphere" and p["point"] == p["center"]) or (
        p["shape"] == "torus" and (math.hypot(p["point"][0], p["point"][2]) == 0
                                   or [math.hypot(p["point"][0], p["point"][2]) - p["major"], p["point"][1]] == [0, 0]))
    if not singular:
        assert torch.linalg.norm(point.grad).item() == pytest.approx(1.0, abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_eikonal_matches_autograd_of_a_scaled_sdf(seed):
    p = Problem.from_seed(fields.EIKONAL, seed).params
    grads = torch.tensor(p["gradients"], dtype=torch.float64)
    expected = ((grads.norm(dim=1) - 1) ** 2).mean().item()
    assert fields.EIKONAL.solve(p) == pytest.approx(expected, abs=1e-12)


def test_voxel_memory_textbook():
    # 256³ float32 values: 64 MiB
    p = {"resolution": 256, "channels": 1, "bytes_per_value": 4}
    assert fields.VOXEL_MEMORY.solve(p) == 64


finite = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([0.0, 1e-300, -1e-300, 1e300])


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_edge_params_never_crash(generator):
    """Each key of a sampled problem replaced by an edge value: refused clearly, or solved and checked."""
    base = Problem.from_seed(generator, 0).params

    def mutate(value, draw):
        if isinstance(value, bool):
            return draw(st.booleans())
        if isinstance(value, (int, float)):
            return draw(finite | st.integers(-10**6, 10**6))
        if isinstance(value, list):
            return [mutate(v, draw) for v in value]
        return value

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def run(data):
        key = data.draw(st.sampled_from(sorted(base)))
        params = {**base, key: mutate(base[key], data.draw)}
        assert_survives_or_refused(generator, params)

    run()


def test_positional_encoding_solution_shows_the_values_it_grades():
    # cos(π/2) and sin(π) are float noise (6e-17, 1.2e-16) that the answer rounds to 0: the worked
    # solution must say 0 too, and write a negative coordinate in parentheses after \cdot
    params = {"x": [0.5, -0.25], "L": 2, "include_input": False}
    pr = Problem.from_params(encoding.POSITIONAL_ENCODING, params)
    solution = pr.solution()
    assert "e-1" not in solution, solution
    assert "\\cos(0.5\\pi) = 0$" in solution and "\\sin(1\\pi) = 0$" in solution
    assert "\\cdot (-0.25)" in solution and "\\cdot -" not in solution
    assert pr.answer["values"][:4] == [1.0, 0.0, 0.0, -1.0]


def test_sampled_splat_covariances_depend_on_the_rotation():
    # with equal scales Σ = s² I whatever R is: a student who ignores the rotation would be right
    for seed in range(300):
        p = Problem.from_seed(gaussians.GAUSSIAN_COVARIANCE, seed).params
        unrotated = np.array(gaussians.covariance({**p, "angle": 0.0}))
        assert not np.allclose(gaussians.covariance(p), unrotated, atol=1e-9), (seed, p)
