"""Reference implementations of the RNN topic, each an exercise checked against a PyTorch oracle.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference
from mpcheck.exercises import AUTOGRAD

_RNN = "mpcheck_rnn.references.rnn"
_LSTM = "mpcheck_rnn.references.lstm"
_CLIP = "mpcheck_rnn.references.clipping"

RNN_BPTT_EXERCISE = Exercise(
    function="rnn_bptt",
    solution=f"{_RNN}:rnn_bptt",
    oracle=f"{_RNN}:rnn_bptt_oracle",
    cases=f"{_RNN}:rnn_bptt_cases",
    benchmark=f"{_RNN}:rnn_bptt_benchmark",
    doc=("A vanilla RNN over a batch of sequences (rows are examples), its loss, and the gradients by "
         "backpropagation through time:\n"
         "$$h_t = \\tanh(h_{t-1} W_{hh}^\\top + x_t W_{xh}^\\top + b), \\qquad \\hat{y}_t = h_t W_{hy}^\\top, "
         "\\qquad L = \\sum_t \\tfrac{1}{2} \\lVert \\hat{y}_t - y_t \\rVert^2$$\n"
         "Going back from $t = T$, with $\\delta h_{T+1} = 0$:\n"
         "$$\\frac{\\partial L}{\\partial a_t} = \\left(( \\hat{y}_t - y_t ) W_{hy} + \\delta h_{t+1}\\right) "
         "\\odot (1 - h_t^2), \\qquad \\delta h_t = \\frac{\\partial L}{\\partial a_t} W_{hh}$$\n"
         "and each weight sums one term per step: "
         "$\\partial L/\\partial W_{hh} = \\sum_t (\\partial L/\\partial a_t)^\\top h_{t-1}$, "
         "$\\partial L/\\partial W_{xh} = \\sum_t (\\partial L/\\partial a_t)^\\top x_t$, "
         "$\\partial L/\\partial W_{hy} = \\sum_t (\\hat{y}_t - y_t)^\\top h_t$, and $\\partial L/\\partial b$ "
         "sums $\\partial L/\\partial a_t$ over steps and batch; $\\partial L/\\partial h_0 = \\delta h_1$.\n"
         "x: $(T, N, X)$, $h_0$: $(N, H)$, $W_{xh}$: $(H, X)$, $W_{hh}$: $(H, H)$, b: $(H)$, "
         "$W_{hy}$: $(Y, H)$, y: $(T, N, Y)$. Returns the states $h_0, \\dots, h_T$ as $(T+1, N, H)$, the "
         "outputs $(T, N, Y)$, and a dict of gradients with the keys $\\mathtt{W\\_xh}$, $\\mathtt{W\\_hh}$, "
         "$\\mathtt{b}$, $\\mathtt{W\\_hy}$ and $\\mathtt{h0}$."),
    forbidden=(*AUTOGRAD, "torch.nn.RNN", "torch.nn.RNNCell", "torch.rnn_tanh", "torch.rnn_tanh_cell"),
    mistakes=(
        CodeMistake("not-through-time", "$\\partial L/\\partial h_t$ has two parts: the output at step $t$ "
                    "and $\\delta h_{t+1}$, everything the later steps send back through $W_{hh}$.",
                    f"{_RNN}:rnn_bptt_not_through_time"),
        CodeMistake("gradient-overwritten", "The weights are shared over time, so their gradients add up over "
                    "the steps ($+=$); yours keeps only the last term computed (step 1).",
                    f"{_RNN}:rnn_bptt_overwritten"),
    ),
    hint=("Run the forward pass and keep every $h_t$; then loop $t = T, \\dots, 1$ carrying $\\delta h$, "
          "adding each step's terms into the weight gradients."),
)

LSTM_CELL_EXERCISE = Exercise(
    function="lstm_cell",
    solution=f"{_LSTM}:lstm_cell",
    oracle=f"{_LSTM}:lstm_cell_oracle",
    cases=f"{_LSTM}:lstm_cell_cases",
    benchmark=f"{_LSTM}:lstm_cell_benchmark",
    doc=("One step of an LSTM cell, the gates stacked in the course's order $i, f, o, g$:\n"
         "$$z = [x_t; h_{t-1}]\\,W^\\top + b, \\qquad i, f, o = \\sigma(z_i), \\sigma(z_f), \\sigma(z_o), "
         "\\qquad g = \\tanh(z_g)$$\n"
         "$$c_t = f \\odot c_{t-1} + i \\odot g, \\qquad h_t = o \\odot \\tanh(c_t)$$\n"
         "x: $(N, X)$, $h_{t-1}$ and $c_{t-1}$: $(N, H)$, W: $(4H, X + H)$ with row blocks $i, f, o, g$, "
         "b: $(4H)$. Returns $(h_t, c_t)$."),
    forbidden=("torch.nn.LSTMCell", "torch.nn.LSTM", "torch.lstm_cell", "torch.lstm"),
    mistakes=(
        CodeMistake("pytorch-gate-order", "The blocks of $W$ here are $i, f, o, g$; reading them in PyTorch's "
                    "order $i, f, g, o$ swaps the output gate and the candidate.", f"{_LSTM}:lstm_cell_pytorch_order"),
        CodeMistake("h-without-tanh", "$h_t = o \\odot \\tanh(c_t)$: the cell is squashed before the output "
                    "gate reads it.", f"{_LSTM}:lstm_cell_h_without_tanh"),
        CodeMistake("sigmoid-candidate", "The candidate is $g = \\tanh(z_g)$, in $(-1, 1)$, so the cell can "
                    "grow and shrink; $\\sigma$ is for the gates.", f"{_LSTM}:lstm_cell_sigmoid_candidate"),
    ),
    hint="One matrix product gives all four blocks: split z into four chunks along the feature axis.",
)

CLIP_EXERCISE = Exercise(
    function="clip_grad_norm",
    solution=f"{_CLIP}:clip_grad_norm",
    oracle=f"{_CLIP}:torch_clip",
    cases=f"{_CLIP}:clip_grad_norm_cases",
    doc=("Gradient clipping by the global norm of all the gradients together:\n"
         "$$\\lVert \\nabla \\rVert = \\sqrt{\\textstyle\\sum_p \\lVert \\nabla_p \\rVert^2}, \\qquad "
         "\\nabla_p \\leftarrow \\frac{\\tau}{\\lVert \\nabla \\rVert} \\nabla_p "
         "\\text{ for every } p \\text{ if } \\lVert \\nabla \\rVert > \\tau$$\n"
         "grads: a list of tensors of any shapes, threshold: $\\tau$. Returns (the clipped gradients as new "
         "tensors, $\\lVert \\nabla \\rVert$ before clipping)."),
    forbidden=("torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad_norm", "torch.nn.utils.get_total_norm",
               "torch.nn.utils.clip_grads_with_norm_", "torch.nn.utils.clip_grad.clip_grad_norm_",
               "torch.nn.utils.clip_grad.clip_grad_norm"),
    mistakes=(
        CodeMistake("per-tensor-norm", "One factor for all tensors, from the norm of all of them: clipping "
                    "each tensor by its own norm changes the direction of the update.",
                    f"{_CLIP}:clip_grad_norm_per_tensor"),
        CodeMistake("always-rescaled", "Clip only when $\\lVert \\nabla \\rVert > \\tau$; below the threshold the "
                    "gradients stay as they are.", f"{_CLIP}:clip_grad_norm_always"),
    ),
    hint="Sum the squares of every tensor first, then multiply every tensor by the same factor.",
    # torch's clip_grad_norm_ divides by ‖∇‖ + 1e-6: an error of at most τ·1e-6/‖∇‖ < 1e-6 here
    rtol=1e-6,
)

REFERENCES = (
    Reference("rnn", "rnn-bptt", "Vanilla RNN with hand-written backpropagation through time",
              oracle="torch.autograd (and torch.nn.RNN for the forward pass)", source=_RNN,
              tags=("bptt", "backward"), exercise=RNN_BPTT_EXERCISE),
    Reference("rnn", "lstm-cell", "LSTM cell, gate order i, f, o, g", oracle="torch.nn.LSTMCell", source=_LSTM,
              tags=("lstm",), exercise=LSTM_CELL_EXERCISE),
    Reference("rnn", "clip-grad-norm", "Gradient clipping by global norm", oracle="torch.nn.utils.clip_grad_norm_",
              source=_CLIP, tags=("clipping",), exercise=CLIP_EXERCISE),
)
