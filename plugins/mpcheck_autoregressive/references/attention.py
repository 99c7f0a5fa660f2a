"""Scaled dot-product attention (causal or not) and multi-head self-attention, from the formulas.

    Attention(Q, K, V) = softmax(Q Kᵀ / √d + M) V,      M_ij = −∞ if j > i (causal), else 0

Q: (…, T_q, d), K: (…, T_k, d), V: (…, T_k, d_v); the softmax runs over the keys (the last axis),
so each query's weights sum to 1. Dividing by √d keeps the scores at unit variance whatever d
(``mpcheck derive attention-scaling``).

Multi-head self-attention (Vaswani et al. 2017) with h heads, weights laid out like
nn.MultiheadAttention: in_weight (3E × E) stacks W_Q, W_K, W_V, and out_weight (E × E) is W_O.

    Q, K, V = X W_Qᵀ + b_Q,  X W_Kᵀ + b_K,  X W_Vᵀ + b_V                 (N, T, E) each
    head i works on features i·E/h … (i+1)·E/h − 1:  (N, T, E) → (N, h, T, E/h)
    head_i = Attention(Q_i, K_i, V_i)                                   scaled by √(E/h)
    output = concat(head_1, …, head_h) W_Oᵀ + b_O
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False) -> torch.Tensor:
    # S = Q Kᵀ / √d: one row per query, one column per key
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        # query i may not see key j > i (aligned at the top left, like is_causal=True)
        future = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(future, float("-inf"))
    # softmax over the keys: e^{−∞} = 0 gives the hidden keys no weight
    return torch.softmax(scores, dim=-1) @ v


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    n, t, e = x.shape
    # (N, T, E) → (N, T, h, E/h) → (N, h, T, E/h): each head a slice of the features
    return x.view(n, t, heads, e // heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    n, heads, t, size = x.shape
    # (N, h, T, E/h) → (N, T, h·E/h): concat(head_1, …, head_h) along the features
    return x.transpose(1, 2).reshape(n, t, heads * size)


def multi_head_attention(x: torch.Tensor, in_weight: torch.Tensor, in_bias: torch.Tensor, out_weight: torch.Tensor,
                         out_bias: torch.Tensor, heads: int, causal: bool = False) -> torch.Tensor:
    """Self-attention of x (N, T, E) with ``heads`` heads: (N, T, E)."""
    # one product for the three projections: [Q | K | V] = X [W_Q; W_K; W_V]ᵀ + b
    q, k, v = F.linear(x, in_weight, in_bias).chunk(3, dim=-1)
    out = attention(split_heads(q, heads), split_heads(k, heads), split_heads(v, heads), causal)
    # concat the heads, then the output projection W_O mixes them
    return F.linear(merge_heads(out), out_weight, out_bias)


# --- the exercises: cases, oracles and known bugs ---------------------------------------------

def _randn(generator: torch.Generator, dtype: torch.dtype, device: str, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=generator, dtype=dtype).to(device)


def attention_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Self-attention shapes (as many keys as queries), with and without heads, causal or not."""
    shapes = [(2, 4, 3, 2, True), (1, 5, 4, 3, False), (3, 3, 2, 4, True), (2, 6, 8, 5, False)]
    for _ in range(3):
        t, d, d_v = (int(torch.randint(2, 7, (), generator=generator)) for _ in range(3))
        shapes.append((int(torch.randint(1, 4, (), generator=generator)), t, d, d_v,
                       bool(torch.randint(0, 2, (), generator=generator))))
    cases = []
    for index, (n, t, d, d_v, causal) in enumerate(shapes):
        lead = (n, 2) if index % 2 else (n,)   # every other case with a heads axis
        q, k = (_randn(generator, dtype, device, *lead, t, d) for _ in range(2))
        v = _randn(generator, dtype, device, *lead, t, d_v)
        label = f"q, k {'×'.join(map(str, (*lead, t, d)))}, v …×{t}×{d_v}, {'causal' if causal else 'no mask'}"
        cases.append(Case(label, (q, k, v), {"causal": causal}))
    return cases


