"""ml reference implementations against their oracles, on MPCHECK_DEVICE (default cpu)."""

import os

import pytest
import torch
import torch.nn.functional as F

from mpcheck.host import plugins
from mpcheck.problem import Problem
from mpcheck.host.entrypoints import load_object
from mpcheck.reference import check_reference, max_abs_error
from mpcheck_ml import adam, backprop, momentum
from mpcheck_ml.references import backprop as ref_backprop
from mpcheck_ml.references import optimizers
from mpcheck_ml.references import softmax as ref_softmax

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")
F64 = torch.float64
NAMES = {"sgd-momentum", "nesterov", "adagrad", "rmsprop", "adam", "mlp-backprop", "softmax-ce-grad"}


def ml_references():
    return [r for r in plugins.registry().references.values() if r.topic == "ml"]


def test_every_reference_is_registered():
    assert {r.name for r in ml_references()} == NAMES


@pytest.mark.parametrize("name", sorted(NAMES))
def test_reference_check_passes(name):
    reference = next(r for r in ml_references() if r.name == name)
    result = check_reference(reference, DEVICE, seed=0)
    assert result.passed, f"{name}: {result.report.first_failure}"
    assert result.device == DEVICE and result.ms > 0 and result.builtin_ms > 0
    load_object(reference.source)  # the module shown by `mpcheck ref --source` imports


# ---- optimisers on other problems and hyper-parameters ------------------------------------------

@pytest.mark.parametrize("dim, seed", [(1, 1), (5, 2), (33, 3)])
def test_optimisers_match_torch_optim(dim, seed):
    a, b, theta0 = optimizers.quadratic(DEVICE, dim=dim, seed=seed)
    run = lambda make: optimizers.run_torch(make, a, b, theta0, steps=12)
    cases = [
        (optimizers.run_sgd_momentum(a, b, theta0, 12, lr=0.1, alpha=0.5),
         run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.5))),
        (optimizers.run_adagrad(a, b, theta0, 12, lr=0.3, delta=1e-6),
         run(lambda ps: torch.optim.Adagrad(ps, lr=0.3, eps=1e-6))),
        (optimizers.run_rmsprop(a, b, theta0, 12, lr=0.05, rho=0.5, delta=1e-4),
         run(lambda ps: torch.optim.RMSprop(ps, lr=0.05, alpha=0.5, eps=1e-4))),
        (optimizers.run_adam(a, b, theta0, 12, lr=0.2, beta1=0.5, beta2=0.9, eps=1e-3),
         run(lambda ps: torch.optim.Adam(ps, lr=0.2, betas=(0.5, 0.9), eps=1e-3))),
    ]
    theta, v = optimizers.run_nesterov(a, b, theta0, 12, lr=0.1, alpha=0.7)
    # torch's Nesterov parameter is the course's look-ahead point θ + αv
    cases.append((theta + 0.7 * v, run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.7, nesterov=True))))
    for mine, oracle in cases:
        assert mine.device.type == torch.device(DEVICE).type
        assert max_abs_error(mine, oracle) < 1e-10


def test_optimisers_converge_on_the_quadratic():
    # the minimiser of ½θᵀAθ − bᵀθ solves Aθ = b: a check that owes nothing to torch.optim
    a, b, theta0 = optimizers.quadratic(DEVICE, dim=4, seed=5)
    target = torch.linalg.solve(a, b)
    assert max_abs_error(optimizers.run_sgd_momentum(a, b, theta0, 2000, lr=0.05, alpha=0.9), target) < 1e-6
    assert max_abs_error(optimizers.run_nesterov(a, b, theta0, 2000, lr=0.05, alpha=0.9)[0], target) < 1e-6


