"""Reference implementations of the flows topic, each checked against an oracle (autograd Jacobians
with torch.linalg.slogdet, F.conv2d). The modules here import torch at their top; this list only
names them, so registering stays cheap."""

from mpcheck.api import CodeMistake, Exercise, Reference

_COUPLING = "mpcheck_flows.references.coupling"
_ACTNORM = "mpcheck_flows.references.actnorm"
_CONV = "mpcheck_flows.references.conv1x1"
_DETERMINANTS = ("torch.linalg.slogdet", "torch.slogdet", "torch.logdet", "torch.det", "torch.linalg.det",
                 "torch.autograd.functional.jacobian")

COUPLING_EXERCISE = Exercise(
    function="affine_coupling",
    solution=f"{_COUPLING}:affine_coupling",
    oracle=f"{_COUPLING}:affine_coupling_oracle",
    cases=f"{_COUPLING}:coupling_cases",
    doc=("An affine coupling layer with a linear conditioner. x: $(N, D)$, $D$ even; the first half $x_A$ is "
         "transformed, the second half $x_B$ is kept:\n"
         "$$s = W_s x_B, \\quad t = W_t x_B, \\quad y_A = x_A \\odot \\exp(s) + t, \\quad y_B = x_B, \\quad "
         "\\log|\\det J| = \\sum_i s_i$$\n"
         "weight_s, weight_t: $(D/2, D/2)$. With reverse=True, x holds $y$ and the layer returns "
         "$x_A = (y_A - t) \\odot \\exp(-s)$ with $\\log|\\det J^{-1}| = -\\sum_i s_i$.\n"
         "Returns (output $(N, D)$, log_det $(N,)$)."),
    forbidden=_DETERMINANTS,
    mistakes=(
        CodeMistake("log-det-sign", "The sign of your log-determinant is the other direction's: forward it is "
                    "$+\\sum_i s_i$, reverse $-\\sum_i s_i$.", f"{_COUPLING}:coupling_log_det_sign"),
        CodeMistake("det-not-log-det", "You returned $\\det J = \\exp(\\sum_i s_i)$: return its log.",
                    f"{_COUPLING}:coupling_det_not_log"),
        CodeMistake("halves-swapped", "You transformed the second half: $x_A$ is the first half (transformed), $x_B$ "
                    "the second (kept, and the conditioner's input).", f"{_COUPLING}:coupling_halves_swapped"),
        CodeMistake("shift-before-scale", "Scale first, then shift: $y_A = x_A \\odot \\exp(s) + t$ (and in reverse, "
                    "subtract $t$ before dividing by $\\exp(s)$).", f"{_COUPLING}:coupling_shift_before_scale"),
        CodeMistake("reverse-multiplies", "The reverse pass must divide by $\\exp(s)$: "
                    "$x_A = (y_A - t) \\odot \\exp(-s)$.", f"{_COUPLING}:coupling_reverse_multiplies"),
    ),
    hint="Slice the halves, compute s and t from the kept half, and concatenate the kept half back unchanged.",
)

ACTNORM_EXERCISE = Exercise(
    function="actnorm",
    solution=f"{_ACTNORM}:actnorm",
    oracle=f"{_ACTNORM}:actnorm_oracle",
    cases=f"{_ACTNORM}:actnorm_cases",
    doc=("ActNorm: the same per-channel affine map at every pixel of x: $(N, C, H, W)$,\n"
         "$$y_{ij} = s \\odot x_{ij} + b, \\qquad \\log|\\det J| = H \\cdot W \\cdot \\sum_c \\log|s_c|$$\n"
         "scale $s$, bias $b$: $(C,)$, possibly negative scales. With reverse=True, x holds $y$ and the layer returns "
         "$(y - b)/s$ with $\\log|\\det J^{-1}| = -H \\cdot W \\sum_c \\log|s_c|$.\n"
         "Returns (output $(N, C, H, W)$, log_det $(N,)$, one value per example)."),
    forbidden=_DETERMINANTS,
    mistakes=(
        CodeMistake("forgot-hw", "That is the log-determinant of one pixel's map: the layer applies it at all "
                    "$H \\cdot W$ pixels.", f"{_ACTNORM}:actnorm_forgot_hw"),
        CodeMistake("reverse-log-det-sign", "The reverse layer has the inverse Jacobian: its log-determinant is "
                    "$-H \\cdot W \\sum_c \\log|s_c|$.", f"{_ACTNORM}:actnorm_reverse_log_det_sign"),
        CodeMistake("reverse-unscales-first", "Undo the forward steps in reverse order: subtract $b$ first, then "
                    "divide by $s$.", f"{_ACTNORM}:actnorm_reverse_unscale_first"),
    ),
    hint="Reshape scale and bias to (1, C, 1, 1) so that they broadcast over the batch and the pixels.",
)

