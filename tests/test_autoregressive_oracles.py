"""autoregressive generator answers against independent computations in PyTorch.

The ★ generators (attention, wavenet-receptive-field) get random valid params from hypothesis through
``Problem.from_params``; the others are compared with PyTorch on their own sampled params.
"""

import functools
import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.problem import Problem
from mpcheck_autoregressive import attention, counts, masks, nll, vq, wavenet
from mpcheck_autoregressive.references import made as made_ref
from mpcheck_autoregressive.references import pixelcnn as pixel_ref

SEEDS = range(150)
SETTINGS = settings(max_examples=150, deadline=None)


def sampled(generator):
    for seed in SEEDS:
        yield Problem.from_seed(generator, seed)


def f64(rows) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


# --- ★ autoregressive.attention ----------------------------------------------------------------

entries = st.one_of(st.integers(-4, 4), st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 3)))


@st.composite
def attention_params(draw):
    t_q, t_k, d, d_v = (draw(st.integers(1, 5)) for _ in range(4))
    grid = lambda r, c: draw(st.lists(st.lists(entries, min_size=c, max_size=c), min_size=r, max_size=r))
    return {"Q": grid(t_q, d), "K": grid(t_k, d), "V": grid(t_k, d_v), "causal": draw(st.booleans())}


@SETTINGS
@given(attention_params())
def test_attention_matches_scaled_dot_product_attention(p):
    expected = F.scaled_dot_product_attention(f64(p["Q"]), f64(p["K"]), f64(p["V"]), is_causal=p["causal"])
    answer = Problem.from_params(attention.ATTENTION, p).answer
    assert torch.allclose(f64(answer), expected, rtol=1e-9, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(attention_params())
def test_attention_mistakes_match_their_pytorch_bugs(p):
    q, k, v = f64(p["Q"]), f64(p["K"]), f64(p["V"])
    mask = torch.ones(len(p["Q"]), len(p["K"]), dtype=torch.bool).tril() if p["causal"] else None
    unscaled = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=1.0)
    by_d = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=1 / q.shape[-1])
    mistakes = {m.name: m.answer(p) for m in attention.ATTENTION.mistakes}
    if mistakes["forgot-sqrt-d"] is not None:
        assert torch.allclose(f64(mistakes["forgot-sqrt-d"]), unscaled, atol=1e-9)
        assert torch.allclose(f64(mistakes["divided-by-d"]), by_d, atol=1e-9)


# --- ★ autoregressive.wavenet-receptive-field ----------------------------------------------------

def measured_receptive_field(kernel_size: int, dilations: list[int]) -> int:
    """The span of input samples the last output of a causal dilated stack depends on: autograd
    through PyTorch's own conv1d, padded (k − 1)·d on the left."""
    span = 1 + (kernel_size - 1) * sum(dilations)
    x = torch.rand(1, 1, span + 8, dtype=torch.float64, requires_grad=True)
    h = x
    for d in dilations:
        weight = torch.rand(1, 1, kernel_size, dtype=torch.float64) + 0.5   # positive: no cancellation
        h = F.conv1d(F.pad(h, ((kernel_size - 1) * d, 0)), weight, dilation=d)
    h[0, 0, -1].backward()
    touched = x.grad[0, 0].nonzero().flatten()
    return int(touched.max() - touched.min() + 1)


@SETTINGS
@given(st.integers(1, 5), st.lists(st.integers(1, 6), min_size=1, max_size=5))
def test_wavenet_receptive_field_matches_autograd(kernel_size, dilations):
    p = {"kernel_size": kernel_size, "dilations": dilations}
    assert Problem.from_params(wavenet.WAVENET_RECEPTIVE_FIELD, p).answer == measured_receptive_field(kernel_size, dilations)


def test_wavenet_offsets_match_autograd_support():
    for problem in itertools.islice(sampled(wavenet.WAVENET_RECEPTIVE_FIELD), 40):
        k, dilations = problem.params["kernel_size"], problem.params["dilations"]
        span = problem.answer
        x = torch.rand(1, 1, span + 4, dtype=torch.float64, requires_grad=True)
        h = x
        for d in dilations:
            h = F.conv1d(F.pad(h, ((k - 1) * d, 0)), torch.ones(1, 1, k, dtype=torch.float64), dilation=d)
        h[0, 0, -1].backward()
        read = {span + 3 - int(i) for i in x.grad[0, 0].nonzero().flatten()}
        assert read == wavenet.offsets_read(k, dilations)
        assert not wavenet.has_gaps(k, dilations)  # the sampler only draws gap-free stacks


# --- the other generators against PyTorch on sampled params -------------------------------------

