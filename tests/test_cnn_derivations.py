"""The cnn derivation verifies, every step by SymPy or on exact instances, and its checks bite."""

from mpcheck.derive import run
from mpcheck_cnn import derive_conv_backward as derivation
from mpcheck_cnn import grids as G
from mpcheck_cnn.derivations import DERIVATIONS


def test_conv_input_gradient_derivation_verifies():
    (conv_input_gradient,) = [d for d in DERIVATIONS if d.name == "conv-input-gradient"]
    report = run(conv_input_gradient)
    steps = report.to_json()["steps"]
    assert report.verified and len(steps) >= 6
    assert all(step["verified"] and step["method"] in ("symbolic", "instances", "numeric") for step in steps)


def test_instance_check_rejects_an_unrotated_kernel():
    def unrotated(x_shape, kernel, upstream, padding, stride):
        return derivation._rotated_kernel_form(x_shape, G.rot180(kernel), upstream, padding, stride)

    ok, detail = derivation._formula_matches(True, True, draws=20, formula_of=unrotated)
    assert not ok and "SymPy gives" in detail


def test_rotated_kernel_form_agrees_with_the_generator():
    from mpcheck_cnn.backward import input_gradient

    layer = ((5, 4), [[1, -2, 0], [3, 1, 2]], [[1, 2], [-1, 3], [0, 2]], 1, 2)
    (h, w), kernel, upstream, padding, stride = layer
    assert derivation._rotated_kernel_form(*layer) == input_gradient(upstream, kernel, [h, w], padding, stride)
    assert derivation._rotated_kernel_form(*layer) == derivation._exact_input_gradient(*layer)