CONV1X1_EXERCISE = Exercise(
    function="invertible_conv1x1",
    solution=f"{_CONV}:invertible_conv1x1",
    oracle=f"{_CONV}:invertible_conv1x1_oracle",
    cases=f"{_CONV}:conv1x1_cases",
    doc=("Glow's invertible $1 \\times 1$ convolution with an LU-decomposed weight. x: $(N, C, H, W)$; permutation "
         "$P$, lower, upper: $(C, C)$; s: $(C,)$. The raw lower and upper matrices are masked: "
         "$L$ = the strictly lower part of lower plus the identity, $U$ = the strictly upper part of upper.\n"
         "$$W = P L (U + \\operatorname{diag}(s)), \\qquad y_{ij} = W x_{ij}, \\qquad "
         "\\log|\\det J| = H \\cdot W \\cdot \\sum_c \\log|s_c|$$\n"
         "With reverse=True, x holds $y$: return $W^{-1} y$ and $-H \\cdot W \\sum_c \\log|s_c|$.\n"
         "Returns (output $(N, C, H, W)$, log_det $(N,)$). Compute the log-determinant from $s$, without a determinant."),
    forbidden=_DETERMINANTS,
    mistakes=(
        CodeMistake("forgot-masks", "Mask the parameters: $L$ keeps only the strictly lower part of lower plus ones "
                    "on the diagonal, $U$ only the strictly upper part of upper.", f"{_CONV}:conv1x1_unmasked"),
        CodeMistake("forgot-hw", "That is $\\log|\\det W|$ of one pixel: the convolution applies $W$ at all "
                    "$H \\cdot W$ pixels.", f"{_CONV}:conv1x1_forgot_hw"),
        CodeMistake("reverse-log-det-sign", "The reverse layer has the inverse Jacobian: its log-determinant is "
                    "$-H \\cdot W \\sum_c \\log|s_c|$.", f"{_CONV}:conv1x1_reverse_log_det_sign"),
        CodeMistake("weight-transposed", "Your channels are mixed by $W^\\top$: output channel $o$ is "
                    "$\\sum_c W_{oc} x_c$.", f"{_CONV}:conv1x1_weight_transposed"),
    ),
    hint="torch.tril(lower, -1) and torch.triu(upper, 1) keep the strict parts; a $1 \\times 1$ convolution is a matrix "
         "product over the channel axis at every pixel.",
)

REFERENCES = [
    Reference("flows", "affine-coupling", "Affine coupling layer: forward, inverse, log-determinant",
              oracle="slogdet of the autograd Jacobian; round trip",
              run=f"{_COUPLING}:check_affine_coupling", source=_COUPLING, tags=("coupling",),
              exercise=COUPLING_EXERCISE),
    Reference("flows", "actnorm", "ActNorm with data-dependent initialisation",
              oracle="1×1 F.conv2d; slogdet of its Jacobian",
              run=f"{_ACTNORM}:check_actnorm", source=_ACTNORM, tags=("actnorm",), exercise=ACTNORM_EXERCISE),
    Reference("flows", "invertible-conv1x1", "Invertible 1×1 convolution with an LU-decomposed weight",
              oracle="F.conv2d; torch.linalg.slogdet",
              run=f"{_CONV}:check_invertible_conv1x1", source=_CONV, tags=("conv1x1", "lu"),
              exercise=CONV1X1_EXERCISE),
]
