"""Students' files for the exercise tests, written by hand as students write them: right ones,
known mistakes, and files that misbehave (hang, allocate 50 GB, exit, print, import nonsense)."""

from __future__ import annotations

CONV = "# mpcheck exercise: cnn/conv2d\n"

CONV_LOOPS = CONV + '''import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    n, c, h, w = x.shape
    o, _, k, _ = weight.shape
    h_out = (h + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    w_out = (w + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    x = F.pad(x, (PAD(padding),) * 4)
    y = torch.zeros(n, o, h_out, w_out, dtype=x.dtype, device=x.device)
    for m in range(k):
        for q in range(k):
            rows = slice(m * dilation, m * dilation + stride * (h_out - 1) + 1, stride)
            cols = slice(q * dilation, q * dilation + stride * (w_out - 1) + 1, stride)
            y += torch.einsum("nchw,oc->nohw", x[:, :, rows, cols], weight[:, :, TAP(m), TAP(q)])
    if bias is not None:
        y += bias[None, :, None, None]
    return y
'''


def conv2d(pad: str = "padding", tap: str = "{}") -> str:
    """The loop version of conv2d, with the padding and the kernel tap as written by the student."""
    return CONV_LOOPS.replace("PAD(padding)", pad).replace("TAP(m)", tap.format("m")).replace("TAP(q)", tap.format("q"))


RIGHT_CONV = conv2d()
FLIPPED_CONV = conv2d(tap="k - 1 - {}")
PADDING_OFF_BY_ONE = conv2d(pad="padding + 1")

ADAM = '''# mpcheck exercise: ml/adam
import torch


def adam_step(theta, m, v, grad, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = CORRECTED
    return theta - lr * m_hat / (torch.sqrt(v_hat) + eps), m, v
'''
RIGHT_ADAM = ADAM.replace("CORRECTED", "m / (1 - beta1 ** t), v / (1 - beta2 ** t)")
ADAM_NO_BIAS_CORRECTION = ADAM.replace("CORRECTED", "m, v")

LSTM_PYTORCH_ORDER = '''# mpcheck exercise: rnn/lstm-cell
import torch


def lstm_cell(x, h_prev, c_prev, W, b):
    z = torch.cat([x, h_prev], dim=1) @ W.T + b
    H = h_prev.shape[1]
    i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c
'''

POOL_BACKWARD_SPREAD = '''# mpcheck exercise: cnn/max-pool-backward
import torch


def max_pool2d_backward(x, grad_out, size, stride=None):
    stride = stride or size
    grad = torch.zeros_like(x)
    for i in range(grad_out.shape[2]):
        for j in range(grad_out.shape[3]):
            window = grad[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            window += grad_out[:, :, i:i + 1, j:j + 1] / size ** 2
    return grad
'''

SOFTMAX = '''# mpcheck exercise: ml/softmax-ce-grad
import torch


def softmax_ce_grad(z, target):
    PRINT
    z = z - z.max(dim=1, keepdim=True).values
    p = torch.exp(z)
    p = p / p.sum(dim=1, keepdim=True)
    p[torch.arange(len(target), device=z.device), target] -= 1
    return p / z.shape[0]
'''
RIGHT_SOFTMAX = SOFTMAX.replace("    PRINT\n", "")
PRINTING_SOFTMAX = SOFTMAX.replace("PRINT", 'print("logits", tuple(z.shape))\n    print("targets", target.tolist())')

HANGS = CONV + "def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n    while True:\n        pass\n"
ALLOCATES_50_GB = CONV + ("import torch\n\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n"
                          "    return torch.zeros(50 * 2**30 // 4, device=x.device)\n")
SYNTAX_ERROR = CONV + "def conv2d(x, weight:\n    return x\n"
IMPORT_ERROR = CONV + "import numpyy\n\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n    return x\n"
EXITS_AT_IMPORT = CONV + "import sys\n\nprint('checking my file')\nsys.exit(0)\n\n\ndef conv2d(x, weight, bias=None):\n    return x\n"
EXITS_IN_FUNCTION = CONV + "import sys\n\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n    sys.exit(1)\n"
ENDS_THE_PROCESS = CONV + "import os\n\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n    os._exit(0)\n"
FORBIDDEN = CONV + ("from torch.nn.functional import conv2d as builtin\n\n\n"
                    "def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):\n"
                    "    return builtin(x, weight, bias, stride, padding, dilation)\n")
NO_HEADER = RIGHT_CONV.replace(CONV, "")
NOT_PYTHON = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"

STUDENT_MAIN = CONV + "from helper import conv2d_by_loops as conv2d  # a helper module beside this file\n"
STUDENT_HELPER = NO_HEADER.replace("def conv2d(", "def conv2d_by_loops(")
