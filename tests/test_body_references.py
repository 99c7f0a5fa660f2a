"""The body references against their oracles on the test device, every exercise sound, and
forward kinematics + skinning together against the smplx package's own ``lbs``."""

import os

import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.testing import assert_exercise_sound
from mpcheck_body.references import REFERENCES
from mpcheck_body.references.skinning import forward_kinematics, lbs, random_parents, random_rigid

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_agrees_with_its_oracle(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, (reference.name, result.max_abs_error, result.tolerance)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_is_sound(reference):
    assert_exercise_sound(reference.exercise, device=DEVICE)


@pytest.mark.parametrize("seed", range(5))
def test_fk_and_lbs_match_smplx(seed):
    import smplx.lbs as smplx_lbs  # a test-only dependency (the test extra): an independent oracle

    generator = torch.Generator().manual_seed(seed)
    joints, vertices = 6, 30
    parents = random_parents(joints, generator)
    rotations = random_rigid(joints, generator, torch.float64)[:, :3, :3]
    rest_joints = torch.randn(joints, 3, generator=generator, dtype=torch.float64)
    # the first vertices are the joints, so an identity regressor recovers them
    template = torch.cat([rest_joints, torch.randn(vertices - joints, 3, generator=generator, dtype=torch.float64)])
    regressor = torch.zeros(joints, vertices, dtype=torch.float64)
    regressor[:, :joints] = torch.eye(joints, dtype=torch.float64)
    weights = torch.rand(vertices, joints, generator=generator, dtype=torch.float64)
    weights = weights / weights.sum(1, keepdim=True)
    verts, posed_joints = smplx_lbs.lbs(
        betas=torch.zeros(1, 1, dtype=torch.float64), pose=rotations.reshape(1, joints, 9),
        v_template=template, shapedirs=torch.zeros(vertices, 3, 1, dtype=torch.float64),
        posedirs=torch.zeros((joints - 1) * 9, vertices * 3, dtype=torch.float64), J_regressor=regressor,
        parents=torch.tensor(parents), lbs_weights=weights, pose2rot=False)
    # ours: local transforms (rotation, offset from the parent), world transforms, then skinning
    # with each bone's transform relative to its rest pose: A_k = G_k [I, −J_k; 0, 1]
    local = torch.zeros(joints, 4, 4, dtype=torch.float64)
    local[:, :3, :3], local[:, 3, 3] = rotations, 1
    local[:, :3, 3] = rest_joints - torch.stack([rest_joints[p] if p >= 0 else torch.zeros(3, dtype=torch.float64)
                                                 for p in parents])
    world = forward_kinematics(local, parents)
    unrest = torch.eye(4, dtype=torch.float64).repeat(joints, 1, 1)
    unrest[:, :3, 3] = -rest_joints
    ours = lbs(template, weights, world @ unrest)
    assert torch.allclose(world[:, :3, 3], posed_joints[0], atol=1e-12)
    assert torch.allclose(ours, verts[0], atol=1e-12)