def attention_oracle(q, k, v, causal=False):
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)


def _attention_with(q, k, v, causal, *, scale, over_queries=False, hidden="future"):
    scores = q @ k.transpose(-2, -1) * scale
    if causal:
        ones = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device)
        if hidden == "future and present":
            # a finite fill, as many write it: the first query, left with no key, averages them all
            scores = scores.masked_fill(ones.triu(0), -1e9)
        else:
            scores = scores.masked_fill(ones.tril(-1) if hidden == "past" else ones.triu(1), float("-inf"))
    return torch.softmax(scores, dim=-2 if over_queries else -1) @ v


def attention_forgot_sqrt_d(q, k, v, causal=False):
    """The bug: the scores are not scaled."""
    return _attention_with(q, k, v, causal, scale=1.0)


def attention_divided_by_d(q, k, v, causal=False):
    """The bug: divided by d instead of √d."""
    return _attention_with(q, k, v, causal, scale=1 / q.shape[-1])


def attention_softmax_over_queries(q, k, v, causal=False):
    """The bug: softmax over dim −2, so each key's weights (a column) sum to 1."""
    return _attention_with(q, k, v, causal, scale=1 / math.sqrt(q.shape[-1]), over_queries=True)


def attention_keys_queries_swapped(q, k, v, causal=False):
    """The bug: K Qᵀ, rows belonging to the keys."""
    return _attention_with(k, q, v, causal, scale=1 / math.sqrt(q.shape[-1]))


def attention_mask_wrong_triangle(q, k, v, causal=False):
    """The bug: the past hidden (j < i) instead of the future."""
    return _attention_with(q, k, v, causal, scale=1 / math.sqrt(q.shape[-1]), hidden="past")


def attention_mask_includes_diagonal(q, k, v, causal=False):
    """The bug: triu(diagonal=0), so each query is hidden from its own key too."""
    return _attention_with(q, k, v, causal, scale=1 / math.sqrt(q.shape[-1]), hidden="future and present")


