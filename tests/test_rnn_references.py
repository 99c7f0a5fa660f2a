"""rnn reference implementations against their oracles, on MPCHECK_DEVICE (default cpu)."""

import os

import pytest
import torch

from mpcheck.host.entrypoints import load_object
from mpcheck.reference import check_reference
from mpcheck_rnn.references import REFERENCES, clipping, lstm, rnn

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.name)
def test_reference_check_passes(reference):
    result = check_reference(reference, DEVICE, seed=0)
    assert result.passed, (reference.name, result.report.first_failure)
    assert result.device == DEVICE and result.ms > 0 and result.builtin_ms > 0
    assert load_object(reference.source).__doc__


@pytest.mark.parametrize("T, N, X, H, Y, seed", [(1, 1, 1, 1, 1, 0), (3, 2, 4, 3, 2, 1),
                                                 (20, 5, 3, 6, 1, 2), (7, 1, 8, 16, 4, 3)])
def test_rnn_bptt_matches_autograd(T, N, X, H, Y, seed):
    problem = rnn.random_problem(T, N, X, H, Y, DEVICE, seed=seed)
    assert rnn.compare(problem) < 1e-10


def test_rnn_bptt_gradient_of_w_hh_sums_over_time():
    """With one time step W_hh only sees h_0; with two the gradient changes: the sum over k is real."""
    problem = rnn.random_problem(2, 3, 2, 4, 2, DEVICE, seed=5)
    one_step = {**problem, "x": problem["x"][:1], "y": problem["y"][:1]}
    assert not torch.allclose(rnn.rnn_bptt(**problem)[2]["W_hh"], rnn.rnn_bptt(**one_step)[2]["W_hh"])


@pytest.mark.parametrize("N, X, H, seed", [(1, 1, 1, 0), (3, 2, 5, 1), (8, 16, 4, 2), (2, 7, 32, 3)])
def test_lstm_cell_matches_lstmcell(N, X, H, seed):
    problem = lstm.random_problem(N, X, H, DEVICE, seed=seed)
    assert lstm.compare(problem) < 1e-12


@pytest.mark.parametrize("N, X, H, seed", [(2, 3, 4, 0), (5, 1, 2, 1)])
def test_lstm_cell_gradients_match_lstmcell(N, X, H, seed):
    """The same function means the same gradients: backward through both and compare."""
    problem = lstm.random_problem(N, X, H, DEVICE, seed=seed)
    leaves = {k: v.clone().requires_grad_(True) for k, v in problem.items()}
    h, c = lstm.lstm_cell(**leaves)
    (h.sum() + (c ** 2).sum()).backward()
    cell = lstm.torch_lstm_cell(problem["W"], problem["b"], X)
    x = problem["x"].clone().requires_grad_(True)
    h_prev = problem["h_prev"].clone().requires_grad_(True)
    c_prev = problem["c_prev"].clone().requires_grad_(True)
    h_ref, c_ref = cell(x, (h_prev, c_prev))
    (h_ref.sum() + (c_ref ** 2).sum()).backward()
    for ours, theirs in ((leaves["x"], x), (leaves["h_prev"], h_prev), (leaves["c_prev"], c_prev)):
        assert torch.allclose(ours.grad, theirs.grad, atol=1e-12)
    # the weight gradient, brought back from PyTorch's layout to ours
    W_grad = torch.cat([cell.weight_ih.grad, cell.weight_hh.grad], dim=1)
    order = [0, 1, 3, 2]
    W_grad = torch.cat([W_grad[k * H:(k + 1) * H] for k in order])
    assert torch.allclose(leaves["W"].grad, W_grad, atol=1e-12)


def test_lstm_gate_reordering_is_a_swap_of_the_last_two_blocks():
    W = torch.arange(8 * 3, dtype=torch.float64, device=DEVICE).reshape(8, 3)
    b = torch.arange(8, dtype=torch.float64, device=DEVICE)
    weight_ih, weight_hh, bias = lstm.to_pytorch_order(W, b, input_size=1)
    assert bias.tolist() == [0, 1, 2, 3, 6, 7, 4, 5]
    assert weight_ih[:, 0].tolist() == W[[0, 1, 2, 3, 6, 7, 4, 5], 0].tolist()
    assert weight_hh.shape == (8, 2)


@pytest.mark.parametrize("shapes, ratio", [([(3,)], 0.5), ([(3,)], 2.0), ([(4, 5), (5,)], 0.1),
                                           ([(2, 2), (7,), (1,)], 1.5), ([(100,)], 0.999)])
def test_clipping_matches_clip_grad_norm(shapes, ratio):
    grads = clipping.random_grads(shapes, DEVICE, seed=len(shapes))
    threshold = ratio * float(clipping.global_norm(grads))
    assert clipping.compare(grads, threshold) < 1e-6


def test_clipping_caps_the_norm_and_keeps_the_direction():
    grads = clipping.random_grads([(6,), (2, 3)], DEVICE, seed=9)
    clipped, norm = clipping.clip_grad_norm(grads, 1.0)
    assert abs(float(clipping.global_norm(clipped)) - 1.0) < 1e-12
    for before, after in zip(grads, clipped):
        assert torch.allclose(after * norm, before, atol=1e-12)
