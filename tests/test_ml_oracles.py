"""ml generator answers against PyTorch: torch.optim, autograd and torch.distributions.

The ★ generators (ml.softmax-ce-grad, ml.adam-step) get random valid params from hypothesis and must
agree with the PyTorch built-in; the others are compared on their own sampled problems.
"""

import json
import math

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mpcheck.problem import Problem
from mpcheck_ml import activations, adam, adaptive, backprop, losses, momentum, perceptron, softmax

SEEDS = range(120)
F64 = torch.float64


def t(values):
    return torch.tensor(values, dtype=F64)


def sampled(generator, seeds=SEEDS):
    for seed in seeds:
        yield Problem.from_seed(generator, seed)


def close(a, b, tol=1e-9):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=tol, atol=tol)


# ---- ★ ml.softmax-ce-grad: hypothesis against autograd on F.cross_entropy ---------------------

def autograd_softmax_ce(logits, target):
    z = t([logits]).requires_grad_(True)
    F.cross_entropy(z, torch.tensor([target])).backward()
    return z.grad[0].tolist()


@st.composite
def softmax_params(draw):
    logits = draw(st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=12))
    return {"logits": logits, "target": draw(st.integers(0, len(logits) - 1))}


def exact_softmax_ce(logits, target):
    """ŷ − y worked out with 120 significant digits (mpmath), rounded once at the end:
    autograd's ŷ_t − 1 loses its leading digits when ŷ_t is close to 1 (it may be 1 − e^(−100))."""
    with mpmath.workdps(120):
        exps = [mpmath.exp(mpmath.mpf(v)) for v in logits]
        total = mpmath.fsum(exps)
        return [float(e / total - (1 if k == target else 0)) for k, e in enumerate(exps)]


@settings(max_examples=150, deadline=None)
@given(softmax_params())
@example({"logits": [50.0, -50.0], "target": 0})
@example({"logits": [0, 0, 34, 0, 0, 0, 0, 0], "target": 2})
def test_softmax_ce_grad_matches_autograd(params):
    problem = Problem.from_params(softmax.SOFTMAX_CE_GRAD, params)
    assert close(problem.answer, autograd_softmax_ce(params["logits"], params["target"]))
    # every entry to its last digits, however small, and the exact numbers typed are accepted
    exact = exact_softmax_ce(params["logits"], params["target"])
    assert np.allclose(problem.answer, exact, rtol=1e-9, atol=0)
    assert problem.check(json.dumps(exact)).correct


def test_a_confident_right_class_keeps_the_digits_of_its_small_gradient():
    # ŷ_2 = 1 − 7e^(−34)/(1 + 7e^(−34)): computed as ŷ_2 − 1 it came out 2 % off (−1.2212e−14)
    problem = Problem.from_params(softmax.SOFTMAX_CE_GRAD, {"logits": [0, 0, 34, 0, 0, 0, 0, 0], "target": 2})
    assert math.isclose(problem.answer[2], -7 * math.exp(-34) / (1 + 7 * math.exp(-34)), rel_tol=1e-9)
    assert not problem.check(json.dumps([*problem.answer[:2], -1.2212e-14, *problem.answer[3:]])).correct


# ---- ★ ml.adam-step: hypothesis against torch.optim.Adam with its state set --------------------

def torch_adam_step(p):
    """One torch.optim.Adam step from state exp_avg = m, exp_avg_sq = v, step = t − 1."""
    param = torch.nn.Parameter(t(p["theta"]))
    optimizer = torch.optim.Adam([param], lr=p["lr"], betas=(p["beta1"], p["beta2"]), eps=p["eps"])
    optimizer.state[param] = {"step": torch.tensor(float(p["t"] - 1)), "exp_avg": t(p["m"]),
                              "exp_avg_sq": t(p["v"])}
    param.grad = t(p["grad"])
    optimizer.step()
    return param.detach().tolist()


