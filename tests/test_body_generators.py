"""The body topic's generators: the kit over 500 seeds, the ★ lbs against PyTorch on random params,
the others against independent computations, and params at the edges never crash."""

import json
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from problem_edges import assert_survives_or_refused
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_body import kinematics, pose, skinning

GENERATORS = [*skinning.GENERATORS, *kinematics.GENERATORS, *pose.GENERATORS]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    ids = {g.id for g in GENERATORS}
    assert {"body.lbs", "body.shape-blend", "body.forward-kinematics", "body.soft-argmax",
            "body.reprojection-error"} <= ids


def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


def rigid(draw_angle, draw_translation):
    c, s = math.cos(draw_angle), math.sin(draw_angle)
    return [[c, -s, 0.0, draw_translation[0]], [s, c, 0.0, draw_translation[1]],
            [0.0, 0.0, 1.0, draw_translation[2]], [0.0, 0.0, 0.0, 1.0]]


small = st.floats(-5, 5, allow_nan=False)


@SETTINGS
@given(vertex=st.lists(small, min_size=3, max_size=3),
       bones=st.lists(st.tuples(st.floats(0.05, 3), st.floats(-3.2, 3.2), st.lists(small, min_size=3, max_size=3)),
                      min_size=1, max_size=4))
def test_lbs_matches_torch(vertex, bones):
    params = {"vertex": vertex, "weights": [w for w, _, _ in bones],
              "transforms": [rigid(a, t) for _, a, t in bones]}
    G = torch.tensor(params["transforms"], dtype=torch.float64)
    w = torch.tensor(params["weights"], dtype=torch.float64)
    # Σ_k (w_k/Σw) G_k [t; 1], by batched matrix products in PyTorch
    moved = G @ torch.tensor([*vertex, 1.0], dtype=torch.float64)
    expected = ((w / w.sum())[:, None] * moved).sum(0)[:3]
    verdict = problem(skinning.LBS, params).check(json.dumps(expected.tolist()))
    assert verdict.correct, (expected.tolist(), verdict.expected)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_shape_blend_matches_numpy(seed):
    p = Problem.from_seed(skinning.SHAPE_BLEND, seed).params
    expected = np.array(p["mean"]) + np.array(p["betas"]) @ np.array(p["directions"])
    assert skinning.SHAPE_BLEND.solve(p) == pytest.approx(expected.tolist(), abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_forward_kinematics_matches_homogeneous_products(seed):
    p = Problem.from_seed(kinematics.FORWARD_KINEMATICS, seed).params
    G = np.eye(3)
    for theta, length in zip(p["angles"], p["lengths"]):
        c, s = np.cos(np.radians(theta)), np.sin(np.radians(theta))
        G = G @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ np.array([[1, 0, length], [0, 1, 0], [0, 0, 1]])
    assert kinematics.FORWARD_KINEMATICS.solve(p) == pytest.approx((G @ [0, 0, 1])[:2].tolist(), abs=1e-9)


@SETTINGS
@given(heatmap=st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(st.floats(-3, 3), min_size=w, max_size=w),
                                                             min_size=1, max_size=4)),
       beta=st.floats(0.1, 5))
def test_soft_argmax_matches_torch(heatmap, beta):
    h = torch.tensor(heatmap, dtype=torch.float64)
    p = torch.softmax(beta * h.flatten(), 0).reshape(h.shape)
    rows, cols = torch.meshgrid(torch.arange(1, h.shape[0] + 1.0, dtype=torch.float64),
                                torch.arange(1, h.shape[1] + 1.0, dtype=torch.float64), indexing="ij")
    expected = [float((p * cols).sum()), float((p * rows).sum())]
    assert pose.soft_argmax({"heatmap": heatmap, "beta": beta}) == pytest.approx(expected, abs=1e-9)


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_reprojection_matches_numpy(seed):
    p = Problem.from_seed(pose.REPROJECTION_ERROR, seed).params
    X, x = np.array(p["points"]), np.array(p["detections"])
    K = np.array([[p["focal"], 0, p["center"][0]], [0, p["focal"], p["center"][1]], [0, 0, 1]])
    projected = (K @ X.T).T
    projected = projected[:, :2] / projected[:, 2:]
    assert pose.REPROJECTION_ERROR.solve(p) == pytest.approx(float(((projected - x) ** 2).sum()), rel=1e-9)


def test_textbook_lbs_translation_and_blend():
    # two bones: one fixed, one shifting by +2 in x; half-half weights move the vertex by +1
    identity = [[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 1.0]]
    shift = [[1.0, 0, 0, 2.0], [0, 1.0, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 1.0]]
    p = {"vertex": [1.0, 1.0, 0.0], "weights": [1.0, 1.0], "transforms": [identity, shift]}
    assert skinning.LBS.solve(p) == [2.0, 1.0, 0.0]
    assert problem(skinning.LBS, p).check("[4, 2, 0]").mistake == "weights-not-normalised"


finite = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([0.0, 1e-300, -1e-300, 1e300])
matrix4 = st.lists(st.lists(finite, min_size=4, max_size=4), min_size=4, max_size=4)


@pytest.mark.parametrize("generator, strategy", [
    (skinning.LBS, st.integers(1, 3).flatmap(lambda k: st.fixed_dictionaries({
        "vertex": st.lists(finite, min_size=3, max_size=3), "weights": st.lists(finite, min_size=k, max_size=k),
        "transforms": st.lists(matrix4.map(lambda m: [*m[:3], [0.0, 0.0, 0.0, 1.0]]), min_size=k, max_size=k)}))),
    (skinning.SHAPE_BLEND, st.integers(1, 3).flatmap(lambda b: st.fixed_dictionaries({
        "mean": st.lists(finite, min_size=3, max_size=3), "betas": st.lists(finite, min_size=b, max_size=b),
        "directions": st.lists(st.lists(finite, min_size=3, max_size=3), min_size=b, max_size=b)}))),
    (kinematics.FORWARD_KINEMATICS, st.integers(1, 4).flatmap(lambda n: st.fixed_dictionaries({
        "lengths": st.lists(finite, min_size=n, max_size=n), "angles": st.lists(finite, min_size=n, max_size=n)}))),
    (pose.SOFT_ARGMAX, st.fixed_dictionaries({
        "heatmap": st.lists(st.lists(finite, min_size=2, max_size=2), min_size=1, max_size=3),
        "beta": finite})),
    (pose.REPROJECTION_ERROR, st.integers(1, 3).flatmap(lambda n: st.fixed_dictionaries({
        "points": st.lists(st.lists(finite, min_size=3, max_size=3), min_size=n, max_size=n),
        "detections": st.lists(st.lists(finite, min_size=2, max_size=2), min_size=n, max_size=n),
        "focal": finite, "center": st.lists(finite, min_size=2, max_size=2)}))),
], ids=lambda x: getattr(x, "id", ""))
def test_edge_params_never_crash(generator, strategy):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=strategy)
    def run(params):
        assert_survives_or_refused(generator, params)

    run()
