"""Linear blend skinning and forward kinematics over a kinematic tree, as SMPL computes them.

Forward kinematics: each joint k has a local rigid transform L_k (rotation and offset relative to
its parent); its world transform composes the chain from the root, parent first:

    G_k = G_parent(k) · L_k,     G_root = L_root

Linear blend skinning: every vertex follows every bone, blended by its (normalised) weights,

    t'_i = Σ_k w̄_ki G_k [t_i; 1],    w̄_ki = w_ki / Σ_k w_ki
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def forward_kinematics(local: torch.Tensor, parents: list[int]) -> torch.Tensor:
    """(J, 4, 4) local transforms and each joint's parent (−1 for the root, parents before
    children) → (J, 4, 4) world transforms."""
    world = []
    for k, parent in enumerate(parents):
        # G_k = G_parent · L_k: the child's transform is expressed in its parent's frame
        world.append(local[k] if parent < 0 else world[parent] @ local[k])
    return torch.stack(world)


def lbs(vertices: torch.Tensor, weights: torch.Tensor, transforms: torch.Tensor) -> torch.Tensor:
    """(V, 3) rest-pose vertices, (V, K) non-negative bone influences, (K, 4, 4) bone transforms
    → (V, 3) skinned vertices."""
    # w̄ = w / Σ_k w: a convex combination of rigid motions
    w = weights / weights.sum(dim=1, keepdim=True)
    # one blended 4×4 per vertex: Σ_k w̄_vk G_k
    blended = torch.einsum("vk,kij->vij", w, transforms)
    homogeneous = torch.cat([vertices, torch.ones_like(vertices[:, :1])], dim=1)   # [t; 1]
    return (blended @ homogeneous[:, :, None])[:, :3, 0]


# --- exercises: cases, oracles and known bugs ------------------------------------------------------

def random_rigid(count: int, generator: torch.Generator, dtype: torch.dtype) -> torch.Tensor:
    """(count, 4, 4) rotations (from a QR of a random matrix) with random translations."""
    q, r = torch.linalg.qr(torch.randn(count, 3, 3, generator=generator, dtype=torch.float64))
    q = q * torch.sign(torch.diagonal(r, dim1=1, dim2=2))[:, None, :]
    G = torch.zeros(count, 4, 4, dtype=torch.float64)
    G[:, :3, :3] = q
    G[:, :3, 3] = torch.randn(count, 3, generator=generator, dtype=torch.float64)
    G[:, 3, 3] = 1
    return G.to(dtype)


def random_parents(joints: int, generator: torch.Generator) -> list[int]:
    return [-1] + [int(torch.randint(0, k, (), generator=generator)) for k in range(1, joints)]


def lbs_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for vertices, bones in [(1, 2), (5, 3), *((int(torch.randint(1, 40, (), generator=generator)),
                                                int(torch.randint(1, 6, (), generator=generator))) for _ in range(3))]:
        t = torch.randn(vertices, 3, generator=generator, dtype=dtype)
        w = torch.rand(vertices, bones, generator=generator, dtype=dtype) + 0.1   # raw, not normalised
        G = random_rigid(bones, generator, dtype)
        cases.append(Case(f"{vertices} vertices, {bones} bones", (t.to(device), w.to(device), G.to(device))))
    return cases


def lbs_oracle(vertices, weights, transforms):
    """Vertex by vertex and bone by bone, with explicit matrix-vector products."""
    out = []
    for t, w in zip(vertices, weights):
        point = torch.cat([t, t.new_ones(1)])
        moved = sum((wk / w.sum()) * (G @ point) for wk, G in zip(w, transforms))
        out.append(moved[:3])
    return torch.stack(out)


def _blend(vertices, weights, transforms, homogeneous: float = 1.0, transpose: bool = False):
    G = transforms.transpose(1, 2) if transpose else transforms
    blended = torch.einsum("vk,kij->vij", weights, G)
    point = torch.cat([vertices, torch.full_like(vertices[:, :1], homogeneous)], dim=1)
    return (blended @ point[:, :, None])[:, :3, 0]


def lbs_unnormalised(vertices, weights, transforms):
    return _blend(vertices, weights, transforms)


def lbs_without_translation(vertices, weights, transforms):
    return _blend(vertices, weights / weights.sum(1, keepdim=True), transforms, homogeneous=0.0)


def lbs_transposed(vertices, weights, transforms):
    return _blend(vertices, weights / weights.sum(1, keepdim=True), transforms, transpose=True)


def fk_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    cases = []
    for joints in (1, 2, 4, *(int(torch.randint(2, 24, (), generator=generator)) for _ in range(3))):
        parents = [-1] + list(range(joints - 1)) if joints <= 4 else random_parents(joints, generator)
        local = random_rigid(joints, generator, dtype).to(device)
        cases.append(Case(f"{joints} joints, parents {parents}", (local, parents)))
    return cases


def fk_oracle(local, parents):
    """Each joint on its own: walk up to the root, then multiply the path root first."""
    out = []
    for k in range(len(parents)):
        path, j = [], k
        while j >= 0:
            path.append(j)
            j = parents[j]
        G = torch.eye(4, dtype=local.dtype, device=local.device)
        for j in reversed(path):
            G = G @ local[j]
        out.append(G)
    return torch.stack(out)


def fk_child_first(local, parents):
    world = []
    for k, parent in enumerate(parents):
        world.append(local[k] if parent < 0 else local[k] @ world[parent])
    return torch.stack(world)


def fk_no_chain(local, parents):
    return local.clone()


# --- checks against the oracles --------------------------------------------------------------------

def check_lbs(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(lbs(*c.args), lbs_oracle(*c.args)) for c in lbs_cases(generator, device, torch.float64)]
    t, w, G = lbs_cases(torch.Generator().manual_seed(1), device, torch.float64)[-1].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: lbs(t, w, G), device), builtin_ms=None)


def check_forward_kinematics(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(forward_kinematics(*c.args), fk_oracle(*c.args))
              for c in fk_cases(generator, device, torch.float64)]
    local, parents = fk_cases(torch.Generator().manual_seed(1), device, torch.float64)[-1].args
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: forward_kinematics(local, parents), device), builtin_ms=None)