# ---- MLP backward pass ---------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (4, 3, 5, 2), (17, 8, 31, 6)])
@pytest.mark.parametrize("name", ref_backprop.ACTIVATIONS)
def test_mlp_backward_matches_autograd(shape, name):
    batch, d_in, hidden, d_out = shape
    tensors = ref_backprop.random_mlp(DEVICE, batch, d_in, hidden, d_out, seed=sum(shape))
    mine = ref_backprop.mlp_backward(*tensors, name)
    oracle = ref_backprop.autograd_backward(*tensors, name)
    for key in ("x", "w1", "b1", "w2", "b2"):
        assert mine[key].shape == oracle[key].shape
        assert max_abs_error(mine[key], oracle[key]) < 1e-10, key


def test_mlp_backward_with_an_mse_loss():
    # L = ½‖Y − T‖² gives the upstream G = Y − T
    x, w1, b1, w2, b2, target = ref_backprop.random_mlp(DEVICE, 8, 3, 5, 2, seed=11)
    _, _, y = ref_backprop.mlp_forward(x, w1, b1, w2, b2, "tanh")
    mine = ref_backprop.mlp_backward(x, w1, b1, w2, b2, y - target, "tanh")
    w1_leaf = w1.clone().requires_grad_(True)
    y_auto = torch.tanh(x @ w1_leaf.T + b1) @ w2.T + b2
    (0.5 * ((y_auto - target) ** 2).sum()).backward()
    assert max_abs_error(mine["w1"], w1_leaf.grad) < 1e-10


# ---- softmax cross-entropy -------------------------------------------------------------------

@pytest.mark.parametrize("batch, classes, scale", [(1, 2, 1.0), (7, 5, 10.0), (64, 100, 3.0), (3, 4, 500.0)])
def test_softmax_ce_matches_autograd(batch, classes, scale):
    z, target = ref_softmax.random_logits(DEVICE, batch, classes, seed=batch + classes)
    z = z * scale / 3
    assert max_abs_error(ref_softmax.softmax_ce_grad(z, target), ref_softmax.autograd_grad(z, target)) < 1e-12
    loss = ref_softmax.cross_entropy(z, target)
    assert torch.isfinite(loss) and abs(loss.item() - F.cross_entropy(z, target).item()) < 1e-9


# ---- generators against the reference implementations (two computations, one answer) ----------

def test_generators_agree_with_references():
    for seed in range(60):
        p = Problem.from_seed(adam.ADAM_STEP, seed).params
        as_t = lambda key: torch.tensor(p[key], dtype=F64, device=DEVICE)
        theta, _, _ = optimizers.adam_step(as_t("theta"), as_t("m"), as_t("v"), as_t("grad"), p["t"], p["lr"],
                                           p["beta1"], p["beta2"], p["eps"])
        assert max_abs_error(theta, torch.tensor(adam.ADAM_STEP.solve(p), dtype=F64, device=DEVICE)) < 1e-9

        p = Problem.from_seed(momentum.SGD_MOMENTUM_STEP, seed).params
        theta, v, a = as_t("theta"), as_t("v"), as_t("curvature")
        for step in (1, 2):
            theta, v = optimizers.sgd_momentum_step(theta, v, a * theta, p["lr"], p["momentum"])
            assert max_abs_error(theta, torch.tensor(momentum.SGD_MOMENTUM_STEP.solve(p)[f"theta{step}"],
                                                     dtype=F64, device=DEVICE)) < 1e-9

        p = Problem.from_seed(backprop.MLP_BACKPROP, seed).params
        # the reference takes a batch of rows: x and the upstream gradient become 1 × n
        keys = ("x", "W1", "b1", "W2", "b2", "upstream")
        tensors = [as_t(k)[None] if k in ("x", "upstream") else as_t(k) for k in keys]
        grads = ref_backprop.mlp_backward(*tensors, p["activation"])
        answer = backprop.MLP_BACKPROP.solve(p)
        assert max_abs_error(grads["w1"], torch.tensor(answer["dW1"], dtype=F64, device=DEVICE)) < 1e-9
        assert max_abs_error(grads["w2"], torch.tensor(answer["dW2"], dtype=F64, device=DEVICE)) < 1e-9
