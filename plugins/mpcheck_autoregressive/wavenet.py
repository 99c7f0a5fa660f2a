"""Receptive field of a WaveNet stack of dilated causal 1-D convolutions (stride 1).

A causal layer with kernel size k and dilation d reads x[t], x[t − d], …, x[t − (k−1)d]: it reaches
d(k − 1) steps further into the past than its input did. Stacking L such layers,

    receptive field = 1 + (k − 1) · Σ_l d_l

(the 1 is the present sample): the span from the oldest sample an output can read to the present
one. With k = 2 and dilations 1, 2, 4, …, 2^(L−1) that is 2^L and every sample in the span is read:
the receptive field doubles with each layer, while the parameter count only grows linearly. Other
dilations may leave gaps in the span (k = 2, dilations 1, 3 read offsets 0, 1, 3, 4, not 2).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Integer, Mistake
from mpcheck_autoregressive import checks

MAX_KERNEL = 64
MAX_DILATION = 1 << 20
MAX_LAYERS = 64
MAX_LISTED_SPAN = 10_000  # beyond this the solution does not enumerate the offsets read


def receptive_field(kernel_size: int, dilations: list[int]) -> int:
    # RF = 1 + (k − 1) Σ_l d_l
    return 1 + (kernel_size - 1) * sum(dilations)


def offsets_read(kernel_size: int, dilations: list[int]) -> set[int]:
    """How far back (0 = the present) the samples one output reads lie: one tap m·d per layer, summed."""
    reach = {0}
    for d in dilations:
        reach = {r + m * d for r in reach for m in range(kernel_size)}
    return reach


def has_gaps(kernel_size: int, dilations: list[int]) -> bool:
    return len(offsets_read(kernel_size, dilations)) < receptive_field(kernel_size, dilations)


def _solve(p: dict) -> int:
    return receptive_field(p["kernel_size"], p["dilations"])


def _sample(rng) -> dict:
    k = sampling.pick(rng, [2, 2, 2, 3, 3])
    depth = sampling.ints(rng, 3, 6)
    style = sampling.pick(rng, ["doubling", "doubling", "repeated", "mixed"])
    if style == "doubling":
        dilations = [2**i for i in range(depth)]
    elif style == "repeated":
        block = [2**i for i in range(sampling.ints(rng, 2, 4))]
        dilations = block * 2
    else:
        while True:  # irregular dilations, but no gaps: every sample of the span is read
            dilations = [1] + sampling.ints(rng, 1, 4, depth - 1)
            if not has_gaps(k, dilations):
                break
    return {"kernel_size": k, "dilations": dilations}


def _validate(p: dict) -> None:
    P.check_keys(p, ("kernel_size", "dilations"))
    P.integer(p, "kernel_size", 1, MAX_KERNEL)
    checks.int_list(p, "dilations", 1, MAX_DILATION, max_length=MAX_LAYERS)


def _listing(dilations: list[int]) -> str:
    return ", ".join(str(d) for d in dilations)


def _prompt(p: dict) -> str:
    k, dilations = p["kernel_size"], p["dilations"]
    return (f"A WaveNet-style stack has {len(dilations)} causal 1-D convolution layers, each with kernel size "
            f"$k = {k}$ and stride 1, with dilations ${_listing(dilations)}$ (from the input upwards).\n"
            "What is the receptive field of the stack: the number of input samples from the oldest one an "
            "output sample can depend on up to the present one?")


def _solution(p: dict) -> str:
    k, dilations = p["kernel_size"], p["dilations"]
    total = sum(dilations)
    reaches = " + ".join(f"{k - 1} \\cdot {d}" for d in dilations)
    lines = ["A causal layer with dilation $d$ reads $x_t, x_{t-d}, \\dots, x_{t-(k-1)d}$: it reaches "
             "$d(k-1)$ samples further into the past.",
             f"Over the stack: ${reaches} = {(k - 1) * total}$ samples of the past.",
             f"Plus the present sample: $1 + (k-1) \\sum_l d_l = 1 + {k - 1} \\cdot {total} = {_solve(p)}$."]
    if (k - 1) * total <= MAX_LISTED_SPAN and has_gaps(k, dilations):
        skipped = receptive_field(k, dilations) - len(offsets_read(k, dilations))
        many = skipped > 1
        lines.append(f"With these dilations ${skipped}$ sample{'s' if many else ''} inside that span "
                     f"{'are' if many else 'is'} never read (a gap); the receptive field is still the whole span.")
    if k == 2 and dilations == [2**i for i in range(len(dilations))]:
        lines.append(f"With $k = 2$ and doubling dilations this is $2^L = 2^{{{len(dilations)}}}$: each layer "
                     "doubles the receptive field.")
    return "\n".join(lines)


def _forgot_dilation(p: dict) -> int | None:
    if all(d == 1 for d in p["dilations"]):
        return None
    return 1 + (p["kernel_size"] - 1) * len(p["dilations"])


def _summed_extents(p: dict) -> int | None:
    if len(p["dilations"]) == 1 or p["kernel_size"] == 1:
        return None
    # Σ_l (d_l(k − 1) + 1): the shared present sample counted once per layer
    return (p["kernel_size"] - 1) * sum(p["dilations"]) + len(p["dilations"])


WAVENET_RECEPTIVE_FIELD = Generator(
    id="autoregressive.wavenet-receptive-field",
    title="Receptive field of a WaveNet dilated causal stack",
    answer_kind=Integer(),
    sample_params=_sample,
    validate_params=_validate,
    solve=_solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["Each layer with dilation $d$ adds $d(k-1)$ samples of the past.",
                     "Do not forget the present sample itself."],
    mistakes=(
        Mistake("receptive-field-off-by-one", "You counted only the past: add the present sample, "
                "$1 + (k-1) \\sum_l d_l$.", lambda p: (p["kernel_size"] - 1) * sum(p["dilations"])),
        Mistake("forgot-dilation", "A dilated layer spreads its $k$ taps $d$ samples apart: it adds $d(k-1)$, "
                "not $k - 1$.", _forgot_dilation),
        Mistake("summed-extents", "Adding the extents $d_l(k-1) + 1$ of the layers counts the present sample "
                "once per layer; it counts once: $1 + (k-1) \\sum_l d_l$.", _summed_extents),
    ),
    tags=("wavenet", "receptive-field", "dilated-convolution"),
)

GENERATORS = [WAVENET_RECEPTIVE_FIELD]
