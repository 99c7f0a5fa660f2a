"""Reference implementations of the autoregressive topic, each checked against an oracle and each
also an exercise: the same function for a student to write, with its known bugs.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference

_MADE = "mpcheck_autoregressive.references.made"
_PIXEL = "mpcheck_autoregressive.references.pixelcnn"
_WAVENET = "mpcheck_autoregressive.references.wavenet"
_ATTENTION = "mpcheck_autoregressive.references.attention"
_ATTENTION_FORBIDDEN = ("torch.nn.functional.scaled_dot_product_attention", "torch.nn.MultiheadAttention",
                        "torch.nn.functional.multi_head_attention_forward")

MADE_EXERCISE = Exercise(
    function="made",
    solution=f"{_MADE}:made",
    oracle=f"{_MADE}:made_oracle",
    cases=f"{_MADE}:made_cases",
    doc=("The logits of a MADE: a masked autoencoder whose output $\\hat{x}_d$ depends only on the inputs "
         "before $x_d$ in the order.\n"
         "input_degrees $m^0$: $(D)$, a permutation of $1, \\dots, D$; hidden_degrees: one $(H_l)$ tensor per "
         "hidden layer, values in $1, \\dots, D-1$; weights and biases like nn.Linear, the hidden layers "
         "then the output layer; x: $(N, D)$. Returns $(N, D)$.\n"
         "$$M^l_{kj} = [\\, m^l(k) \\ge m^{l-1}(j) \\,], \\qquad M^V_{dk} = [\\, m^0(d) > m^L(k) \\,]$$\n"
         "$$h^l = \\tanh(b^l + (W^l \\odot M^l)\\, h^{l-1}), \\qquad \\text{logits} = c + (V \\odot M^V)\\, h^L$$"),
    mistakes=(
        CodeMistake("mask-includes-diagonal", "Your output mask uses $\\ge$: $\\hat{x}_d$ then reaches hidden "
                    "units of its own degree, which see $x_d$. The output mask is strict, $m^0(d) > m^L(k)$.",
                    f"{_MADE}:made_mask_includes_diagonal"),
        CodeMistake("strict-hidden-mask", "Your hidden masks use $>$: a hidden unit of degree $m$ may see the "
                    "units of degree $m$ below it ($\\ge$); only the output mask is strict.",
                    f"{_MADE}:made_strict_hidden_mask"),
        CodeMistake("ignored-order", "Your masks use the position $d$ as the degree; the degree of $x_d$ is "
                    "input_degrees[d], its place in the chosen order.", f"{_MADE}:made_ignores_order"),
    ),
    hint="Build each mask by broadcasting a comparison of degrees, e.g. degrees[:, None] >= previous[None, :], "
         "and multiply it into the weight before F.linear.",
)

MASKED_CONV_EXERCISE = Exercise(
    function="masked_conv2d",
    solution=f"{_PIXEL}:masked_conv2d",
    oracle=f"{_PIXEL}:masked_conv2d_oracle",
    cases=f"{_PIXEL}:masked_conv2d_cases",
    doc=("A PixelCNN masked convolution, 'same' padding $k/2$ (rounded down), $k$ odd:\n"
         "$$y = \\mathrm{conv2d}(x, W \\odot M, b), \\quad M_{ocij} = 1 \\text{ above the centre row and left of "
         "the centre in it}$$\n"
         "At the centre: mask A keeps $g(c) < g(o)$, mask B keeps $g(c) \\le g(o)$, where $g$ is the colour group "
         "of a channel: groups $= 3$ splits the channels into three contiguous blocks R, G, B; groups $= 1$ "
         "is greyscale.\n"
         "x: $(N, C_{\\text{in}}, H, W)$, weight: $(C_{\\text{out}}, C_{\\text{in}}, k, k)$, bias: "
         "$(C_{\\text{out}})$, mask_type: \"A\" or \"B\". Returns $(N, C_{\\text{out}}, H, W)$."),
    mistakes=(
        CodeMistake("mask-a-b-swapped", "Your centre taps follow the other mask type: A (first layer) drops "
                    "the same colour at the centre, B keeps it.", f"{_PIXEL}:masked_conv2d_a_b_swapped"),
        CodeMistake("rows-below-kept", "You zeroed only the right half of the centre row: the rows below the "
                    "centre are in the future too.", f"{_PIXEL}:masked_conv2d_rows_below_kept"),
        CodeMistake("column-order", "Your mask is transposed: it orders pixels column by column, but "
                    "PixelCNN scans rows.", f"{_PIXEL}:masked_conv2d_column_order"),
        CodeMistake("colour-order-reversed", "At the centre, colours come R, then G, then B: output G may see "
                    "input R, not B.", f"{_PIXEL}:masked_conv2d_colours_reversed"),
    ),
    hint="Build the $(k, k)$ spatial mask once, expand it to every channel pair, then set the centre taps "
         "from a comparison of the colour groups of the output and input channels.",
)

WAVENET_EXERCISE = Exercise(
    function="wavenet_stack",
    solution=f"{_WAVENET}:wavenet_stack",
    oracle=f"{_WAVENET}:wavenet_oracle",
    cases=f"{_WAVENET}:wavenet_cases",
    doc=("A stack of dilated causal 1-D convolutions, $\\tanh$ between the layers (not after the last):\n"
         "$$y[n, o, t] = b[o] + \\sum_{c} \\sum_{m=0}^{k-1} W[o, c, m]\\, x[n, c, t - (k-1-m)\\,d]$$\n"
         "with $x[\\dots, t] = 0$ for $t < 0$, so that output $t$ never reads an input after $t$.\n"
         "x: $(N, C_0, T)$; weights[l]: $(C_{l+1}, C_l, k)$; biases[l]: $(C_{l+1})$; dilations: one int per "
         "layer. Returns $(N, C_L, T)$."),
    forbidden=("torch.nn.functional.conv1d", "torch.conv1d", "torch.nn.Conv1d", "torch.nn.functional.conv2d",
               "torch.conv2d", "torch.convolution"),
    mistakes=(
        CodeMistake("padded-on-the-right", "Your zeros are on the right: output $t$ then reads $x[t]$ to "
                    "$x[t + (k-1)d]$, the future. Pad $(k-1)d$ zeros on the left.",
                    f"{_WAVENET}:wavenet_padded_right"),
        CodeMistake("forgot-dilation", "Your taps are one step apart; with dilation $d$ they are $d$ steps "
                    "apart, $x[t - (k-1-m)\\,d]$.", f"{_WAVENET}:wavenet_forgot_dilation"),
        CodeMistake("kernel-flipped", "Your taps run the wrong way: $W[o, c, m]$ multiplies "
                    "$x[t - (k-1-m)\\,d]$, so the last tap reads the present.", f"{_WAVENET}:wavenet_kernel_flipped"),
    ),
    hint="Pad on the left with F.pad, take the $k$ shifted slices x_pad[..., m d : m d + T], stack them and "
         "contract with the weight (torch.einsum).",
)

ATTENTION_EXERCISE = Exercise(
    function="attention",
    solution=f"{_ATTENTION}:attention",
    oracle=f"{_ATTENTION}:attention_oracle",
    cases=f"{_ATTENTION}:attention_cases",
    doc=("Scaled dot-product attention, optionally causal:\n"
         "$$\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{Q K^\\top}{\\sqrt{d}} + M\\right) V, "
         "\\qquad M_{ij} = -\\infty \\text{ for } j > i \\text{ if causal, else } 0$$\n"
         "q, k: $(\\dots, T, d)$; v: $(\\dots, T, d_v)$; the softmax is over the keys. Returns $(\\dots, T, d_v)$."),
    forbidden=_ATTENTION_FORBIDDEN,
    mistakes=(
        CodeMistake("forgot-sqrt-d", "Your scores are not scaled: divide $Q K^\\top$ by $\\sqrt{d}$.",
                    f"{_ATTENTION}:attention_forgot_sqrt_d"),
        CodeMistake("divided-by-d", "You divided by $d$; attention divides by $\\sqrt{d}$.",
                    f"{_ATTENTION}:attention_divided_by_d"),
        CodeMistake("softmax-over-queries", "Your softmax runs over dim $-2$ (the queries); each query's "
                    "weights over the keys must sum to 1: dim $-1$.", f"{_ATTENTION}:attention_softmax_over_queries"),
        CodeMistake("keys-queries-swapped", "You computed $K Q^\\top$: rows of the scores belong to the "
                    "queries, $Q K^\\top$.", f"{_ATTENTION}:attention_keys_queries_swapped"),
        CodeMistake("mask-wrong-triangle", "Your mask hides the past: the causal mask hides $j > i$ "
                    "(torch.triu with diagonal 1), keeping the diagonal.", f"{_ATTENTION}:attention_mask_wrong_triangle"),
        CodeMistake("mask-includes-diagonal", "Your mask also hides the diagonal (torch.triu with diagonal 0): "
                    "query $i$ must see key $i$. The first query is left with no key at all, so its output is "
                    "$0/0$, or with a finite fill an average over every key, the future included.",
                    f"{_ATTENTION}:attention_mask_includes_diagonal"),
    ),
    hint="q @ k.transpose(-2, -1), scale, masked_fill with $-\\infty$ above the diagonal, softmax over the "
         "last dimension, then @ v.",
)

MULTI_HEAD_EXERCISE = Exercise(
    function="multi_head_attention",
    solution=f"{_ATTENTION}:multi_head_attention",
    oracle=f"{_ATTENTION}:multi_head_oracle",
    cases=f"{_ATTENTION}:multi_head_cases",
    doc=("Multi-head self-attention with the weights of nn.MultiheadAttention: in_weight $(3E, E)$ stacks "
         "$W_Q, W_K, W_V$ (in_bias $(3E)$), out_weight $(E, E)$ is $W_O$ (out_bias $(E)$).\n"
         "$$Q, K, V = X W_Q^\\top + b_Q,\\; X W_K^\\top + b_K,\\; X W_V^\\top + b_V$$\n"
         "Head $i$ takes features $iE/h$ to $(i+1)E/h - 1$ and attends with scale $1/\\sqrt{E/h}$ (causal: "
         "query $t$ sees keys up to $t$):\n"
         "$$\\mathrm{out} = \\mathrm{concat}(\\mathrm{head}_1, \\dots, \\mathrm{head}_h)\\, W_O^\\top + b_O$$\n"
         "x: $(N, T, E)$ with $E$ divisible by heads. Returns $(N, T, E)$."),
    forbidden=_ATTENTION_FORBIDDEN,
    mistakes=(
        CodeMistake("wrong-head-split", "You reshaped $(N, T, E)$ straight to $(N, h, T, E/h)$, which mixes "
                    "time steps into the heads: view as $(N, T, h, E/h)$, then transpose.",
                    f"{_ATTENTION}:multi_head_wrong_split"),
        CodeMistake("scaled-by-model-dim", "Each head attends in $E/h$ dimensions: scale by "
                    "$1/\\sqrt{E/h}$, not $1/\\sqrt{E}$.", f"{_ATTENTION}:multi_head_scaled_by_model_dim"),
        CodeMistake("heads-not-split", "You attended once over all $E$ features: split them into $h$ heads "
                    "that attend separately.", f"{_ATTENTION}:multi_head_not_split"),
        CodeMistake("forgot-output-projection", "Concatenating the heads is not the end: multiply by "
                    "$W_O^\\top$ and add $b_O$.", f"{_ATTENTION}:multi_head_forgot_output_projection"),
    ),
    hint="One F.linear gives $[Q | K | V]$; chunk it into three, split each into heads with view and "
         "transpose(1, 2), attend, and merge back the same way.",
)

REFERENCES = [
    Reference("autoregressive", "made", "MADE: masks from unit degrees",
              oracle="autograd Jacobian, strictly triangular", run=f"{_MADE}:check_made",
              source=_MADE, tags=("made", "masks"), exercise=MADE_EXERCISE),
    Reference("autoregressive", "masked-conv2d", "PixelCNN masked convolution (A/B, colour groups)",
              oracle="autograd receptive field", run=f"{_PIXEL}:check_masked_conv", source=_PIXEL,
              tags=("pixelcnn", "masks"), exercise=MASKED_CONV_EXERCISE),
    Reference("autoregressive", "wavenet", "WaveNet stack of dilated causal convolutions",
              oracle="autograd receptive field; F.conv1d", run=f"{_WAVENET}:check_wavenet",
              source=_WAVENET, tags=("wavenet", "receptive-field"), exercise=WAVENET_EXERCISE),
    Reference("autoregressive", "causal-attention", "Scaled dot-product attention, causal or not",
              oracle="F.scaled_dot_product_attention", run=f"{_ATTENTION}:check_attention",
              source=_ATTENTION, tags=("attention",), exercise=ATTENTION_EXERCISE),
    Reference("autoregressive", "multi-head-attention", "Multi-head self-attention",
              oracle="nn.MultiheadAttention, weights copied", run=f"{_ATTENTION}:check_multi_head_attention",
              source=_ATTENTION, tags=("attention", "transformer"), exercise=MULTI_HEAD_EXERCISE),
]
