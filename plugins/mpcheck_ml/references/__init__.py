"""Reference implementations of the ml topic, written from the formulas and checked against
PyTorch (torch.optim, autograd), each an exercise. The modules here import torch at their top; this
list only names them, so registering stays cheap."""

from mpcheck.api import CodeMistake, Exercise, Reference
from mpcheck.exercises import AUTOGRAD

_OPT = "mpcheck_ml.references.optimizers"
_CASES = "mpcheck_ml.references.optimizer_cases"
_BACKPROP = "mpcheck_ml.references.backprop"
_SOFTMAX = "mpcheck_ml.references.softmax"

_STATE = "Returns new tensors, nothing updated in place: "


def _optimizer(function: str, doc: str, forbidden: tuple[str, ...], mistakes: tuple[CodeMistake, ...], hint: str) -> Exercise:
    """An update rule: one step from a random state, against one step of ``forbidden`` (torch.optim)."""
    stem = function.removesuffix("_step")
    return Exercise(function=function, solution=f"{_OPT}:{function}", oracle=f"{_CASES}:{stem}_oracle",
                    cases=f"{_CASES}:{stem}_cases", doc=doc, forbidden=forbidden, mistakes=mistakes, hint=hint)


SGD_MOMENTUM_EXERCISE = _optimizer(
    "sgd_momentum_step",
    "One step of SGD with (Polyak) momentum, the course's velocity form:\n"
    "$$v \\leftarrow \\alpha v - \\epsilon \\nabla L(\\theta), \\qquad \\theta \\leftarrow \\theta + v$$\n"
    "theta, v, grad: tensors of one shape; lr: $\\epsilon$, alpha: $\\alpha$. " + _STATE + "$(\\theta, v)$.",
    ("torch.optim.SGD",),
    (CodeMistake("gradient-ascent", "Momentum steps against the gradient: $v \\leftarrow \\alpha v - \\epsilon \\nabla L$.",
                 f"{_CASES}:sgd_momentum_ascent"),
     CodeMistake("step-with-old-velocity", "Update $v$ first, then move $\\theta$ by the new $v$.",
                 f"{_CASES}:sgd_momentum_old_velocity")),
    "Two lines, in the order of the formulas.",
)

NESTEROV_EXERCISE = _optimizer(
    "nesterov_step",
    "One step of Nesterov momentum: the gradient is taken where momentum is about to carry $\\theta$:\n"
    "$$v \\leftarrow \\alpha v - \\epsilon \\nabla L(\\theta + \\alpha v), \\qquad \\theta \\leftarrow \\theta + v$$\n"
    "theta, v: tensors of one shape; $\\mathtt{grad\\_fn}(\\theta)$ returns $\\nabla L(\\theta)$; lr: $\\epsilon$, "
    "alpha: $\\alpha$. " + _STATE + "$(\\theta, v)$.",
    ("torch.optim.SGD",),
    (CodeMistake("gradient-at-theta", "That is plain momentum: Nesterov evaluates the gradient at the "
                 "look-ahead point $\\theta + \\alpha v$.", f"{_CASES}:nesterov_gradient_at_theta"),),
    "Call $\\mathtt{grad\\_fn}$ once, at the look-ahead point.",
)

ADAGRAD_EXERCISE = _optimizer(
    "adagrad_step",
    "One step of AdaGrad:\n"
    "$$r \\leftarrow r + \\nabla \\odot \\nabla, \\qquad "
    "\\theta \\leftarrow \\theta - \\frac{\\epsilon}{\\delta + \\sqrt{r}} \\odot \\nabla$$\n"
    "theta, r, grad: tensors of one shape; lr: $\\epsilon$, delta: $\\delta$. " + _STATE + "$(\\theta, r)$.",
    ("torch.optim.Adagrad",),
    (CodeMistake("r-not-accumulated", "AdaGrad sums every squared gradient so far: $r \\leftarrow r + \\nabla "
                 "\\odot \\nabla$, not just the latest one.", f"{_CASES}:adagrad_not_accumulated"),
     CodeMistake("no-square-root", "Divide by $\\delta + \\sqrt{r}$: $r$ is in squared-gradient units.",
                 f"{_CASES}:adagrad_no_root")),
    "Accumulate first, then step with the new $r$.",
)

