"""WaveNet's stack of dilated causal convolutions (van den Oord et al. 2016), as sums of shifted inputs.

One causal layer with kernel size k and dilation d reads the present and the past only:

    y[n, o, t] = b[o] + Σ_c Σ_{m=0}^{k−1} W[o, c, m] · x[n, c, t − (k−1−m)·d]      (x[…, t < 0] = 0)

which is PyTorch's correlation over the input padded with (k − 1)·d zeros on the left alone. Each
layer reaches (k − 1)·d samples further back, so a stack of layers (tanh between them) sees

    1 + (k − 1) · Σ_l d_l   samples: its receptive field, doubling per layer for d = 1, 2, 4, …

(the span from the oldest sample read to the present; irregular dilations may skip samples inside it).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms


def causal_conv1d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, dilation: int) -> torch.Tensor:
    """(N, C_in, T) → (N, C_out, T); output t never reads an input after t."""
    steps = x.shape[-1]
    k = weight.shape[-1]
    # (k − 1)·d zeros on the left: the first output reads only x[0] and padding
    x_pad = F.pad(x, ((k - 1) * dilation, 0))
    # taps[n, c, m, t] = x_pad[n, c, t + m·d] = x[n, c, t − (k−1−m)·d]
    taps = torch.stack([x_pad[:, :, m * dilation:m * dilation + steps] for m in range(k)], dim=2)
    # y[n, o, t] = b[o] + Σ_c Σ_m W[o, c, m] · taps[n, c, m, t]
    return torch.einsum("ocm,ncmt->not", weight, taps) + bias[None, :, None]


def wavenet_stack(x: torch.Tensor, weights: list[torch.Tensor], biases: list[torch.Tensor],
                  dilations: list[int]) -> torch.Tensor:
    """The causal layers one after the other, tanh between them."""
    h = x
    for layer, (w, b, d) in enumerate(zip(weights, biases, dilations)):
        h = causal_conv1d(h, w, b, d)
        if layer < len(weights) - 1:
            h = torch.tanh(h)
    return h


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

FIXED = [  # (N, channels per layer, T, k, dilations)
    (1, [1, 2, 1], 12, 2, [1, 2]), (2, [2, 3, 3, 2], 20, 2, [1, 2, 4]), (1, [1, 2, 2, 1], 16, 3, [1, 3, 2]),
]


def wavenet_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Doubling and irregular dilations, kernel sizes 2 and 3, then random stacks."""
    shapes = list(FIXED)
    for _ in range(2):
        depth = int(torch.randint(2, 5, (), generator=generator))
        dilations = [int(torch.randint(1, 5, (), generator=generator)) for _ in range(depth)]
        channels = [int(torch.randint(1, 4, (), generator=generator)) for _ in range(depth + 1)]
        shapes.append((2, channels, int(torch.randint(8, 24, (), generator=generator)),
                       int(torch.randint(2, 4, (), generator=generator)), dilations))
    cases = []
    for n, channels, steps, k, dilations in shapes:
        weights = [torch.randn(c_out, c_in, k, generator=generator, dtype=dtype).to(device)
                   for c_in, c_out in zip(channels, channels[1:])]
        biases = [torch.randn(c_out, generator=generator, dtype=dtype).to(device) for c_out in channels[1:]]
        x = torch.randn(n, channels[0], steps, generator=generator, dtype=dtype).to(device)
        label = f"x {n}×{channels[0]}×{steps}, k = {k}, dilations {dilations}, channels {channels}"
        cases.append(Case(label, (x, weights, biases, dilations)))
    return cases


def _stack_with(layer):
    """A stack whose layers are ``layer(h, weight, bias, dilation)``, tanh between them."""
    def stack(x, weights, biases, dilations):
        h = x
        for index, (w, b, d) in enumerate(zip(weights, biases, dilations)):
            h = layer(h, w, b, d)
            if index < len(weights) - 1:
                h = torch.tanh(h)
        return h
    return stack


def _conv1d_causal(x, w, b, d):
    # F.conv1d pads (k − 1)·d on both sides; the first T outputs are the causal ones
    return F.conv1d(x, w, b, padding=(w.shape[-1] - 1) * d, dilation=d)[..., :x.shape[-1]]


def _conv1d_padded_right(x, w, b, d):
    # the zeros on the wrong side: output t reads x[t], …, x[t + (k−1)·d], the future
    return F.conv1d(F.pad(x, (0, (w.shape[-1] - 1) * d)), w, b, dilation=d)


#: The oracle: PyTorch's conv1d with symmetric padding, cropped to the causal outputs.
wavenet_oracle = _stack_with(_conv1d_causal)

#: The bug: padding on the right, so every output looks into the future.
wavenet_padded_right = _stack_with(_conv1d_padded_right)

#: The bug: dilation 1 in every layer (and padding k − 1).
wavenet_forgot_dilation = _stack_with(lambda x, w, b, d: _conv1d_causal(x, w, b, 1))

#: The bug: the taps in reverse order, a true convolution: W[o, c, m] paired with x[t − m·d].
wavenet_kernel_flipped = _stack_with(lambda x, w, b, d: _conv1d_causal(x, w.flip(-1), b, d))


# --- the oracle check: causality and the receptive field measured by autograd -------------

def input_support(f, x: torch.Tensor, t: int) -> list[int]:
    """The time steps of x that output step t (summed over channels) depends on, by autograd."""
    x = x.detach().requires_grad_()
    f(x)[..., t].sum().backward()
    return sorted({int(i) for i in x.grad.abs().sum((0, 1)).nonzero().flatten()})


def check_wavenet(device: str) -> RefResult:
    from mpcheck_autoregressive.wavenet import offsets_read, receptive_field

    generator = torch.Generator().manual_seed(0)
    error, problems = 0.0, []
    for case in wavenet_cases(generator, device, torch.float64):
        x, weights, biases, dilations = case.args
        error = max(error, max_abs_error(wavenet_stack(*case.args), wavenet_oracle(*case.args)))
        k, steps = weights[0].shape[-1], x.shape[-1]
        field, offsets = receptive_field(k, dilations), offsets_read(k, dilations)
        for t in (steps // 2, steps - 1):
            support = input_support(lambda v: wavenet_stack(v, weights, biases, dilations), x, t)
            # exactly the samples t − o for the offsets o the taps can add up to: nothing after t,
            # nothing further back than the receptive field
            expected = sorted(t - o for o in offsets if o <= t)
            if support != expected or (t + 1 >= field and t - support[0] + 1 != field):
                problems.append(f"{case.label}, step {t}: reads {support}, receptive field {field}")
    x, weights, biases, dilations = wavenet_cases(generator, device, torch.float64)[1].args
    return RefResult(max_abs_error=error if not problems else float("inf"), tolerance=1e-10, device=device,
                     detail="; ".join(problems) or "causal, and the receptive field is 1 + (k − 1) Σ d (autograd)",
                     ms=time_ms(lambda: wavenet_stack(x, weights, biases, dilations), device),
                     builtin_ms=time_ms(lambda: wavenet_oracle(x, weights, biases, dilations), device))
