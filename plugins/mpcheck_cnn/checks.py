"""Params checks shared by the cnn generators (each failure names the key, via mpcheck.params)."""

from __future__ import annotations

from mpcheck import params as P
from mpcheck.errors import ParamsError

MAX_GRID = 16
MAX_ENTRY = 1e6


def grid(params: dict, key: str, max_dim: int = MAX_GRID) -> list[list[float]]:
    """A 2-D list of finite numbers no larger than ``max_dim`` × ``max_dim``."""
    rows = P.matrix(params, key, max_dim=max_dim)
    if any(abs(v) > MAX_ENTRY for row in rows for v in row):
        raise ParamsError(f"params: {key!r} entries must be at most {MAX_ENTRY:g} in size")
    return rows


def sizes(params: dict, **bounds: tuple[int, int]) -> None:
    """Integer params within bounds, e.g. ``sizes(p, stride=(1, 8), padding=(0, 8))``."""
    for key, (lo, hi) in bounds.items():
        P.integer(params, key, lo, hi)


def fits(kernel_shape: tuple[int, int], input_shape: tuple[int, int], padding: int, what: str) -> None:
    """The kernel must fit inside the padded input, or there is no output at all."""
    (kh, kw), (h, w) = kernel_shape, input_shape
    if kh > h + 2 * padding or kw > w + 2 * padding:
        raise ParamsError(f"params: the {kh}×{kw} kernel does not fit the {h}×{w} {what} "
                          f"with padding {padding}")