@st.composite
def adam_params(draw):
    n = draw(st.integers(1, 6))
    entries = lambda lo, hi: st.lists(st.floats(lo, hi, allow_nan=False), min_size=n, max_size=n)
    return {"theta": draw(entries(-100, 100)), "grad": draw(entries(-100, 100)), "m": draw(entries(-50, 50)),
            "v": draw(entries(0, 500)), "t": draw(st.integers(1, 5000)), "lr": draw(st.floats(1e-4, 1.0)),
            "beta1": draw(st.floats(0, 0.999)), "beta2": draw(st.floats(0, 0.9999)),
            "eps": draw(st.floats(1e-10, 1e-2))}


@settings(max_examples=150, deadline=None)
@given(adam_params())
def test_adam_step_matches_torch_optim(params):
    problem = Problem.from_params(adam.ADAM_STEP, params)
    assert close(problem.answer, torch_adam_step(params))


def test_adam_sampled_problems_match_torch_optim():
    for problem in sampled(adam.ADAM_STEP):
        assert close(problem.answer, torch_adam_step(problem.params)), problem.params


# ---- the other optimisers against torch.optim, conventions converted ---------------------------

def quadratic_loss(p, theta):
    # L(θ) = ½ Σ a_i θ_i², differentiated by autograd
    return 0.5 * (t(p["curvature"]) * theta * theta).sum()


def torch_momentum(p, nesterov):
    """Two torch SGD steps. torch keeps b with v = −lr·b, and for Nesterov its parameter is the
    look-ahead point θ + αv; convert the course's (θ0, v0) in and the iterates back out."""
    lr, alpha, v0 = p["lr"], p["momentum"], t(p["v"])
    start = t(p["theta"]) + alpha * v0 if nesterov else t(p["theta"])
    param = torch.nn.Parameter(start)
    optimizer = torch.optim.SGD([param], lr=lr, momentum=alpha, nesterov=nesterov)
    optimizer.state[param] = {"momentum_buffer": -v0 / lr}
    out = {}
    for step in (1, 2):
        optimizer.zero_grad()
        quadratic_loss(p, param).backward()
        optimizer.step()
        v = -lr * optimizer.state[param]["momentum_buffer"]
        theta = param.detach() - alpha * v if nesterov else param.detach()
        out[f"v{step}"], out[f"theta{step}"] = v.tolist(), theta.tolist()
    return out


@pytest.mark.parametrize("generator, nesterov", [(momentum.SGD_MOMENTUM_STEP, False), (momentum.NESTEROV_STEP, True)],
                         ids=["polyak", "nesterov"])
def test_momentum_matches_torch_sgd(generator, nesterov):
    for problem in sampled(generator):
        expected = torch_momentum(problem.params, nesterov)
        assert all(close(problem.answer[k], expected[k]) for k in expected), problem.params


def torch_adaptive(p, rule):
    param = torch.nn.Parameter(t(p["theta"]))
    if rule == "adagrad":
        # torch: sum += g², θ −= lr·g/(√sum + eps); its state "sum" is the course's r
        optimizer = torch.optim.Adagrad([param], lr=p["lr"], eps=p["eps"])
        optimizer.state[param]["sum"] = t(p["r"])
        key = "sum"
    else:
        # torch: square_avg = α·square_avg + (1 − α)g² with α = ρ, θ −= lr·g/(√square_avg + eps)
        optimizer = torch.optim.RMSprop([param], lr=p["lr"], alpha=p["rho"], eps=p["eps"])
        optimizer.state[param] = {"step": torch.tensor(0.0), "square_avg": t(p["r"])}
        key = "square_avg"
    param.grad = t(p["grad"])
    optimizer.step()
    return {"r": optimizer.state[param][key].tolist(), "theta": param.detach().tolist()}


@pytest.mark.parametrize("generator, rule", [(adaptive.ADAGRAD_STEP, "adagrad"), (adaptive.RMSPROP_STEP, "rmsprop")],
                         ids=["adagrad", "rmsprop"])