@functools.lru_cache(maxsize=None)
def torch_count(model: str, n: int, variable: int | None, hidden: int | None) -> int:
    """The parameters of the model built from torch modules (or, for tables, its contexts enumerated)."""
    if model == "fvsbn":
        # one logistic regression nn.Linear(i − 1, 1) per conditional
        layers = [torch.nn.Linear(j - 1, 1, device="meta") for j in ([variable] if variable else range(1, n + 1))]
        return sum(t.numel() for layer in layers for t in layer.parameters())
    if model == "nade":
        hidden_layer, output = torch.nn.Linear(n, hidden, device="meta"), torch.nn.Linear(hidden, n, device="meta")
        return sum(t.numel() for layer in (hidden_layer, output) for t in layer.parameters())
    # one free probability per context of each conditional, contexts enumerated
    variables = [variable] if variable else range(1, n + 1)
    return sum(len(list(itertools.product((0, 1), repeat=j - 1))) for j in variables)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # nn.Linear(0, 1): x_1 has no context
def test_param_count_matches_torch_modules():
    for problem in sampled(counts.PARAM_COUNT):
        p = problem.params
        assert problem.answer == torch_count(p["model"], p["n"], p.get("variable"), p.get("hidden")), p


def test_made_masks_match_the_reference_and_keep_the_network_autoregressive():
    for problem in sampled(masks.MADE_MASK):
        p = problem.params
        order, hidden = torch.tensor(p["input_degrees"]), torch.tensor(p["hidden_degrees"])
        torch_masks = made_ref.made_masks(order, [hidden])
        expected = torch_masks[0] if p["mask"] == "input" else torch_masks[1]
        assert problem.answer == expected.int().tolist()
        # with both masks of the problems, the Jacobian of a MADE is zero wherever m⁰(j) ≥ m⁰(d)
        w_in = f64(masks.made_mask(p["input_degrees"], p["hidden_degrees"], "input"))
        w_out = f64(masks.made_mask(p["input_degrees"], p["hidden_degrees"], "output"))
        gen = torch.Generator().manual_seed(0)
        a = torch.randn(w_in.shape, generator=gen, dtype=torch.float64) * w_in
        b = torch.randn(w_out.shape, generator=gen, dtype=torch.float64) * w_out
        j = torch.autograd.functional.jacobian(lambda x: b @ torch.tanh(a @ x), torch.randn(len(order), dtype=torch.float64))
        leaked, _ = made_ref.triangularity_error(j, order)
        assert leaked == 0


def autograd_kernel_support(mask_grid: list[list[int]]) -> list[list[int]]:
    """Which input pixels around the centre one output of a conv with this masked kernel reads."""
    k = len(mask_grid)
    x = torch.rand(1, 1, 2 * k + 1, 2 * k + 1, dtype=torch.float64, requires_grad=True)
    weight = (torch.rand(1, 1, k, k, dtype=torch.float64) + 0.5) * f64(mask_grid)
    F.conv2d(x, weight, padding=k // 2)[0, 0, k, k].backward()
    c = k // 2
    return (x.grad[0, 0, k - c:k + c + 1, k - c:k + c + 1] != 0).int().tolist()


def test_pixelcnn_masks_match_the_reference_and_autograd():
    for problem in sampled(masks.PIXELCNN_MASK):
        p = problem.params
        k, colours = p["kernel_size"], "input_colour" in p
        if colours:
            full = pixel_ref.pixelcnn_mask(3, 3, k, p["mask"], groups=3)
            expected = full["RGB".index(p["output_colour"]), "RGB".index(p["input_colour"])]
        else:
            expected = pixel_ref.pixelcnn_mask(1, 1, k, p["mask"])[0, 0]
        assert problem.answer == expected.int().tolist()
        assert autograd_kernel_support(problem.answer) == problem.answer


def test_vq_assign_matches_cdist_argmin():
    for problem in sampled(vq.VQ_ASSIGN):
        z, codebook = f64(problem.params["z"]), f64(problem.params["codebook"])
        assert problem.answer == (torch.cdist(z, codebook).argmin(dim=1) + 1).tolist()


def test_sequence_nll_matches_nll_loss():
    for problem in sampled(nll.SEQUENCE_NLL):
        p = problem.params
        log_probs = f64(p["probabilities"]).log()
        targets = torch.tensor([p["vocabulary"].index(t) for t in p["sequence"]])
        loss = F.nll_loss(log_probs, targets, reduction=p["reduction"])
        if p["unit"] == "bits":
            loss = loss / math.log(2)
        assert problem.answer == pytest.approx(float(loss), rel=1e-12)