RMSPROP_EXERCISE = _optimizer(
    "rmsprop_step",
    "One step of RMSProp (with $\\delta$ outside the root, as PyTorch places it):\n"
    "$$r \\leftarrow \\rho r + (1 - \\rho) \\nabla \\odot \\nabla, \\qquad "
    "\\theta \\leftarrow \\theta - \\frac{\\epsilon}{\\sqrt{r} + \\delta} \\odot \\nabla$$\n"
    "theta, r, grad: tensors of one shape; lr: $\\epsilon$, rho: $\\rho$, delta: $\\delta$. "
    + _STATE + "$(\\theta, r)$.",
    ("torch.optim.RMSprop",),
    (CodeMistake("weights-swapped", "The decay $\\rho$ keeps the old average: $r \\leftarrow \\rho r + "
                 "(1 - \\rho) \\nabla \\odot \\nabla$.", f"{_CASES}:rmsprop_weights_swapped"),
     CodeMistake("delta-inside-root", "That is the book's $\\sqrt{\\delta + r}$; this exercise (and PyTorch) "
                 "uses $\\sqrt{r} + \\delta$.", f"{_CASES}:rmsprop_delta_inside_root")),
    "Update the moving average first, then step with the new $r$.",
)

ADAM_EXERCISE = _optimizer(
    "adam_step",
    "One step of Adam, $t$ the number of this step (from 1):\n"
    "$$m \\leftarrow \\beta_1 m + (1 - \\beta_1) \\nabla, \\qquad v \\leftarrow \\beta_2 v + (1 - \\beta_2) "
    "\\nabla \\odot \\nabla$$\n"
    "$$\\hat{m} = \\frac{m}{1 - \\beta_1^t}, \\qquad \\hat{v} = \\frac{v}{1 - \\beta_2^t}, \\qquad "
    "\\theta \\leftarrow \\theta - \\eta \\frac{\\hat{m}}{\\sqrt{\\hat{v}} + \\epsilon}$$\n"
    "theta, m, v, grad: tensors of one shape; t: the step number; lr: $\\eta$, beta1, beta2: "
    "$\\beta_1, \\beta_2$, eps: $\\epsilon$. " + _STATE + "$(\\theta, m, v)$.",
    ("torch.optim.Adam", "torch.optim.AdamW"),
    (CodeMistake("no-bias-correction", "$m$ and $v$ start at $0$, so early on they are too small: divide by "
                 "$1 - \\beta_1^t$ and $1 - \\beta_2^t$ before the step.", f"{_CASES}:adam_no_bias_correction"),
     CodeMistake("eps-inside-root", "$\\epsilon$ is added after the square root: "
                 "$\\sqrt{\\hat{v}} + \\epsilon$.", f"{_CASES}:adam_eps_inside_root")),
    "Return the new $m$ and $v$ (not the corrected ones): the next step starts from them.",
)

MLP_BACKPROP_EXERCISE = Exercise(
    function="mlp_backward",
    solution=f"{_BACKPROP}:mlp_backward",
    oracle=f"{_BACKPROP}:autograd_backward",
    cases=f"{_BACKPROP}:mlp_backward_cases",
    benchmark=f"{_BACKPROP}:mlp_backward_benchmark",
    doc=("The backward pass of a two-layer MLP on a batch of row vectors:\n"
         "$$A = X W_1^\\top + b_1, \\qquad H = f(A), \\qquad Y = H W_2^\\top + b_2$$\n"
         "Given $G = \\partial L / \\partial Y$ (upstream):\n"
         "$$\\frac{\\partial L}{\\partial W_2} = G^\\top H, \\quad \\frac{\\partial L}{\\partial b_2} = \\sum_n G_n, "
         "\\quad \\delta = (G W_2) \\odot f'(A), \\quad \\frac{\\partial L}{\\partial W_1} = \\delta^\\top X, "
         "\\quad \\frac{\\partial L}{\\partial b_1} = \\sum_n \\delta_n, \\quad \\frac{\\partial L}{\\partial X} = \\delta W_1$$\n"
         "x: $(N, D)$, w1: $(H, D)$, b1: $(H)$, w2: $(K, H)$, b2: $(K)$, upstream: $(N, K)$; name: the "
         "activation $f$, one of relu, sigmoid, tanh (use $f'(0) = 0$ for relu). Returns a dict with the keys "
         "x, w1, b1, w2, b2, each gradient of its tensor's shape."),
    forbidden=AUTOGRAD,
    mistakes=(
        CodeMistake("no-activation-derivative", "Between the layers the gradient passes through $f$: "
                    "$\\delta = (G W_2) \\odot f'(A)$.", f"{_BACKPROP}:mlp_backward_no_derivative"),
        CodeMistake("derivative-at-activation", "Evaluate $f'$ at the pre-activation $A$, not at $H = f(A)$ "
                    "(for the sigmoid, $\\sigma'(A) = H (1 - H)$).", f"{_BACKPROP}:mlp_backward_derivative_at_output"),
        CodeMistake("transposed-weight-gradient", "A weight's gradient has the weight's shape: "
                    "$\\partial L/\\partial W_1 = \\delta^\\top X$, not $X^\\top \\delta$.",
                    f"{_BACKPROP}:mlp_backward_transposed"),
    ),
    hint="Recompute the forward pass keeping A and H, then apply the formulas from the output backwards.",
)

