"""A fixed stand-in for the noise-prediction network, so that sampling and the loss can be checked
exactly: ε_θ(x, t) = tanh(w ⊙ x + c t/T), elementwise over each sample's coordinates."""

from __future__ import annotations

import torch


class ToyDenoiser:
    """Deterministic ε_θ(x, t) for x of shape (N, d) and t of shape (N,) (timesteps from 1)."""

    def __init__(self, weight: torch.Tensor, shift: torch.Tensor, T: int):
        self.weight, self.shift, self.T = weight, shift, T

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.weight * x + self.shift * t.to(x.dtype)[:, None] / self.T)

    def __repr__(self) -> str:
        return f"ToyDenoiser(d={self.weight.numel()}, T={self.T})"


def toy_denoiser(d: int, T: int, generator: torch.Generator, device: str, dtype: torch.dtype) -> ToyDenoiser:
    weight = torch.randn(d, generator=generator, dtype=torch.float64).to(device, dtype)
    shift = torch.randn(d, generator=generator, dtype=torch.float64).to(device, dtype)
    return ToyDenoiser(weight, shift, T)
