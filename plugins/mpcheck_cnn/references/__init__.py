"""Reference implementations of the cnn topic, each checked against a PyTorch oracle.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import Reference

_CONV = "mpcheck_cnn.references.conv"
_POOL = "mpcheck_cnn.references.pooling"
_TRANSPOSED = "mpcheck_cnn.references.transposed"

REFERENCES = [
    Reference("cnn", "conv2d", "Conv2d as unfold (im2col) + matrix product",
              oracle="torch.nn.functional.conv2d", run=f"{_CONV}:check_conv2d", source=_CONV,
              tags=("conv",)),
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
