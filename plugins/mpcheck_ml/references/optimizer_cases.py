"""The optimiser exercises: cases, oracles and known bugs.

Each oracle puts the given state into a fresh torch.optim optimiser, sets the parameter's gradient
and takes one ``step()``; where torch keeps its state in another convention than the course, the
translation is written at the oracle (see also the docstring of ``optimizers``).
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.exercises.draw import integer, normal, positive, uniform
from mpcheck_ml.references.optimizers import adagrad_step, adam_step, gradient, rmsprop_step, sgd_momentum_step

FIXED_DIMS = (1, 3)
RANDOM_CASES = 4


def _torch_step(make, theta, grad, state):
    """θ after one step of the optimiser ``make([θ])`` holding ``state``, and its state after."""
    param = torch.nn.Parameter(theta.detach().clone())
    optimizer = make([param])
    optimizer.state[param].update({k: v.detach().clone() for k, v in state.items()})
    param.grad = grad.detach().clone()
    optimizer.step()
    return param.detach(), optimizer.state[param]


def _cases(generator, device, dtype, label, draw_state, draw_settings) -> list[Case]:
    """For a few sizes: θ and ∇ (small, so the tolerance is set by the step, not by θ), the
    optimiser's state from ``draw_state`` and its settings from ``draw_settings``."""
    cases = []
    for dim in [*FIXED_DIMS, *(integer(generator, 1, 6) for _ in range(RANDOM_CASES))]:
        theta = normal(generator, dim, dtype=dtype, device=device, scale=0.5)
        grad = normal(generator, dim, dtype=dtype, device=device)
        state, settings = draw_state(generator, dim), draw_settings(generator)
        cases.append(Case(f"dim {dim}, " + label.format(**settings), (theta, *state, grad), settings))
    return cases


# ---- SGD with momentum -----------------------------------------------------------------------

def sgd_momentum_cases(generator, device, dtype) -> list[Case]:
    def state(g, dim):
        return (normal(g, dim, dtype=dtype, device=device, scale=0.2),)

    def settings(g):
        return {"lr": uniform(g, 0.05, 0.5), "alpha": uniform(g, 0.5, 0.95)}

    return _cases(generator, device, dtype, "lr {lr}, alpha {alpha}", state, settings)


def sgd_momentum_oracle(theta, v, grad, lr, alpha):
    # torch: buf ← μ·buf + ∇, θ ← θ − lr·buf; the course's velocity is v = −lr·buf
    theta, state = _torch_step(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=alpha), theta, grad,
                               {"momentum_buffer": -v / lr})
    return theta, -lr * state["momentum_buffer"]


def sgd_momentum_ascent(theta, v, grad, lr, alpha):
    """The bug: v ← αv + ε∇, a step uphill."""
    return sgd_momentum_step(theta, v, -grad, lr, alpha)


def sgd_momentum_old_velocity(theta, v, grad, lr, alpha):
    """The bug: θ moves by the old velocity, the new one is computed after."""
    return theta + v, alpha * v - lr * grad


# ---- Nesterov momentum -----------------------------------------------------------------------

def nesterov_cases(generator, device, dtype) -> list[Case]:
    """Nesterov needs ∇L at the look-ahead point: the cases pass ∇L of a random convex quadratic
    ½θᵀAθ − bᵀθ as a function."""
    cases = []
    for case in sgd_momentum_cases(generator, device, dtype):
        theta, v, _ = case.args
        dim = theta.shape[0]
        q = normal(generator, dim, dim, dtype=torch.float64, device="cpu")
        a = (q @ q.T / dim + 0.5 * torch.eye(dim, dtype=torch.float64)).to(device, dtype)
        b = normal(generator, dim, dtype=dtype, device=device)
        cases.append(Case(case.label + ", grad_fn(theta) = A theta - b", (theta, v, gradient(a, b)), case.kwargs))
    return cases


def nesterov_oracle(theta, v, grad_fn, lr, alpha):
    # torch (Sutskever/Bengio form): buf ← μ·buf + ∇L(p), p ← p − lr(∇L(p) + μ·buf). Its p is the
    # look-ahead point p = θ + αv of the course's iterates, and v = −lr·buf.
    look_ahead = theta + alpha * v
    p, state = _torch_step(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=alpha, nesterov=True), look_ahead,
                           grad_fn(look_ahead), {"momentum_buffer": -v / lr})
    v = -lr * state["momentum_buffer"]
    return p - alpha * v, v


def nesterov_gradient_at_theta(theta, v, grad_fn, lr, alpha):
    """The bug: the gradient at θ, not at the look-ahead point θ + αv (plain momentum)."""
    return sgd_momentum_step(theta, v, grad_fn(theta), lr, alpha)


