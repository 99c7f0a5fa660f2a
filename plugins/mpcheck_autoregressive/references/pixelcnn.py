"""PixelCNN's masked convolution (van den Oord et al. 2016) and the receptive field of a stack.

Pixels are generated row by row, left to right, and within a pixel R, then G, then B. A k × k
kernel (k odd) keeps only what comes before the output pixel in that order:

    M[o, c, i, j] = 1   above the centre row (i < k//2), and left of the centre in its row;
    at the centre, from the colour group g(c) of input channel c to the group g(o) of output o:
        mask A:  g(c) <  g(o)    the first layer: a pixel must not see its own value
        mask B:  g(c) ≤  g(o)    later layers: the centre feature already holds only the past

    y = conv2d(x, W ⊙ M, b, padding = k//2)

Channels are split into ``groups`` contiguous colour groups: 3 for RGB (the first third of the
channels is R, then G, then B), 1 for greyscale.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, time_ms


def colour_group(channels: int, groups: int, device) -> torch.Tensor:
    # channel c belongs to group ⌊c · groups / C⌋: contiguous blocks R…, G…, B…
    return torch.arange(channels, device=device) * groups // channels


def pixelcnn_mask(c_out: int, c_in: int, k: int, mask_type: str, groups: int = 1, device="cpu") -> torch.Tensor:
    """The (C_out, C_in, k, k) boolean mask of a masked convolution."""
    rows = torch.arange(k, device=device)[:, None]
    cols = torch.arange(k, device=device)[None, :]
    centre = k // 2
    # strictly before the centre in raster order: the rows above, and the left part of the centre row
    before = (rows < centre) | ((rows == centre) & (cols < centre))
    mask = before.expand(c_out, c_in, k, k).clone()
    g_out = colour_group(c_out, groups, device)[:, None]
    g_in = colour_group(c_in, groups, device)[None, :]
    # the centre tap: earlier colours only (A), or earlier colours and the same colour (B)
    mask[:, :, centre, centre] = g_in < g_out if mask_type == "A" else g_in <= g_out
    return mask


def masked_conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, mask_type: str,
                  groups: int = 1) -> torch.Tensor:
    """A 'same' convolution whose kernel cannot see the future: (N, C_in, H, W) → (N, C_out, H, W)."""
    c_out, c_in, k, _ = weight.shape
    mask = pixelcnn_mask(c_out, c_in, k, mask_type, groups, weight.device)
    return F.conv2d(x, weight * mask, bias, padding=k // 2)


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

FIXED = [  # (N, C_in, C_out, H, W, k, mask type, groups)
    (1, 1, 2, 5, 5, 3, "A", 1), (2, 2, 1, 6, 4, 5, "B", 1), (1, 3, 6, 5, 6, 3, "A", 3), (2, 6, 3, 4, 5, 3, "B", 3),
]


def masked_conv2d_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Greyscale and RGB, masks A and B, 3×3 and 5×5 kernels, then random sizes."""
    shapes = list(FIXED)
    for _ in range(3):
        groups = 3 if bool(torch.randint(0, 2, (), generator=generator)) else 1
        c_in, c_out = (groups * int(torch.randint(1, 3, (), generator=generator)) for _ in range(2))
        k = 3 + 2 * int(torch.randint(0, 2, (), generator=generator))
        h, w = (int(torch.randint(3, 8, (), generator=generator)) for _ in range(2))
        shapes.append((2, c_in, c_out, h, w, k, "AB"[int(torch.randint(0, 2, (), generator=generator))], groups))
    cases = []
    for n, c_in, c_out, h, w, k, mask_type, groups in shapes:
        x = torch.randn(n, c_in, h, w, generator=generator, dtype=dtype).to(device)
        weight = torch.randn(c_out, c_in, k, k, generator=generator, dtype=dtype).to(device)
        bias = torch.randn(c_out, generator=generator, dtype=dtype).to(device)
        colour = "RGB" if groups == 3 else "greyscale"
        label = f"mask {mask_type}, {colour}, x {n}×{c_in}×{h}×{w}, weight {c_out}×{c_in}×{k}×{k}"
        cases.append(Case(label, (x, weight, bias, mask_type), {"groups": groups}))
    return cases


