"""rnn generator answers against independent computations: PyTorch built-ins and autograd."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.problem import Problem
from mpcheck_rnn import bptt, clipping, counts, forward, lstm, regime
from mpcheck_rnn.references import lstm as lstm_ref

SETTINGS = settings(max_examples=60, deadline=None)
entry = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def vectors(n):
    return st.lists(entry, min_size=n, max_size=n)


def matrices(rows, cols):
    return st.lists(vectors(cols), min_size=rows, max_size=rows)


@st.composite
def lstm_params(draw):
    X, H = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return {"x": draw(vectors(X)), "h_prev": draw(vectors(H)), "c_prev": draw(vectors(H)),
            "W": draw(matrices(4 * H, X + H)), "b": draw(vectors(4 * H))}


def t64(value):
    return torch.tensor(value, dtype=torch.float64)


@SETTINGS
@given(lstm_params())
def test_lstm_step_matches_torch_lstmcell(params):
    got = Problem.from_params(lstm.LSTM_STEP, params).answer
    # nn.LSTMCell stacks its gates i, f, g, o: reorder our blocks i, f, o, g and split W by columns
    X, H = len(params["x"]), len(params["h_prev"])
    W, b = t64(params["W"]), t64(params["b"])
    blocks = [W[k * H:(k + 1) * H] for k in range(4)]
    biases = [b[k * H:(k + 1) * H] for k in range(4)]
    W_torch = torch.cat([blocks[0], blocks[1], blocks[3], blocks[2]])
    b_torch = torch.cat([biases[0], biases[1], biases[3], biases[2]])
    cell = torch.nn.LSTMCell(X, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(W_torch[:, :X])
        cell.weight_hh.copy_(W_torch[:, X:])
        cell.bias_ih.copy_(b_torch)
        cell.bias_hh.zero_()
        h, c = cell(t64([params["x"]]), (t64([params["h_prev"]]), t64([params["c_prev"]])))
    assert torch.allclose(t64(got["h"]), h[0], atol=1e-12, rtol=1e-10)
    assert torch.allclose(t64(got["c"]), c[0], atol=1e-12, rtol=1e-10)


@SETTINGS
@given(lstm_params())
def test_lstm_step_matches_reference_implementation(params):
    got = Problem.from_params(lstm.LSTM_STEP, params).answer
    h, c = lstm_ref.lstm_cell(t64([params["x"]]), t64([params["h_prev"]]), t64([params["c_prev"]]),
                              t64(params["W"]), t64(params["b"]))
    assert torch.allclose(t64(got["h"]), h[0], atol=1e-12) and torch.allclose(t64(got["c"]), c[0], atol=1e-12)


@st.composite
def rnn_params(draw):
    X, H, Y = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    return {"x": draw(matrices(2, X)), "h0": draw(vectors(H)), "W_xh": draw(matrices(H, X)),
            "W_hh": draw(matrices(H, H)), "W_hy": draw(matrices(Y, H)), "b": draw(vectors(H))}


@SETTINGS
@given(rnn_params())
def test_rnn_forward_matches_torch_rnn(params):
    got = Problem.from_params(forward.RNN_FORWARD, params).answer
    H, X = len(params["W_xh"]), len(params["x"][0])
    rnn = torch.nn.RNN(X, H, nonlinearity="tanh").double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(t64(params["W_xh"]))
        rnn.weight_hh_l0.copy_(t64(params["W_hh"]))
        rnn.bias_ih_l0.copy_(t64(params["b"]))
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(t64(params["x"]), t64([params["h0"]]))
    y2 = t64(params["W_hy"]) @ out[1]
    assert torch.allclose(t64(got["h1"]), out[0], atol=1e-12)
    assert torch.allclose(t64(got["h2"]), out[1], atol=1e-12)
    assert torch.allclose(t64(got["y2"]), y2, atol=1e-12)


@st.composite
def bptt_params(draw):
    small = st.floats(-1.5, 1.5, allow_nan=False)
    return {"w": draw(small), "u": draw(small), "h0": draw(small),
            "x": draw(st.lists(small, min_size=1, max_size=6)), "y": draw(small)}


def autograd_terms(params):
    """One leaf copy of w per step: the gradient of copy k is the contribution of step k."""
    T = len(params["x"])
    ws = [torch.tensor(float(params["w"]), dtype=torch.float64, requires_grad=True) for _ in range(T)]
    h = torch.tensor(float(params["h0"]), dtype=torch.float64)
    for w_k, x_t in zip(ws, params["x"]):
        h = torch.tanh(w_k * h + params["u"] * x_t)
    (0.5 * (h - params["y"]) ** 2).backward()
    return [w.grad.item() for w in ws]


@SETTINGS
@given(bptt_params())
def test_bptt_terms_and_total_match_autograd(params):
    got = Problem.from_params(bptt.BPTT_SCALAR, params).answer
    expected = autograd_terms(params)
    assert got["terms"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # and the total is the gradient of one shared w
    w = torch.tensor(float(params["w"]), dtype=torch.float64, requires_grad=True)
    h = torch.tensor(float(params["h0"]), dtype=torch.float64)
    for x_t in params["x"]:
        h = torch.tanh(w * h + params["u"] * x_t)
    (0.5 * (h - params["y"]) ** 2).backward()
    assert got["total"] == pytest.approx(w.grad.item(), rel=1e-9, abs=1e-12)


@SETTINGS
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=8),
       st.floats(0.01, 100, allow_nan=False))
def test_clipping_matches_clip_grad_norm(grad, threshold):
    got = Problem.from_params(clipping.GRADIENT_CLIPPING, {"grad": grad, "threshold": threshold}).answer
    param = torch.zeros(len(grad), dtype=torch.float64, requires_grad=True)
    param.grad = t64(grad)
    torch.nn.utils.clip_grad_norm_([param], threshold)
    # clip_grad_norm_ divides by ‖∇‖ + 1e-6: a relative difference of at most 1e-6/‖∇‖
    norm = math.sqrt(sum(g * g for g in grad))
    assert torch.allclose(t64(got), param.grad, rtol=1.01e-6 / max(norm, 1e-12) + 1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["rnn", "lstm"]), st.integers(1, 64), st.integers(1, 64), st.integers(0, 16))
def test_param_count_matches_torch_modules(cell, X, H, Y):
    module = (torch.nn.RNN if cell == "rnn" else torch.nn.LSTM)(X, H)
    torch_count = sum(p.numel() for p in module.parameters())
    # the course keeps one bias per gate: PyTorch's bias_hh is the extra one
    course_count = torch_count - module.bias_hh_l0.numel()
    output = sum(p.numel() for p in torch.nn.Linear(H, Y, bias=False).parameters()) if Y else 0
    params = {"cell": cell, "input_size": X, "hidden_size": H, "output_size": Y}
    assert Problem.from_params(counts.PARAM_COUNT, params).answer == course_count + output
    assert counts.MISTAKES[0].answer(params) == torch_count + output


@SETTINGS
@given(st.integers(1, 4).flatmap(lambda n: matrices(n, n)), st.sampled_from(["tanh", "sigmoid"]))
def test_regime_lambda1_is_the_spectral_norm(W, activation):
    got = Problem.from_params(regime.GRADIENT_REGIME, {"W": W, "activation": activation}).answer
    spectral_norm = torch.linalg.matrix_norm(t64(W), ord=2).item()
    assert got["lambda1"] == pytest.approx(spectral_norm, rel=1e-9, abs=1e-12)
    # γ is the largest slope of the activation, found numerically on a fine grid
    a = torch.linspace(-6, 6, 24001, dtype=torch.float64, requires_grad=True)
    getattr(torch, activation)(a).sum().backward()
    assert got["gamma"] == pytest.approx(a.grad.max().item(), rel=1e-6)
    product = spectral_norm * got["gamma"]
    if not math.isclose(product, 1.0, rel_tol=1e-6):
        assert got["regime"] == (regime.VANISH if product < 1 else regime.MAY_EXPLODE)


@pytest.mark.parametrize("seed", range(30))
def test_regime_vanishing_bound_holds_on_random_runs(seed):
    """When the answer says 'vanish', the Jacobian of a real run obeys ‖∂h_t/∂h_0‖ ≤ (λ₁γ)^t."""
    problem = Problem.from_seed(regime.GRADIENT_REGIME, seed)
    if problem.answer["regime"] != regime.VANISH:
        return
    gen = torch.Generator().manual_seed(seed)
    W = t64(problem.params["W"])
    f = getattr(torch, problem.params["activation"])
    h0 = torch.randn(len(W), generator=gen, dtype=torch.float64)
    xs = torch.randn(10, len(W), generator=gen, dtype=torch.float64)

    def run(h):
        for x in xs:
            h = f(W @ h + x)
        return h

    jacobian = torch.autograd.functional.jacobian(run, h0)
    bound = (problem.answer["lambda1"] * problem.answer["gamma"]) ** len(xs)
    assert torch.linalg.matrix_norm(jacobian, ord=2).item() <= bound + 1e-12