# ---- AdaGrad and RMSProp ---------------------------------------------------------------------

def _accumulator_cases(generator, device, dtype, with_rho: bool) -> list[Case]:
    def state(g, dim):
        return (positive(g, dim, dtype=dtype, device=device),)

    def settings(g):
        drawn = {"lr": uniform(g, 0.05, 0.5)}
        if with_rho:
            drawn["rho"] = uniform(g, 0.5, 0.99)
        drawn["delta"] = uniform(g, 0.001, 0.1)
        return drawn

    label = "lr {lr}, rho {rho}, delta {delta}" if with_rho else "lr {lr}, delta {delta}"
    return _cases(generator, device, dtype, label, state, settings)


def adagrad_cases(generator, device, dtype) -> list[Case]:
    return _accumulator_cases(generator, device, dtype, with_rho=False)


def adagrad_oracle(theta, r, grad, lr, delta):
    # torch: sum ← sum + ∇², θ ← θ − lr·∇/(√sum + eps); lr_decay = 0 keeps lr constant
    theta, state = _torch_step(lambda ps: torch.optim.Adagrad(ps, lr=lr, eps=delta), theta, grad, {"sum": r})
    return theta, state["sum"]


def adagrad_not_accumulated(theta, r, grad, lr, delta):
    """The bug: r ← ∇ ⊙ ∇, the history of squared gradients forgotten."""
    return adagrad_step(theta, torch.zeros_like(r), grad, lr, delta)


def adagrad_no_root(theta, r, grad, lr, delta):
    """The bug: Δθ = −ε/(δ + r) ⊙ ∇, without the square root."""
    r = r + grad * grad
    return theta - lr / (delta + r) * grad, r


def rmsprop_cases(generator, device, dtype) -> list[Case]:
    return _accumulator_cases(generator, device, dtype, with_rho=True)


def rmsprop_oracle(theta, r, grad, lr, rho, delta):
    # torch: square_avg ← α·square_avg + (1 − α)∇² (its α is our ρ), θ ← θ − lr·∇/(√square_avg + eps)
    theta, state = _torch_step(lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=rho, eps=delta), theta, grad,
                               {"step": torch.tensor(0.0), "square_avg": r})
    return theta, state["square_avg"]


def rmsprop_weights_swapped(theta, r, grad, lr, rho, delta):
    """The bug: r ← (1 − ρ)r + ρ∇ ⊙ ∇, the new gradient weighted by ρ."""
    return rmsprop_step(theta, r, grad, lr, 1 - rho, delta)


def rmsprop_delta_inside_root(theta, r, grad, lr, rho, delta):
    """The bug (the book's placement): Δθ = −ε/√(δ + r) ⊙ ∇."""
    r = rho * r + (1 - rho) * grad * grad
    return theta - lr / (delta + r).sqrt() * grad, r


# ---- Adam ------------------------------------------------------------------------------------

def adam_cases(generator, device, dtype) -> list[Case]:
    def state(g, dim):
        return normal(g, dim, dtype=dtype, device=device, scale=0.3), positive(g, dim, dtype=dtype, device=device)

    def settings(g):
        return {"t": integer(g, 1, 10), "lr": uniform(g, 0.05, 0.5), "beta1": uniform(g, 0.5, 0.95),
                "beta2": uniform(g, 0.9, 0.999), "eps": uniform(g, 0.001, 0.1)}

    return _cases(generator, device, dtype, "t {t}, lr {lr}, beta1 {beta1}, beta2 {beta2}, eps {eps}",
                  state, settings)


def adam_oracle(theta, m, v, grad, t, lr, beta1, beta2, eps):
    # torch: the same rule; it counts the steps taken (t − 1 before this one) and folds the
    # corrections into step = lr/(1 − β1^t) and denom = √v/√(1 − β2^t) + eps, which is √v̂ + ε
    theta, state = _torch_step(lambda ps: torch.optim.Adam(ps, lr=lr, betas=(beta1, beta2), eps=eps), theta, grad,
                               {"step": torch.tensor(float(t - 1)), "exp_avg": m, "exp_avg_sq": v})
    return theta, state["exp_avg"], state["exp_avg_sq"]


def adam_no_bias_correction(theta, m, v, grad, t, lr, beta1, beta2, eps):
    """The bug: m and v used as they are, though both start at 0 and lean towards it."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return theta - lr * m / (v.sqrt() + eps), m, v


def adam_eps_inside_root(theta, m, v, grad, t, lr, beta1, beta2, eps):
    """The bug: Δθ = −η m̂/√(v̂ + ε)."""
    _, m, v = adam_step(theta, m, v, grad, t, lr, beta1, beta2, eps)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (v_hat + eps).sqrt(), m, v
