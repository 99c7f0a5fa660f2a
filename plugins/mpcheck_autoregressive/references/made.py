"""MADE (Germain et al. 2015): an autoencoder made autoregressive by masking its weights.

Every unit has a degree. Input x_d has degree m⁰(d), its position in the chosen order; hidden
units have degrees in 1..D−1. A weight is kept only where it cannot carry information from the
future (weights stored like nn.Linear: rows are the units fed, columns the units feeding):

    hidden layer l:  M^l[k, j] = 1  if m^l(k) ≥ m^(l−1)(j)
    output layer:    M^V[d, k] = 1  if m⁰(d) > m^L(k)        (strict: x̂_d must not see x_d)

    h^l = tanh(b^l + (W^l ⊙ M^l) h^(l−1)),    logits = c + (V ⊙ M^V) h^L

Then x̂_d depends on x_j only if m⁰(j) < m⁰(d): sorted by the order, the Jacobian ∂x̂/∂x is
strictly lower triangular. (tanh rather than ReLU: every allowed path carries a gradient, which the
oracle below uses to see that the masks cut nothing they should keep.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, time_ms


def hidden_mask(degrees: torch.Tensor, previous: torch.Tensor) -> torch.Tensor:
    # M[k, j] = 1 if m(k) ≥ m_prev(j)
    return degrees[:, None] >= previous[None, :]


def output_mask(input_degrees: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    # M[d, k] = 1 if m⁰(d) > m^L(k)
    return input_degrees[:, None] > last[None, :]


def made_masks(input_degrees: torch.Tensor, hidden_degrees: list[torch.Tensor]) -> list[torch.Tensor]:
    """One boolean mask per layer: the hidden layers in turn, then the output layer."""
    masks, previous = [], input_degrees
    for degrees in hidden_degrees:
        masks.append(hidden_mask(degrees, previous))
        previous = degrees
    return masks + [output_mask(input_degrees, previous)]


def made(x: torch.Tensor, weights: list[torch.Tensor], biases: list[torch.Tensor], input_degrees: torch.Tensor,
         hidden_degrees: list[torch.Tensor]) -> torch.Tensor:
    """Logits of p(x_d = 1 | earlier variables) for every d, one pass: (N, D) → (N, D)."""
    h = x
    masks = made_masks(input_degrees, hidden_degrees)
    for layer, (w, b, m) in enumerate(zip(weights, biases, masks)):
        # (W ⊙ M) h + b: the mask zeroes the connections that would leak the future
        h = F.linear(h, w * m, b)
        if layer < len(weights) - 1:
            h = torch.tanh(h)
    return h


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def _degrees(generator: torch.Generator, d: int, sizes: list[int], device: str):
    order = torch.randperm(d, generator=generator) + 1
    if bool((order == torch.arange(1, d + 1)).all()):
        order = order.flip(0)  # a non-trivial order, so that ignoring it shows
    hidden = []
    for size in sizes:
        # every degree 1..D−1 present, so that every allowed connection exists
        degrees = torch.cat([torch.arange(1, d), torch.randint(1, d, (size - (d - 1),), generator=generator)])
        hidden.append(degrees[torch.randperm(size, generator=generator)].to(device))
    return order.to(device), hidden


def made_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Random orders and degrees, one or two hidden layers, random weights."""
    cases = []
    for d, sizes, n in [(3, [4], 2), (5, [6], 3), (4, [5, 7], 2), (6, [8, 8], 4)]:
        order, hidden = _degrees(generator, d, sizes, device)
        shapes = list(zip([*sizes, d], [d, *sizes]))
        weights = [torch.randn(out, inp, generator=generator, dtype=dtype).to(device) for out, inp in shapes]
        biases = [torch.randn(out, generator=generator, dtype=dtype).to(device) for out, _ in shapes]
        x = torch.randn(n, d, generator=generator, dtype=dtype).to(device)
        label = f"D = {d}, hidden sizes {sizes}, order {order.tolist()}"
        cases.append(Case(label, (x, weights, biases, order, hidden)))
    return cases


def _forward_with(masks_of):
    """A MADE forward pass whose masks come from ``masks_of(input_degrees, hidden_degrees)``."""
    def forward(x, weights, biases, input_degrees, hidden_degrees):
        h = x
        masks = masks_of(input_degrees.tolist(), [m.tolist() for m in hidden_degrees])
        for layer, (w, b, m) in enumerate(zip(weights, biases, masks)):
            h = F.linear(h, w * torch.tensor(m, dtype=w.dtype, device=w.device), b)
            if layer < len(weights) - 1:
                h = torch.tanh(h)
        return h
    return forward


def _masks_from_lists(order: list[int], hidden: list[list[int]], strict_input: bool = False,
                      strict_output: bool = True) -> list[list[list[int]]]:
    # the masks of the made-mask problems (pure Python), layer by layer
    from mpcheck_autoregressive.masks import made_mask

    masks, previous = [], order
    for degrees in hidden:
        masks.append(made_mask(previous, degrees, "input", strict_input=strict_input))
        previous = degrees
    return masks + [made_mask(order, previous, "output", strict_output=strict_output)]


#: The oracle: the same network with the masks of the made-mask problems, built from the degrees
#: one connection at a time in plain Python (those masks are themselves checked by autograd).
made_oracle = _forward_with(_masks_from_lists)

#: The bug: ≥ in the output mask, so x̂_d sees hidden units of its own degree, hence x_d.
made_mask_includes_diagonal = _forward_with(lambda o, h: _masks_from_lists(o, h, strict_output=False))

#: The bug: > in the hidden masks too, so a unit of degree m never sees the input of degree m.
made_strict_hidden_mask = _forward_with(lambda o, h: _masks_from_lists(o, h, strict_input=True))

#: The bug: the index d used as the degree, ignoring the chosen order.
made_ignores_order = _forward_with(lambda o, h: _masks_from_lists(list(range(1, len(o) + 1)), h))


# --- the oracle check: the Jacobian is strictly triangular in the order ---------------------

def jacobian(x_row: torch.Tensor, *args) -> torch.Tensor:
    """∂ logits / ∂ x for one input vector, by autograd: J[d, j] = ∂x̂_d / ∂x_j."""
    return torch.autograd.functional.jacobian(lambda v: made(v[None], *args)[0], x_row)


def triangularity_error(j: torch.Tensor, order: torch.Tensor) -> tuple[float, int]:
    """(largest |J[d, j]| where m⁰(j) ≥ m⁰(d), number of allowed entries that are 0)."""
    allowed = order[None, :] < order[:, None]   # x̂_d may depend on x_j iff m⁰(j) < m⁰(d)
    leaked = float(j[~allowed].abs().max()) if (~allowed).any() else 0.0
    return leaked, int((j[allowed] == 0).sum())


def check_made(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    worst, cut = 0.0, 0
    for case in made_cases(generator, device, torch.float64):
        x, weights, biases, order, hidden = case.args
        leaked, missing = triangularity_error(jacobian(x[0], weights, biases, order, hidden), order)
        worst, cut = max(worst, leaked), cut + missing
    x, weights, biases, order, hidden = made_cases(generator, device, torch.float64)[-1].args
    detail = "Jacobian strictly lower triangular in the chosen order"
    if cut:
        detail = f"{cut} allowed Jacobian entries are 0: the masks cut connections they should keep"
    return RefResult(max_abs_error=worst if not cut else float("inf"), tolerance=0.0, device=device, detail=detail,
                     ms=time_ms(lambda: made(x, weights, biases, order, hidden), device))
