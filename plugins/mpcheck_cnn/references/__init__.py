"""Reference implementations of the cnn topic, each an exercise checked against a PyTorch oracle.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference
from mpcheck.exercises import AUTOGRAD

_CONV = "mpcheck_cnn.references.conv"
_POOL = "mpcheck_cnn.references.pooling"
_TRANSPOSED = "mpcheck_cnn.references.transposed"

_SHAPES = ("x: $(N, C_{\\text{in}}, H, W)$, weight: $(C_{\\text{out}}, C_{\\text{in}}, k, k)$; "
           "stride $s$, padding $p$, dilation $d$ (the same along both axes).")
_OUT_SIZE = "$H_{\\text{out}} = \\lfloor (H + 2p - d(k-1) - 1)/s \\rfloor + 1$ (and the same for $W$)"

CONV2D_EXERCISE = Exercise(
    function="conv2d",
    solution=f"{_CONV}:conv2d",
    oracle=f"{_CONV}:conv2d_oracle",
    cases=f"{_CONV}:conv2d_cases",
    benchmark=f"{_CONV}:conv2d_benchmark",
    doc=("A 2-D convolution layer as PyTorch computes it (a cross-correlation, groups = 1):\n"
         "$$Y[n, o, i, j] = b[o] + \\sum_{c, m, q} W[o, c, m, q]\\,X_{\\text{pad}}[n, c, i s + m d, j s + q d]$$\n"
         f"{_SHAPES} bias: $(C_{{\\text{{out}}}})$ or None.\n"
         f"Returns $(N, C_{{\\text{{out}}}}, H_{{\\text{{out}}}}, W_{{\\text{{out}}}})$ with {_OUT_SIZE}."),
    forbidden=("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.nn.functional.conv_transpose2d",
               "torch.convolution", "torch._convolution", "torch.nn.functional.unfold", "torch.nn.Unfold"),
    mistakes=(
        CodeMistake("kernel-flipped", "Your output is the true convolution: the layer does not flip the "
                    "kernel (it computes a cross-correlation).", f"{_CONV}:conv2d_flipped_kernel"),
        CodeMistake("forgot-bias", "Add the bias $b[o]$ to every output position of channel $o$.",
                    f"{_CONV}:conv2d_without_bias"),
        CodeMistake("dilation-ignored", "The output size is right but the taps are not spread: kernel tap "
                    "$m$ reads row $i s + m d$, not $i s + m$.", f"{_CONV}:conv2d_dilation_ignored"),
    ),
    hint="Gather every receptive field into a column (im2col), then one matrix product does all the sums.",
    imports=("import torch", "import torch.nn.functional as F  # F.pad is fine here"),
)

CONV2D_BACKWARD_EXERCISE = Exercise(
    function="conv2d_backward",
    solution=f"{_CONV}:conv2d_backward",
    oracle=f"{_CONV}:conv2d_backward_oracle",
    cases=f"{_CONV}:conv2d_backward_cases",
    benchmark=f"{_CONV}:conv2d_backward_benchmark",
    doc=("The backward pass of a conv layer $Y = W \\star X + b$ (cross-correlation, groups = 1): given "
         "$\\delta = \\partial L / \\partial Y$, return "
         "$(\\partial L/\\partial X, \\partial L/\\partial W, \\partial L/\\partial b)$.\n"
         "$$\\frac{\\partial L}{\\partial W[o, c, m, q]} = \\sum_{n, i, j} \\delta[n, o, i, j]\\,"
         "X_{\\text{pad}}[n, c, i s + m d, j s + q d], \\qquad "
         "\\frac{\\partial L}{\\partial b[o]} = \\sum_{n, i, j} \\delta[n, o, i, j]$$\n"
         "and every $\\delta[n, o, i, j]\\,W[o, c, m, q]$ flows back to the pixel "
         "$X_{\\text{pad}}[n, c, i s + m d, j s + q d]$ it was read from (for $s = d = 1$: the full "
         "convolution of $\\delta$ with the kernel rotated by $180^\\circ$).\n"
         f"{_SHAPES} $\\mathtt{{grad\\_out}}$: $(N, C_{{\\text{{out}}}}, H_{{\\text{{out}}}}, W_{{\\text{{out}}}})$."),
    forbidden=(*AUTOGRAD, "torch.nn.grad.conv2d_input", "torch.nn.grad.conv2d_weight",
               "torch.nn.functional.conv_transpose2d", "torch.conv_transpose2d", "torch.nn.ConvTranspose2d"),
    mistakes=(
        CodeMistake("kernel-not-rotated", "$\\partial L/\\partial X$ is the full convolution of $\\delta$ "
                    "with the kernel rotated by $180^\\circ$; yours uses the kernel as it is.",
                    f"{_CONV}:conv2d_backward_kernel_not_rotated"),
        CodeMistake("weight-grad-flipped", "Your $\\partial L/\\partial W$ is rotated by $180^\\circ$: it is "
                    "the correlation of the input with $\\delta$, nothing flipped.",
                    f"{_CONV}:conv2d_backward_weight_grad_flipped"),
        CodeMistake("bias-grad-averaged", "The bias is added at every position of every example, so its "
                    "gradient is the sum of $\\delta$ there, not the mean.",
                    f"{_CONV}:conv2d_backward_bias_grad_averaged"),
    ),
    hint=("Write the forward pass as one matrix product, $Y = W_{\\text{flat}}\\,\\text{cols} + b$: then "
          "$\\partial L/\\partial W_{\\text{flat}} = \\sum_n \\delta_n \\text{cols}_n^\\top$ and "
          "$\\partial L/\\partial \\text{cols} = W_{\\text{flat}}^\\top \\delta$, which col2im adds back "
          "onto the pixels."),
    imports=("import torch", "import torch.nn.functional as F  # F.pad, F.unfold and F.fold are fine here"),
)

_POOL_SHAPES = "x: $(N, C, H, W)$; windows of size $k \\times k$, stride $s$ (default $k$), no padding."

MAX_POOL_EXERCISE = Exercise(
    function="max_pool2d",
    solution=f"{_POOL}:max_pool2d",
    oracle=f"{_POOL}:max_pool2d_oracle",
    cases=f"{_POOL}:max_pool2d_cases",
    benchmark=f"{_POOL}:timing_case",
    doc=("Max pooling that also says where each maximum was:\n"
         "$$y[n, c, i, j] = \\max_{0 \\le m, q < k} x[n, c, i s + m, j s + q]$$\n"
         "and $\\mathtt{indices}[n, c, i, j] = h^* W + w^*$, the position $(h^*, w^*)$ of that maximum in the "
         "input plane, the first one in row-major order on a tie (as PyTorch returns them).\n"
         f"{_POOL_SHAPES} Returns (y, indices), both $(N, C, H_{{\\text{{out}}}}, W_{{\\text{{out}}}})$, "
         "indices as int64."),
    forbidden=("torch.nn.functional.max_pool2d", "torch.nn.functional.max_pool2d_with_indices", "torch.max_pool2d",
               "torch.nn.MaxPool2d", "torch.nn.functional.adaptive_max_pool2d"),
    mistakes=(
        CodeMistake("window-index", "An index says where the maximum is in the input plane, $h^* W + w^*$, "
                    "not where it is inside its window.", f"{_POOL}:max_pool2d_window_index"),
    ),
    hint="Index the input with a table of window positions (rows, columns), flatten each window, and take its maximum.",
)

MAX_POOL_BACKWARD_EXERCISE = Exercise(
    function="max_pool2d_backward",
    solution=f"{_POOL}:max_pool2d_backward",
    oracle=f"{_POOL}:autograd_pool_grad",
    cases=f"{_POOL}:max_pool2d_backward_cases",
    benchmark=f"{_POOL}:max_pool2d_backward_benchmark",
    doc=("The gradient of max pooling: $\\partial y_w / \\partial x_k = [k = i^*_w]$, so\n"
         "$$\\frac{\\partial L}{\\partial x_k} = \\sum_{w \\,:\\, i^*_w = k} \\delta_w$$\n"
         "where $i^*_w$ is the argmax of window $w$ and $\\delta = \\partial L/\\partial y$: each window "
         "sends its gradient to its maximum, and windows that share a maximum add up.\n"
         f"{_POOL_SHAPES} $\\mathtt{{grad\\_out}}$: $(N, C, H_{{\\text{{out}}}}, W_{{\\text{{out}}}})$. Returns $(N, C, H, W)$."),
    forbidden=AUTOGRAD,
    mistakes=(
        CodeMistake("gradient-spread-over-window", "Only the maximum of a window affects the output, so it "
                    "alone gets the gradient; spreading $\\delta / k^2$ over the window is average pooling's "
                    "backward pass.", f"{_POOL}:max_pool2d_backward_spread"),
        CodeMistake("shared-argmax-overwritten", "Where overlapping windows share their maximum, their "
                    "gradients add up ($+=$, scatter-add); yours keeps only one.",
                    f"{_POOL}:max_pool2d_backward_overwrites"),
    ),
    hint="Find the argmax of every window first (as in max pooling), then scatter-add $\\delta$ to those positions.",
)

MAX_UNPOOL_EXERCISE = Exercise(
    function="max_unpool2d",
    solution=f"{_POOL}:max_unpool2d",
    oracle=f"{_POOL}:max_unpool2d_oracle",
    cases=f"{_POOL}:max_unpool2d_cases",
    doc=("Max-unpooling, as a decoder undoes a max-pool: each value $y[n, c, i, j]$ goes back to the "
         "position $\\mathtt{indices}[n, c, i, j] = h^* W + w^*$ its window's maximum came from; every other "
         "position is $0$.\n"
         "y and indices: $(N, C, H_{\\text{pooled}}, W_{\\text{pooled}})$ (from non-overlapping windows); "
         "$\\mathtt{output\\_size}$: $(H, W)$. Returns $(N, C, H, W)$."),
    forbidden=("torch.nn.functional.max_unpool2d", "torch.nn.MaxUnpool2d"),
    mistakes=(
        CodeMistake("nearest-upsampling", "Unpooling puts each value back where its maximum was and zeros "
                    "elsewhere; copying it over the whole window is nearest-neighbour upsampling.",
                    f"{_POOL}:max_unpool2d_nearest"),
    ),
    hint="Start from zeros of shape $(N, C, H W)$ and scatter $y$ into it at the flat indices.",
)

CONV_TRANSPOSE_EXERCISE = Exercise(
    function="conv_transpose2d",
    solution=f"{_TRANSPOSED}:conv_transpose2d",
    oracle=f"{_TRANSPOSED}:conv_transpose2d_oracle",
    cases=f"{_TRANSPOSED}:conv_transpose2d_cases",
    benchmark=f"{_TRANSPOSED}:conv_transpose2d_benchmark",
    doc=("A transposed convolution (groups = 1): every input pixel stamps the kernel, weighted by its "
         "value, onto the output, the stamps $s$ pixels apart and the taps $d$ apart, overlaps summed:\n"
         "$$Y_{\\text{full}}[n, o, i s + m d, j s + q d] \\mathrel{+}= \\sum_c X[n, c, i, j]\\,W[c, o, m, q]$$\n"
         "then padding $p$ crops $p$ rows and columns from each border, and $b[o]$ is added.\n"
         "x: $(N, C_{\\text{in}}, H, W)$, weight: $(C_{\\text{in}}, C_{\\text{out}}, k, k)$ (ConvTranspose2d's "
         "layout), bias: $(C_{\\text{out}})$ or None. Returns $(N, C_{\\text{out}}, H_{\\text{out}}, W_{\\text{out}})$ "
         "with $H_{\\text{out}} = (H - 1)s - 2p + d(k - 1) + \\text{output\\_padding} + 1$."),
    forbidden=("torch.nn.functional.conv_transpose2d", "torch.conv_transpose2d", "torch.nn.ConvTranspose2d",
               "torch.convolution", "torch._convolution", "torch.nn.grad.conv2d_input", *AUTOGRAD),
    mistakes=(
        CodeMistake("kernel-flipped", "Seen as a convolution over the zero-upsampled input, the transposed "
                    "convolution uses the kernel rotated by $180^\\circ$; stamping copies needs no flip at all.",
                    f"{_TRANSPOSED}:conv_transpose2d_flipped_kernel"),
        CodeMistake("padding-not-cropped", "Padding in a transposed convolution crops: remove $p$ rows and "
                    "columns from every border of the full output.", f"{_TRANSPOSED}:conv_transpose2d_not_cropped"),
    ),
    hint="Build the full canvas of zeros, add one strided slice per kernel tap $(m, q)$, then crop $p$ from each border.",
)

REFERENCES = [
    Reference("cnn", "conv2d", "Conv2d as unfold (im2col) + matrix product",
              oracle="torch.nn.functional.conv2d", source=_CONV, tags=("conv",), exercise=CONV2D_EXERCISE),
    Reference("cnn", "conv2d-backward", "Conv2d backward by hand: input and kernel gradients",
              oracle="autograd through torch.nn.functional.conv2d", source=_CONV, tags=("conv", "backprop"),
              exercise=CONV2D_BACKWARD_EXERCISE),
    Reference("cnn", "max-pool", "Max pooling forward with argmax indices",
              oracle="torch.nn.functional.max_pool2d", source=_POOL, tags=("pooling",), exercise=MAX_POOL_EXERCISE),
    Reference("cnn", "max-pool-backward", "Max pooling backward: gradient to the argmax",
              oracle="autograd through torch.nn.functional.max_pool2d", source=_POOL, tags=("pooling", "backprop"),
              exercise=MAX_POOL_BACKWARD_EXERCISE),
    Reference("cnn", "max-unpool", "Max-unpooling with remembered indices",
              oracle="torch.nn.functional.max_unpool2d", source=_POOL, tags=("pooling", "upsampling"),
              exercise=MAX_UNPOOL_EXERCISE),
    Reference("cnn", "conv-transpose2d", "Transposed convolution as stamped kernel copies",
              oracle="torch.nn.functional.conv_transpose2d", source=_TRANSPOSED, tags=("transposed-conv",),
              exercise=CONV_TRANSPOSE_EXERCISE),
]
