"""The implicit references against their oracles on the test device, and every exercise sound."""

import os

import pytest

from mpcheck.host.entrypoints import load_object
from mpcheck.testing import assert_exercise_sound
from mpcheck_implicit.references import REFERENCES

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_agrees_with_its_oracle(reference):
    result = load_object(reference.run)(DEVICE)
    assert result.passed, (reference.name, result.max_abs_error, result.tolerance)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_exercise_is_sound(reference):
    assert_exercise_sound(reference.exercise, device=DEVICE)

