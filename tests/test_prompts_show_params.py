"""What you see is what is graded: a prompt shows every real param with all the digits the answer
uses, also for params a teaching assistant typed (``--params``), not only for the short decimals
the samplers draw. Each real param of a sampled problem is lengthened in turn to a value with many
digits; where validation accepts it, the prompt must show it exactly."""

import json

import pytest

from mpcheck.errors import ParamsError
from mpcheck.problem import Problem
from mpcheck.text import exact
from mpcheck_autoregressive import attention, vq
from mpcheck_body import kinematics, pose, skinning
from mpcheck_implicit import encoding, fields, gaussians, rendering, surfaces
from mpcheck_math import plane, probability, secant

# every generator with real params (the determinant lemma, voxel memory, masks, counts and receptive
# fields take integers only, and integers are shown whole)
GENERATORS = [
    *secant.GENERATORS, *plane.GENERATORS, *probability.GENERATORS,
    *skinning.GENERATORS, *kinematics.GENERATORS, *pose.GENERATORS,
    *rendering.GENERATORS, *encoding.GENERATORS, *surfaces.GENERATORS, *gaussians.GENERATORS,
    fields.TRILINEAR, fields.SDF_PRIMITIVES, fields.EIKONAL,
    *attention.GENERATORS, *vq.GENERATORS,  # (sequence-nll: rows that must sum to 1, shown to 15 digits)
]


def real_leaves(value, path=()):
    """Paths to the float entries of a params object."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from real_leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from real_leaves(item, (*path, index))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path  # a whole number too: a user may type 0.30000001 where the sampler drew 0


def replaced(params, path, value):
    out = json.loads(json.dumps(params))
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def lengthened(x: float) -> float:
    """x moved by a little more than 4 significant digits show: 0.5 → 0.500012345."""
    return float(f"{x + (abs(x) or 1) * 1.2345e-5:.9g}")


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_prompt_shows_typed_params_exactly(generator):
    tried = 0
    for seed in range(12):
        params = Problem.from_seed(generator, seed).params
        for path in real_leaves(params):
            value = lengthened(params_at(params, path))
            try:
                problem = Problem.from_params(generator, replaced(params, path, value))
            except ParamsError:
                continue  # a constrained entry (a probability row, a homogeneous row): not a free param
            tried += 1
            prompt = problem.prompt()
            assert exact(value) in prompt or exact(-value) in prompt, (
                f"{generator.id}: param {'/'.join(map(str, path))} = {value!r} is not shown exactly in\n{prompt}")
    assert tried, f"{generator.id}: no real param could be lengthened"


def params_at(params, path):
    for key in path:
        params = params[key]
    return params