def multi_head_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Self-attention inputs with 2 to 4 heads, causal or not, random projections."""
    shapes = [(2, 4, 6, 2, False), (1, 5, 8, 4, True), (2, 3, 9, 3, True), (3, 6, 4, 2, False)]
    for _ in range(2):
        heads = int(torch.randint(2, 5, (), generator=generator))
        shapes.append((int(torch.randint(1, 4, (), generator=generator)), int(torch.randint(2, 7, (), generator=generator)),
                       heads * int(torch.randint(1, 4, (), generator=generator)), heads,
                       bool(torch.randint(0, 2, (), generator=generator))))
    cases = []
    for n, t, e, heads, causal in shapes:
        x = _randn(generator, dtype, device, n, t, e)
        in_weight, in_bias = _randn(generator, dtype, device, 3 * e, e), _randn(generator, dtype, device, 3 * e)
        out_weight, out_bias = _randn(generator, dtype, device, e, e), _randn(generator, dtype, device, e)
        label = f"x {n}×{t}×{e}, {heads} heads, {'causal' if causal else 'no mask'}"
        cases.append(Case(label, (x, in_weight, in_bias, out_weight, out_bias, heads), {"causal": causal}))
    return cases


def multihead_layer(in_weight, in_bias, out_weight, out_bias, heads) -> torch.nn.MultiheadAttention:
    """nn.MultiheadAttention with the given weights copied in."""
    e = out_weight.shape[0]
    layer = torch.nn.MultiheadAttention(e, heads, batch_first=True, device=out_weight.device,
                                        dtype=out_weight.dtype)
    with torch.no_grad():
        layer.in_proj_weight.copy_(in_weight)
        layer.in_proj_bias.copy_(in_bias)
        layer.out_proj.weight.copy_(out_weight)
        layer.out_proj.bias.copy_(out_bias)
    return layer


def _run_layer(layer: torch.nn.MultiheadAttention, x: torch.Tensor, causal: bool) -> torch.Tensor:
    t = x.shape[1]
    mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1) if causal else None
    with torch.no_grad():
        return layer(x, x, x, attn_mask=mask, need_weights=False)[0]


def multi_head_oracle(x, in_weight, in_bias, out_weight, out_bias, heads, causal=False):
    return _run_layer(multihead_layer(in_weight, in_bias, out_weight, out_bias, heads), x, causal)


def _multi_head_with(x, in_weight, in_bias, out_weight, out_bias, heads, causal, *, scale=None, split="heads",
                     project=True):
    q, k, v = F.linear(x, in_weight, in_bias).chunk(3, dim=-1)
    n, t, e = x.shape
    if split == "none":
        parts, size = (q, k, v), e
    elif split == "memory":
        # reinterpreting (N, T, E) as (N, h, T, E/h) mixes time steps into the heads
        parts, size = (y.reshape(n, heads, t, e // heads) for y in (q, k, v)), e // heads
    else:
        parts, size = (split_heads(y, heads) for y in (q, k, v)), e // heads
    out = _attention_with(*parts, causal, scale=scale or 1 / math.sqrt(size))
    if split == "memory":
        out = out.reshape(n, t, e)
    elif split == "heads":
        out = merge_heads(out)
    return F.linear(out, out_weight, out_bias) if project else out


def multi_head_wrong_split(x, in_weight, in_bias, out_weight, out_bias, heads, causal=False):
    """The bug: heads split by reshaping (N, T, E) to (N, h, T, E/h) directly."""
    return _multi_head_with(x, in_weight, in_bias, out_weight, out_bias, heads, causal, split="memory")


def multi_head_scaled_by_model_dim(x, in_weight, in_bias, out_weight, out_bias, heads, causal=False):
    """The bug: scores divided by √E instead of √(E/h)."""
    return _multi_head_with(x, in_weight, in_bias, out_weight, out_bias, heads, causal,
                            scale=1 / math.sqrt(x.shape[-1]))


def multi_head_not_split(x, in_weight, in_bias, out_weight, out_bias, heads, causal=False):
    """The bug: one attention over all E features, no heads."""
    return _multi_head_with(x, in_weight, in_bias, out_weight, out_bias, heads, causal, split="none")


def multi_head_forgot_output_projection(x, in_weight, in_bias, out_weight, out_bias, heads, causal=False):
    """The bug: the concatenated heads returned without W_O."""
    return _multi_head_with(x, in_weight, in_bias, out_weight, out_bias, heads, causal, project=False)


# --- checks against the oracles --------------------------------------------------------------

def check_attention(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(attention(*c.args, **c.kwargs), attention_oracle(*c.args, **c.kwargs))
              for c in attention_cases(generator, device, torch.float64)]
    q, k, v = (_randn(generator, torch.float64, device, 8, 4, 128, 64) for _ in range(3))
    return RefResult(max_abs_error=max(errors), tolerance=1e-10, device=device,
                     ms=time_ms(lambda: attention(q, k, v, causal=True), device),
                     builtin_ms=time_ms(lambda: attention_oracle(q, k, v, causal=True), device))


def check_multi_head_attention(device: str) -> RefResult:
    generator = torch.Generator().manual_seed(0)
    errors = [max_abs_error(multi_head_attention(*c.args, **c.kwargs), multi_head_oracle(*c.args, **c.kwargs))
              for c in multi_head_cases(generator, device, torch.float64)]
    x = _randn(generator, torch.float64, device, 8, 64, 128)
    weights = (_randn(generator, torch.float64, device, 384, 128), _randn(generator, torch.float64, device, 384),
               _randn(generator, torch.float64, device, 128, 128), _randn(generator, torch.float64, device, 128))
    layer = multihead_layer(*weights, 8)
    return RefResult(max_abs_error=max(errors), tolerance=1e-10, device=device,
                     ms=time_ms(lambda: multi_head_attention(x, *weights, 8, causal=True), device),
                     builtin_ms=time_ms(lambda: _run_layer(layer, x, causal=True), device))
