"""Sampling with one call into numpy instead of one per number.

A numpy ``Generator`` call costs microseconds of overhead each, and a gridworld problem draws a few
dozen small numbers. ``Batched`` takes 64 uniforms at a time and answers the calls the samplers make
(``random``, ``integers``, ``permutation``, and ``mpcheck.sampling``'s helpers through them) from that
buffer, so the same seed still gives the same problem on any machine.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

BATCH = 64


class Batched:
    def __init__(self, rng: Any):
        self.rng, self.buffer = rng, []

    def random(self) -> float:
        if not self.buffer:
            self.buffer = self.rng.random(BATCH).tolist()[::-1]
        return self.buffer.pop()

    def integers(self, low: int, high: int | None = None, size: Any = None) -> int:
        """Like ``Generator.integers`` for one number: low ≤ n < high (0 ≤ n < low with one argument)."""
        if size is not None:
            raise TypeError("Batched draws one number at a time")
        if high is None:
            low, high = 0, low
        return low + min(int(self.random() * (high - low)), high - low - 1)

    def permutation(self, n: int) -> list[int]:
        # Fisher–Yates: swap each position with a uniformly chosen one at or before it
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.integers(i + 1)
            order[i], order[j] = order[j], order[i]
        return order


def batched(sampler: Callable[..., dict]) -> Callable[..., dict]:
    """A ``sample_params`` that draws through one ``Batched`` buffer."""
    @functools.wraps(sampler)
    def sample(rng: Any, *args: Any, **kwargs: Any) -> dict:
        return sampler(rng if isinstance(rng, Batched) else Batched(rng), *args, **kwargs)
    return sample
