"""Reference implementations of the cnn topic, each checked against a PyTorch oracle.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference

_CONV = "mpcheck_cnn.references.conv"
_POOL = "mpcheck_cnn.references.pooling"
_TRANSPOSED = "mpcheck_cnn.references.transposed"

CONV2D_EXERCISE = Exercise(
    function="conv2d",
    solution=f"{_CONV}:conv2d",
    oracle=f"{_CONV}:conv2d_oracle",
    cases=f"{_CONV}:conv2d_cases",
    doc=("A 2-D convolution layer as PyTorch computes it (a cross-correlation, groups = 1):\n"
         "$$Y[n, o, i, j] = b[o] + \\sum_{c, m, q} W[o, c, m, q]\\,X_{\\text{pad}}[n, c, i s + m d, j s + q d]$$\n"
         "x: $(N, C_{\\text{in}}, H, W)$, weight: $(C_{\\text{out}}, C_{\\text{in}}, k, k)$, bias: $(C_{\\text{out}})$ or None.\n"
         "Returns $(N, C_{\\text{out}}, H_{\\text{out}}, W_{\\text{out}})$ with "
         "$H_{\\text{out}} = \\lfloor (H + 2p - d(k-1) - 1)/s \\rfloor + 1$."),
    forbidden=("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.nn.functional.conv_transpose2d",
               "torch.convolution"),
    mistakes=(
        CodeMistake("kernel-flipped", "Your output is the true convolution: the layer does not flip the "
                    "kernel (it computes a cross-correlation).", f"{_CONV}:conv2d_flipped_kernel"),
        CodeMistake("forgot-bias", "Add the bias $b[o]$ to every output position of channel $o$.",
                    f"{_CONV}:conv2d_without_bias"),
    ),
    hint="Gather every receptive field into a column (im2col), then one matrix product does all the sums.",
)

REFERENCES = [
    Reference("cnn", "conv2d", "Conv2d as unfold (im2col) + matrix product",
              oracle="torch.nn.functional.conv2d", run=f"{_CONV}:check_conv2d", source=_CONV,
              tags=("conv",), exercise=CONV2D_EXERCISE),
    Reference("cnn", "conv2d-backward", "Conv2d backward by hand: input and kernel gradients",
              oracle="autograd through torch.nn.functional.conv2d", run=f"{_CONV}:check_conv2d_backward",
              source=_CONV, tags=("conv", "backprop")),
    Reference("cnn", "max-pool", "Max pooling forward with argmax indices",
              oracle="torch.nn.functional.max_pool2d", run=f"{_POOL}:check_max_pool2d", source=_POOL,
              tags=("pooling",)),
    Reference("cnn", "max-pool-backward", "Max pooling backward: gradient to the argmax",
              oracle="autograd through torch.nn.functional.max_pool2d",
              run=f"{_POOL}:check_max_pool2d_backward", source=_POOL, tags=("pooling", "backprop")),
    Reference("cnn", "max-unpool", "Max-unpooling with remembered indices",
              oracle="torch.nn.functional.max_unpool2d", run=f"{_POOL}:check_max_unpool2d", source=_POOL,
              tags=("pooling", "upsampling")),
    Reference("cnn", "conv-transpose2d", "Transposed convolution as stamped kernel copies",
              oracle="torch.nn.functional.conv_transpose2d", run=f"{_TRANSPOSED}:check_conv_transpose2d",
              source=_TRANSPOSED, tags=("transposed-conv",)),
]