def test_adaptive_steps_match_torch_optim(generator, rule):
    for problem in sampled(generator):
        expected = torch_adaptive(problem.params, rule)
        assert close(problem.answer["r"], expected["r"]) and close(problem.answer["theta"], expected["theta"]), \
            problem.params


# ---- activations, losses, backprop, perceptron -----------------------------------------------------

def autograd_activation(p):
    x = t(p["x"]).requires_grad_(True)
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
         "leaky-relu": lambda z: F.leaky_relu(z, p.get("negative_slope", 0.0))}[p["function"]]
    y = f(x)
    if p["quantity"] == "value":
        return y.item()
    y.backward()
    return x.grad.item()


def test_activation_matches_autograd():
    for problem in sampled(activations.ACTIVATION, range(300)):
        assert close(problem.answer, autograd_activation(problem.params)), problem.params


def test_bce_matches_torch():
    for problem in sampled(losses.BCE):
        p = problem.params
        assert close(problem.answer, F.binary_cross_entropy(t(p["y_hat"]), t(p["y"])).item()), p


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.floats(1e-300, 0.999999) | st.sampled_from([1e-20, 1e-9, 0.5])),
                min_size=1, max_size=6))
def test_bce_keeps_its_digits_when_the_prediction_is_nearly_certain(pairs):
    # −mean(y log ŷ + (1 − y) log(1 − ŷ)) with 50 digits: log(1 − 1e-20) is −1e-20, not log(1.0) = 0
    y, y_hat = [a for a, _ in pairs], [b for _, b in pairs]
    with mpmath.workdps(120):
        exact = float(-mpmath.fsum(a * mpmath.log(b) if a else mpmath.log1p(-mpmath.mpf(b))
                                   for a, b in pairs) / len(pairs))
    assert math.isclose(Problem.from_params(losses.BCE, {"y": y, "y_hat": y_hat}).answer, exact, rel_tol=1e-9)


def test_cross_entropy_and_kl_match_torch_distributions():
    from torch.distributions import Categorical, kl_divergence

    for generator in (losses.CROSS_ENTROPY, losses.ENTROPY_KL_RELATION):
        for problem in sampled(generator):
            p = problem.params
            unit = math.log(2) if p["unit"] == "bits" else 1.0
            dp, dq = Categorical(probs=t(p["p"])), Categorical(probs=t(p["q"]))
            entropy, kl = dp.entropy().item() / unit, kl_divergence(dp, dq).item() / unit
            if generator is losses.CROSS_ENTROPY:
                assert close(problem.answer, entropy + kl), p
            else:
                assert close([problem.answer[k] for k in ("entropy", "kl", "cross_entropy")],
                             [entropy, kl, entropy + kl]), p


def test_mlp_backprop_matches_autograd():
    for problem in sampled(backprop.MLP_BACKPROP):
        p = problem.params
        x, w1, b1, w2, b2 = (t(p[k]).requires_grad_(True) for k in ("x", "W1", "b1", "W2", "b2"))
        f = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[p["activation"]]
        y = w2 @ f(w1 @ x + b1) + b2
        y.backward(t(p["upstream"]))
        got = problem.answer
        assert close(got["dW2"], w2.grad) and close(got["dW1"], w1.grad) and close(got["db1"], b1.grad), p


def test_perceptron_matches_sgd_on_the_perceptron_loss():
    # the perceptron rule is one SGD step on max(0, −y(wᵀx + b)) (sampled margins are never 0)
    for problem in sampled(perceptron.PERCEPTRON_STEP):
        p = problem.params
        w, b = torch.nn.Parameter(t(p["w"])), torch.nn.Parameter(t([p["b"]]))
        optimizer = torch.optim.SGD([w, b], lr=p["lr"])
        torch.relu(-p["y"] * (w @ t(p["x"]) + b)).sum().backward()
        optimizer.step()
        assert close(problem.answer["w"], w.detach()) and close(problem.answer["b"], b.item()), p
