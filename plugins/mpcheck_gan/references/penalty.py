"""The WGAN-GP gradient penalty (Gulrajani et al., 2017), with the critic's input gradient by hand.

    x̂ = ε x + (1 − ε) x̃,   ε ∼ U[0, 1]                 a point between a real and a generated sample
    GP = λ E_x̂ [(‖∇_x̂ D(x̂)‖₂ − 1)²]                     pushes the critic towards slope 1 there

The critic is a one-hidden-layer network D(x) = w₂ᵀ tanh(W₁ x + b₁) + b₂, so its input gradient has
a closed form: ∇ₓ D = W₁ᵀ (w₂ ⊙ (1 − tanh²(W₁ x + b₁))). In training the penalty is itself
differentiated (autograd with create_graph=True); here the point is the formula.
"""

from __future__ import annotations

import torch

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10


def critic(x, w1, b1, w2, b2):
    # D(x) = w₂ᵀ tanh(W₁ x + b₁) + b₂, one row of x per sample
    return torch.tanh(x @ w1.T + b1) @ w2 + b2


def critic_input_gradient(x, w1, b1, w2):
    # ∇ₓ D = W₁ᵀ (w₂ ⊙ tanh′(W₁ x + b₁)),  tanh′ = 1 − tanh²  (one row per sample)
    hidden = torch.tanh(x @ w1.T + b1)
    return (w2 * (1 - hidden**2)) @ w1


def gradient_penalty(real, fake, eps, w1, b1, w2, b2, weight: float = 10.0):
    """real, fake (N, d); eps (N,) in [0, 1]; critic weights W₁ (h, d), b₁ (h), w₂ (h), b₂ ()."""
    # x̂ = ε x + (1 − ε) x̃
    x_hat = eps[:, None] * real + (1 - eps[:, None]) * fake
    grad = critic_input_gradient(x_hat, w1, b1, w2)
    # GP = λ mean_x̂ (‖∇_x̂ D(x̂)‖₂ − 1)²
    return weight * ((grad.norm(dim=1) - 1) ** 2).mean()


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def gradient_penalty_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    sizes = [(4, 2, 3), (6, 3, 5)] + [tuple(int(torch.randint(2, 7, (), generator=generator)) for _ in range(3))
                                      for _ in range(3)]
    cases = []
    for n, d, h in sizes:
        def draw(*shape, scale=1.0):
            return (torch.randn(*shape, generator=generator, dtype=torch.float64) * scale).to(device, dtype)

        real, fake = draw(n, d), draw(n, d) + 1.0
        eps = torch.rand(n, generator=generator, dtype=torch.float64).to(device, dtype)
        w1, b1, w2, b2 = draw(h, d), draw(h, scale=0.5), draw(h), draw(())
        cases.append(Case(f"{n} samples in {d}-D, critic with {h} hidden units",
                          (real, fake, eps, w1, b1, w2, b2), {"weight": 10.0}))
    return cases


def gradient_penalty_oracle(real, fake, eps, w1, b1, w2, b2, weight=10.0):
    """Autograd differentiates the critic at x̂."""
    x_hat = (eps[:, None] * real + (1 - eps[:, None]) * fake).detach().requires_grad_()
    (grad,) = torch.autograd.grad(critic(x_hat, w1, b1, w2, b2).sum(), x_hat)
    return weight * ((grad.norm(dim=1) - 1) ** 2).mean()


def _penalty_from(grad, weight, squared_norm=False, reduce=torch.mean):
    norm = (grad**2).sum(dim=1) if squared_norm else grad.norm(dim=1)
    return weight * reduce((norm - 1) ** 2)


def gradient_penalty_squared_norm(real, fake, eps, w1, b1, w2, b2, weight=10.0):
    """The bug: (‖∇D‖² − 1)² instead of (‖∇D‖ − 1)²."""
    x_hat = eps[:, None] * real + (1 - eps[:, None]) * fake
    return _penalty_from(critic_input_gradient(x_hat, w1, b1, w2), weight, squared_norm=True)


def gradient_penalty_at_real(real, fake, eps, w1, b1, w2, b2, weight=10.0):
    """The bug: the gradient taken at the real samples, not at the interpolates x̂."""
    return _penalty_from(critic_input_gradient(real, w1, b1, w2), weight)


def gradient_penalty_no_tanh_derivative(real, fake, eps, w1, b1, w2, b2, weight=10.0):
    """The bug: the tanh′ factor left out of the chain rule (∇ₓD = W₁ᵀ w₂)."""
    grad = (w2 @ w1).expand_as(real)
    return _penalty_from(grad, weight)


def gradient_penalty_summed(real, fake, eps, w1, b1, w2, b2, weight=10.0):
    """The bug: summed over the batch instead of averaged."""
    x_hat = eps[:, None] * real + (1 - eps[:, None]) * fake
    return _penalty_from(critic_input_gradient(x_hat, w1, b1, w2), weight, reduce=torch.sum)


# --- check against the oracle ----------------------------------------------------------------

def check_gradient_penalty(device: str) -> RefResult:
    gen = torch.Generator().manual_seed(0)
    errors = [max_abs_error(gradient_penalty(*c.args, **c.kwargs), gradient_penalty_oracle(*c.args, **c.kwargs))
              for c in gradient_penalty_cases(gen, device, torch.float64)]
    # the input gradient itself, row by row, against autograd
    big = gradient_penalty_cases(torch.Generator().manual_seed(1), device, torch.float64)[1].args
    x = big[0].detach().requires_grad_()
    (auto,) = torch.autograd.grad(critic(x, *big[3:]).sum(), x)
    errors.append(max_abs_error(critic_input_gradient(big[0], *big[3:6]), auto))
    n, d, h = 512, 64, 256
    real, fake = (torch.randn(n, d, generator=gen, dtype=torch.float64).to(device) for _ in range(2))
    eps = torch.rand(n, generator=gen, dtype=torch.float64).to(device)
    w1 = torch.randn(h, d, generator=gen, dtype=torch.float64).to(device)
    w2 = torch.randn(h, generator=gen, dtype=torch.float64).to(device)
    b1, b2 = torch.zeros(h, dtype=torch.float64, device=device), torch.zeros((), dtype=torch.float64, device=device)
    args = (real, fake, eps, w1, b1, w2, b2)
    return RefResult(max_abs_error=max(errors), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: gradient_penalty(*args), device),
                     builtin_ms=time_ms(lambda: gradient_penalty_oracle(*args), device),
                     detail="oracle: torch.autograd.grad through the critic")