def _conv_with(mask_of):
    """A masked convolution whose mask comes from ``mask_of(c_out, c_in, k, mask_type, groups)``."""
    def conv(x, weight, bias, mask_type, groups=1):
        c_out, c_in, k, _ = weight.shape
        mask = torch.tensor(mask_of(c_out, c_in, k, mask_type, groups), dtype=weight.dtype, device=weight.device)
        return F.conv2d(x, weight * mask, bias, padding=k // 2)
    return conv


def _grids(c_out, c_in, k, mask_type, groups, *, reverse=False, rows_below=False, transposed=False):
    # the masks of the pixelcnn-mask problems (pure Python), one k×k grid per (output, input) channel
    from mpcheck_autoregressive.masks import COLOURS, centre_kept, kernel_mask

    def colour(c: int, channels: int) -> str:
        return COLOURS[c * groups // channels]

    out = []
    for o in range(c_out):
        row = []
        for c in range(c_in):
            pair = (colour(c, c_in), colour(o, c_out)) if groups == 3 else None
            grid = kernel_mask(k, centre_kept(mask_type, pair, reverse), rows_below)
            row.append([list(col) for col in zip(*grid)] if transposed else grid)
        out.append(row)
    return out


#: The oracle: the kernel masks of the pixelcnn-mask problems, channel pair by channel pair.
masked_conv2d_oracle = _conv_with(_grids)

#: The bug: mask A where B belongs and B where A belongs.
masked_conv2d_a_b_swapped = _conv_with(lambda o, c, k, t, g: _grids(o, c, k, "B" if t == "A" else "A", g))

#: The bug: only the right half of the centre row zeroed; the rows below, also in the future, kept.
masked_conv2d_rows_below_kept = _conv_with(lambda o, c, k, t, g: _grids(o, c, k, t, g, rows_below=True))

#: The bug: the kernel mask transposed, as if pixels were scanned column by column.
masked_conv2d_column_order = _conv_with(lambda o, c, k, t, g: _grids(o, c, k, t, g, transposed=True))

#: The bug: colours generated B, G, R at the centre tap.
masked_conv2d_colours_reversed = _conv_with(lambda o, c, k, t, g: _grids(o, c, k, t, g, reverse=True))


# --- the oracle check: receptive fields measured by autograd -------------------------------

def dependencies(f, x: torch.Tensor, channel: int, i: int, j: int) -> set[tuple[int, int, int]]:
    """The input entries (c, row, col) that output (channel, i, j) of f(x) depends on: autograd."""
    x = x.detach().requires_grad_()
    f(x)[0, channel, i, j].backward()
    return {tuple(map(int, index)) for index in x.grad[0].nonzero()}


def expected_layer(c_in: int, c_out: int, k: int, mask_type: str, groups: int, o: int, i: int, j: int):
    """What one masked layer's output (o, i, j) may read: the earlier pixels in the window, all
    channels, and the centre pixel in the channels of an allowed colour."""
    c, group = k // 2, colour_group(c_in, groups, "cpu")
    g_out = int(colour_group(c_out, groups, "cpu")[o])
    seen = {(ch, i + di, j + dj) for ch in range(c_in) for di in range(-c, c + 1) for dj in range(-c, c + 1)
            if di < 0 or (di == 0 and dj < 0)}
    allowed = (lambda g: g < g_out) if mask_type == "A" else (lambda g: g <= g_out)
    return seen | {(ch, i, j) for ch in range(c_in) if allowed(int(group[ch]))}


def stack_offsets(k: int, depth: int) -> set[tuple[int, int]]:
    """Offsets an output pixel of a greyscale stack (mask A, then B layers) reads, as sums of one
    kept offset per layer: the blind spot to the upper right shows up here too."""
    c = k // 2
    before = {(di, dj) for di in range(-c, c + 1) for dj in range(-c, c + 1) if di < 0 or (di == 0 and dj < 0)}
    reach = set(before)   # mask A
    for _ in range(depth - 1):
        reach = {(a + di, b + dj) for a, b in reach for di, dj in before | {(0, 0)}}   # mask B
    return reach


def check_masked_conv(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    mismatches = 0
    size, i, j = 11, 5, 5
    for mask_type, c_in, c_out, groups in [("A", 3, 6, 3), ("B", 6, 3, 3), ("A", 1, 2, 1), ("B", 2, 2, 1)]:
        weight = torch.randn(c_out, c_in, 5, 5, generator=generator, dtype=torch.float64).to(device)
        x = torch.randn(1, c_in, size, size, generator=generator, dtype=torch.float64).to(device)
        for o in range(c_out):
            got = dependencies(lambda v: masked_conv2d(v, weight, None, mask_type, groups), x, o, i, j)
            mismatches += len(got ^ expected_layer(c_in, c_out, 5, mask_type, groups, o, i, j))
    depth = 3
    weights = [torch.randn(1, 1, 3, 3, generator=generator, dtype=torch.float64).to(device) for _ in range(depth)]

    def stack(v: torch.Tensor) -> torch.Tensor:
        for layer, w in enumerate(weights):
            v = masked_conv2d(v, w, None, "A" if layer == 0 else "B")
        return v

    x = torch.randn(1, 1, size, size, generator=generator, dtype=torch.float64).to(device)
    got = dependencies(stack, x, 0, i, j)
    mismatches += len(got ^ {(0, i + di, j + dj) for di, dj in stack_offsets(3, depth)})
    big_x = torch.randn(4, 24, 16, 16, generator=generator, dtype=torch.float64).to(device)
    big_w = torch.randn(24, 24, 5, 5, generator=generator, dtype=torch.float64).to(device)
    return RefResult(max_abs_error=float(mismatches), tolerance=0.0, device=device,
                     detail="output pixels depend exactly on the pixels before them (autograd); "
                            "the stack's receptive field, blind spot included, as predicted",
                     ms=time_ms(lambda: masked_conv2d(big_x, big_w, None, "B", 3), device),
                     builtin_ms=time_ms(lambda: F.conv2d(big_x, big_w, None, padding=2), device))
