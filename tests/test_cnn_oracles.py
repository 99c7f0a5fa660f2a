"""cnn generator answers against PyTorch: two independent computations must agree.

The ★ generators (conv-output-size, param-count, conv2d-forward, maxpool-backward) get random
valid params from hypothesis through ``Problem.from_params``; the others are compared with
PyTorch on their own sampled params over many seeds.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.problem import Problem
from mpcheck_cnn import backward, forward, layers, pooling, sizes, transposed

SEEDS = range(150)
SETTINGS = settings(max_examples=150, deadline=None)


def tensor(grid) -> torch.Tensor:
    return torch.tensor(grid, dtype=torch.float64)[None, None]


def as_grid(t: torch.Tensor) -> list[list[float]]:
    return t[0, 0].tolist()


def assert_grid_equal(answer, expected: torch.Tensor) -> None:
    assert np.allclose(np.array(answer, dtype=float), expected.detach().numpy()[0, 0], atol=1e-9)


def sampled(generator):
    for seed in SEEDS:
        yield Problem.from_seed(generator, seed)


# --- ★ cnn.conv-output-size -----------------------------------------------------------------

@st.composite
def conv_params(draw):
    kernel, dilation = draw(st.integers(1, 7)), draw(st.integers(1, 4))
    padding = draw(st.integers(0, 4))
    extent = dilation * (kernel - 1) + 1
    low = max(1, extent - 2 * padding)
    return {"in_channels": draw(st.integers(1, 8)), "height": draw(st.integers(low, 40)),
            "width": draw(st.integers(low, 40)), "out_channels": draw(st.integers(1, 8)),
            "kernel": kernel, "padding": padding, "stride": draw(st.integers(1, 5)), "dilation": dilation}


@SETTINGS
@given(conv_params())
def test_conv_output_size_matches_conv2d(p):
    x = torch.empty(1, p["in_channels"], p["height"], p["width"], device="meta")
    w = torch.empty(p["out_channels"], p["in_channels"], p["kernel"], p["kernel"], device="meta")
    y = F.conv2d(x, w, stride=p["stride"], padding=p["padding"], dilation=p["dilation"])
    assert Problem.from_params(sizes.CONV_OUTPUT_SIZE, p).answer == list(y.shape[1:])


# --- ★ cnn.param-count ----------------------------------------------------------------------

@SETTINGS
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 7), st.booleans())
def test_param_count_matches_conv2d_module(c_in, c_out, k, bias):
    p = {"in_channels": c_in, "out_channels": c_out, "kernel": k, "bias": bias}
    layer = torch.nn.Conv2d(c_in, c_out, k, bias=bias, device="meta")
    assert Problem.from_params(layers.PARAM_COUNT, p).answer == sum(t.numel() for t in layer.parameters())


# --- ★ cnn.conv2d-forward -------------------------------------------------------------------

small = st.integers(-3, 4)


@st.composite
def forward_params(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding, stride = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    h = draw(st.integers(max(1, kh - 2 * padding), 7))
    w = draw(st.integers(max(1, kw - 2 * padding), 7))
    grid = lambda r, c: draw(st.lists(st.lists(small, min_size=c, max_size=c), min_size=r, max_size=r))
    return {"input": grid(h, w), "kernel": grid(kh, kw), "padding": padding, "stride": stride,
            "mode": draw(st.sampled_from(["correlation", "convolution"]))}


@SETTINGS
@given(forward_params())
def test_conv2d_forward_matches_f_conv2d(p):
    kernel = tensor(p["kernel"])
    # F.conv2d correlates; a true convolution is the correlation with the kernel rotated by 180°
    if p["mode"] == "convolution":
        kernel = kernel.flip(2, 3)
    expected = F.conv2d(tensor(p["input"]), kernel, stride=p["stride"], padding=p["padding"])
    assert_grid_equal(Problem.from_params(forward.CONV2D_FORWARD, p).answer, expected)


def test_conv2d_forward_float_entries():
    p = {"input": [[0.5, -1.25, 2], [1, 0, 3.5]], "kernel": [[0.5, 2]], "padding": 0, "stride": 1,
         "mode": "convolution"}
    expected = F.conv2d(tensor(p["input"]), tensor(p["kernel"]).flip(2, 3))
    assert_grid_equal(Problem.from_params(forward.CONV2D_FORWARD, p).answer, expected)


# --- ★ cnn.maxpool-backward -----------------------------------------------------------------

def autograd_pool_grad(x, upstream, size, stride) -> torch.Tensor:
    x = tensor(x).requires_grad_()
    F.max_pool2d(x, size, stride).backward(tensor(upstream))
    return x.grad


@st.composite
def pool_params(draw, values=st.integers(-20, 20)):
    size, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(size, 6)), draw(st.integers(size, 6))
    rows, cols = (h - size) // stride + 1, (w - size) // stride + 1
    grid = lambda r, c, v: draw(st.lists(st.lists(v, min_size=c, max_size=c), min_size=r, max_size=r))
    return {"input": grid(h, w, values), "size": size, "stride": stride,
            "upstream": grid(rows, cols, st.integers(-5, 5))}


@SETTINGS
@given(pool_params())
def test_maxpool_backward_matches_autograd(p):
    expected = autograd_pool_grad(p["input"], p["upstream"], p["size"], p["stride"])
    assert_grid_equal(Problem.from_params(pooling.MAXPOOL_BACKWARD, p).answer, expected)


@SETTINGS
@given(pool_params(values=st.integers(0, 2)))
def test_maxpool_backward_with_ties_follows_pytorch(p):
    # few distinct values: most windows hold ties, and PyTorch's choice must be reproduced
    expected = autograd_pool_grad(p["input"], p["upstream"], p["size"], p["stride"])
    assert_grid_equal(Problem.from_params(pooling.MAXPOOL_BACKWARD, p).answer, expected)


def test_maxpool_tie_is_explained_in_the_solution():
    p = {"input": [[3, 3], [1, 0]], "size": 2, "stride": 2, "upstream": [[7]]}
    problem = Problem.from_params(pooling.MAXPOOL_BACKWARD, p)
    assert problem.answer == [[7, 0], [0, 0]]
    assert "tie" in problem.solution()


def test_sampled_pool_windows_have_no_ties():
    for problem in sampled(pooling.MAXPOOL_BACKWARD):
        p = problem.params
        h, w = len(p["input"]), len(p["input"][0])
        flat = [v for row in p["input"] for v in row]
        assert len(set(flat)) == h * w


# --- the other generators against PyTorch on sampled params ---------------------------------

def test_pool_output_size_matches_max_pool2d():
    for problem in sampled(sizes.POOL_OUTPUT_SIZE):
        p = problem.params
        x = torch.empty(1, p["channels"], p["height"], p["width"], device="meta")
        y = F.max_pool2d(x, p["kernel"], p["stride"], p["padding"])
        assert problem.answer == list(y.shape[1:])


def build_chain(p) -> torch.nn.Sequential:
    modules, channels = [], p["channels"]
    for layer in p["layers"]:
        if layer["type"] == "pool":
            modules.append(torch.nn.MaxPool2d(layer["kernel"], layer["stride"], layer["padding"]))
        else:
            modules.append(torch.nn.Conv2d(channels, layer["out_channels"], layer["kernel"], layer["stride"],
                                           layer["padding"], layer.get("dilation", 1), device="meta"))
            channels = layer["out_channels"]
    return torch.nn.Sequential(*modules)


def test_chain_output_size_matches_sequential():
    for problem in sampled(layers.CHAIN_OUTPUT_SIZE):
        p = problem.params
        y = build_chain(p)(torch.empty(1, p["channels"], p["height"], p["width"], device="meta"))
        assert problem.answer == list(y.shape[1:])


def gradient_receptive_field(layer_list) -> int:
    """Width of the input region that one output pixel depends on, measured with autograd."""
    size = 1 + sum((l["kernel"] - 1) * l.get("dilation", 1) for l in layer_list) * 8 + 64
    x = torch.ones(1, 1, 1, size, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layer_list:
        k, d = layer["kernel"], layer.get("dilation", 1)
        y = F.conv1d(y[:, :, 0], torch.ones(1, 1, k, dtype=torch.float64), stride=layer["stride"],
                     dilation=d)[:, :, None]
    y[0, 0, 0, y.shape[-1] // 2].backward()
    touched = x.grad[0, 0, 0].nonzero().flatten()
    return int(touched.max() - touched.min() + 1)


def test_receptive_field_matches_gradient_support():
    for problem in sampled(layers.RECEPTIVE_FIELD):
        assert problem.answer == gradient_receptive_field(problem.params["layers"])


def test_conv_as_matrix_reproduces_conv1d():
    for problem in sampled(forward.CONV_AS_MATRIX):
        p = problem.params
        t = torch.tensor(problem.answer, dtype=torch.float64)
        kernel = torch.tensor(p["kernel"], dtype=torch.float64)
        if p["mode"] == "convolution":
            kernel = kernel.flip(0)
        # column j of T is the response to the unit impulse e_j
        eye = torch.eye(p["length"], dtype=torch.float64)[:, None, :]
        responses = F.conv1d(eye, kernel[None, None], stride=p["stride"], padding=p["padding"])[:, 0, :]
        assert torch.allclose(t, responses.T)


def conv_autograd(p, kernel, x):
    x = tensor(x).requires_grad_()
    k = tensor(kernel).requires_grad_()
    F.conv2d(x, k, stride=p["stride"], padding=p["padding"]).backward(tensor(p["upstream"]))
    return x.grad, k.grad


def test_conv_backward_kernel_matches_autograd():
    for problem in sampled(backward.CONV_BACKWARD_KERNEL):
        p = problem.params
        k = p["kernel_size"]
        _, grad_k = conv_autograd(p, [[0.5] * k for _ in range(k)], p["input"])
        assert_grid_equal(problem.answer, grad_k)


def test_conv_backward_input_matches_autograd():
    for problem in sampled(backward.CONV_BACKWARD_INPUT):
        p = problem.params
        h, w = p["input_size"]
        grad_x, _ = conv_autograd(p, p["kernel"], [[0.0] * w for _ in range(h)])
        assert_grid_equal(problem.answer, grad_x)


def test_transposed_conv_matches_conv_transpose2d():
    for problem in sampled(transposed.TRANSPOSED_CONV):
        p = problem.params
        y = F.conv_transpose2d(tensor(p["input"]), tensor(p["kernel"]), stride=p["stride"], padding=p["padding"])
        assert_grid_equal(problem.answer, y)


def test_transposed_conv_size_matches_conv_transpose2d():
    for problem in sampled(transposed.TRANSPOSED_CONV_SIZE):
        p = problem.params
        x = torch.empty(1, p["in_channels"], p["height"], p["width"], device="meta")
        w = torch.empty(p["in_channels"], p["out_channels"], p["kernel"], p["kernel"], device="meta")
        y = F.conv_transpose2d(x, w, stride=p["stride"], padding=p["padding"],
                               output_padding=p["output_padding"], dilation=p["dilation"])
        assert problem.answer == list(y.shape[1:])


def unpool_oracle(p) -> torch.Tensor:
    y, f = tensor(p["input"]), p["factor"]
    if p["kind"] == "nearest":
        return F.interpolate(y, scale_factor=f, mode="nearest")
    if p["kind"] == "bed-of-nails":
        # a transposed conv with a one-hot top-left kernel and stride f places each value alone
        nail = torch.zeros(1, 1, f, f, dtype=torch.float64)
        nail[0, 0, 0, 0] = 1
        return F.conv_transpose2d(y, nail, stride=f)
    _, indices = F.max_pool2d(tensor(p["pooled_from"]), f, f, return_indices=True)
    return F.max_unpool2d(y, indices, f, f)


@pytest.mark.parametrize("kind", ["nearest", "bed-of-nails", "max-unpool"])
def test_unpooling_matches_pytorch(kind):
    problems = [pr for pr in sampled(pooling.UNPOOLING) if pr.params["kind"] == kind]
    assert len(problems) >= 20
    for problem in problems:
        assert_grid_equal(problem.answer, unpool_oracle(problem.params))


def test_max_unpool_with_ties_follows_pytorch():
    p = {"kind": "max-unpool", "input": [[5, 6]], "factor": 2, "pooled_from": [[1, 1, 0, 2], [1, 0, 2, 2]]}
    problem = Problem.from_params(pooling.UNPOOLING, p)
    assert_grid_equal(problem.answer, unpool_oracle(p))
    assert "tie" in problem.solution()