SOFTMAX_CE_EXERCISE = Exercise(
    function="softmax_ce_grad",
    solution=f"{_SOFTMAX}:softmax_ce_grad",
    oracle=f"{_SOFTMAX}:autograd_grad",
    cases=f"{_SOFTMAX}:softmax_ce_grad_cases",
    benchmark=f"{_SOFTMAX}:softmax_ce_grad_benchmark",
    doc=("The gradient of the mean softmax cross-entropy over a batch with respect to the logits:\n"
         "$$L = -\\frac{1}{N} \\sum_n \\log \\operatorname{softmax}(z_n)_{t_n}, \\qquad "
         "\\frac{\\partial L}{\\partial Z} = \\frac{1}{N}\\left(\\operatorname{softmax}(Z) - "
         "\\operatorname{onehot}(t)\\right)$$\n"
         "z: $(N, C)$ logits (some large: subtract each row's maximum before $e^z$), target: $(N)$ class "
         "indices. Returns $(N, C)$."),
    forbidden=(*AUTOGRAD, "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
               "torch.nn.functional.softmax", "torch.nn.functional.log_softmax", "torch.softmax",
               "torch.log_softmax", "torch.Tensor.softmax", "torch.Tensor.log_softmax", "torch.special.softmax",
               "torch.special.log_softmax", "torch.nn.CrossEntropyLoss", "torch.nn.Softmax", "torch.nn.LogSoftmax"),
    mistakes=(
        CodeMistake("not-averaged", "The loss is the mean over the batch, so its gradient carries "
                    "$\\frac{1}{N}$.", f"{_SOFTMAX}:softmax_ce_grad_not_averaged"),
        CodeMistake("sign-flipped", "$\\partial L/\\partial z = \\operatorname{softmax}(z) - "
                    "\\operatorname{onehot}(t)$: the target's entry is negative.", f"{_SOFTMAX}:softmax_ce_grad_flipped"),
        CodeMistake("forgot-onehot", "Subtract $1$ at the target class: "
                    "$\\operatorname{softmax}(z) - \\operatorname{onehot}(t)$.",
                    f"{_SOFTMAX}:softmax_ce_grad_without_onehot"),
        CodeMistake("unstable-softmax", "$e^{z}$ overflows for large logits ($\\infty / \\infty$ gives nan): "
                    "subtract each row's maximum first, which leaves the softmax unchanged.",
                    f"{_SOFTMAX}:softmax_ce_grad_unstable"),
    ),
    hint="Compute log-softmax stably as $z - \\max z - \\log \\sum e^{z - \\max z}$, then exponentiate.",
)

REFERENCES = (
    Reference("ml", "sgd-momentum", "SGD with Polyak momentum", "torch.optim.SGD(momentum=α)",
              source=_OPT, exercise=SGD_MOMENTUM_EXERCISE),
    Reference("ml", "nesterov", "Nesterov momentum", "torch.optim.SGD(momentum=α, nesterov=True)",
              source=_OPT, exercise=NESTEROV_EXERCISE),
    Reference("ml", "adagrad", "AdaGrad", "torch.optim.Adagrad", source=_OPT, exercise=ADAGRAD_EXERCISE),
    Reference("ml", "rmsprop", "RMSProp", "torch.optim.RMSprop", source=_OPT, exercise=RMSPROP_EXERCISE),
    Reference("ml", "adam", "Adam with bias correction", "torch.optim.Adam", source=_OPT, exercise=ADAM_EXERCISE),
    Reference("ml", "mlp-backprop", "Two-layer MLP, manual backward pass", "autograd", source=_BACKPROP,
              exercise=MLP_BACKPROP_EXERCISE),
    Reference("ml", "softmax-ce-grad", "Softmax + cross-entropy gradient", "autograd on F.cross_entropy",
              source=_SOFTMAX, exercise=SOFTMAX_CE_EXERCISE),
)
