"""Reference implementations of the gan topic, each checked against an oracle (binary
cross-entropy, scipy's matrix square root, instance normalisation, autograd), and each an exercise.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference

_LOSSES = "mpcheck_gan.references.losses"
_FID = "mpcheck_gan.references.fid"
_ADAIN = "mpcheck_gan.references.adain"
_PENALTY = "mpcheck_gan.references.penalty"

GAN_LOSSES_EXERCISE = Exercise(
    function="gan_losses",
    solution=f"{_LOSSES}:gan_losses",
    oracle=f"{_LOSSES}:gan_losses_oracle",
    cases=f"{_LOSSES}:gan_losses_cases",
    doc=("The three GAN losses from the discriminator's logits $a$ (so $D = \\sigma(a)$), as batch means:\n"
         "$$L_D = -\\left(\\mathrm{mean}_x \\log D(x) + \\mathrm{mean}_z \\log(1 - D(G(z)))\\right)$$\n"
         "$$L_G^{\\text{sat}} = \\mathrm{mean}_z \\log(1 - D(G(z))), \\qquad "
         "L_G^{\\text{ns}} = -\\mathrm{mean}_z \\log D(G(z))$$\n"
         "real_logits: $(N_r)$, fake_logits: $(N_f)$. Returns the tuple $(L_D, L_G^{\\text{sat}}, L_G^{\\text{ns}})$ "
         "of scalars. Use $\\log \\sigma(a) = -\\log(1 + e^{-a})$ and $1 - \\sigma(a) = \\sigma(-a)$."),
    forbidden=("torch.nn.functional.binary_cross_entropy", "torch.nn.functional.binary_cross_entropy_with_logits",
               "torch.nn.functional.logsigmoid", "torch.nn.functional.softplus", "torch.nn.BCELoss",
               "torch.nn.BCEWithLogitsLoss"),
    mistakes=(
        CodeMistake("labels-swapped", "Your discriminator loss rewards calling real samples fake: "
                    "$L_D$ takes $\\log D$ of the real logits and $\\log(1 - D)$ of the fake ones.",
                    f"{_LOSSES}:gan_losses_labels_swapped"),
        CodeMistake("non-saturating-sign", "The non-saturating loss is $-\\mathrm{mean} \\log D(G(z))$: the "
                    "generator maximises $\\log D(G(z))$, so the loss carries a minus.",
                    f"{_LOSSES}:gan_losses_non_saturating_sign"),
        CodeMistake("generator-losses-swapped", "Your second and third outputs are swapped: the saturating "
                    "loss is $\\log(1 - D(G(z)))$, the non-saturating one $-\\log D(G(z))$.",
                    f"{_LOSSES}:gan_losses_generator_swapped"),
        CodeMistake("sum-not-mean", "Average over each batch (the expectations), do not sum.",
                    f"{_LOSSES}:gan_losses_summed"),
    ),
    hint="Write a stable $\\log \\sigma(a) = -(\\max(-a, 0) + \\log(1 + e^{-|a|}))$ once and use it three times.",
)

FID_EXERCISE = Exercise(
    function="fid",
    solution=f"{_FID}:fid",
    oracle=f"{_FID}:fid_oracle",
    cases=f"{_FID}:fid_cases",
    doc=("The Fréchet Inception Distance between two sets of feature vectors (real_features $(N_1, d)$, "
         "fake_features $(N_2, d)$): fit a Gaussian to each (mean, unbiased covariance with $N - 1$), then\n"
         "$$d^2 = \\|\\mu_1 - \\mu_2\\|^2 + \\mathrm{Tr}\\left(\\Sigma_1 + \\Sigma_2 - 2(\\Sigma_1\\Sigma_2)^{1/2}\\right)$$\n"
         "Returns a scalar tensor. $\\Sigma_1\\Sigma_2$ has the eigenvalues of the symmetric "
         "$\\Sigma_1^{1/2}\\Sigma_2\\Sigma_1^{1/2}$."),
    forbidden=("scipy.linalg.sqrtm", "torch.cov", "numpy.cov"),
    mistakes=(
        CodeMistake("biased-covariance", "Estimate each covariance with $N - 1$ in the denominator "
                    "(as numpy.cov and pytorch-fid do), not $N$.", f"{_FID}:fid_biased_covariance"),
        CodeMistake("missing-factor-2", "The cross term is $-2\\,\\mathrm{Tr}(\\Sigma_1\\Sigma_2)^{1/2}$.",
                    f"{_FID}:fid_missing_factor_2"),
        CodeMistake("no-matrix-sqrt", "Take the trace of the matrix square root of $\\Sigma_1\\Sigma_2$, "
                    "not of $\\Sigma_1\\Sigma_2$ itself.", f"{_FID}:fid_no_matrix_sqrt"),
        CodeMistake("mean-not-squared", "The mean term is the squared distance $\\|\\mu_1 - \\mu_2\\|^2$.",
                    f"{_FID}:fid_mean_not_squared"),
    ),
    hint="A symmetric PSD matrix has the square root $Q\\,\\mathrm{diag}(\\sqrt{\\lambda})\\,Q^\\top$ "
         "(torch.linalg.eigh).",
    rtol=1e-6,
)

ADAIN_EXERCISE = Exercise(
    function="adain",
    solution=f"{_ADAIN}:adain",
    oracle=f"{_ADAIN}:adain_oracle",
    cases=f"{_ADAIN}:adain_cases",
    doc=("Adaptive instance normalisation: content $(N, C, H, W)$, gamma and beta $(N, C)$ from the style.\n"
         "$$\\mathrm{AdaIN}(c, s) = \\gamma(s)\\,\\frac{c - \\mu(c)}{\\sqrt{\\sigma^2(c) + \\epsilon}} + \\beta(s)$$\n"
         "with $\\mu$ and $\\sigma^2$ the mean and variance (divided by $H W$) of each instance and channel "
         "over its $H \\times W$ positions. Returns $(N, C, H, W)$."),
    forbidden=("torch.nn.functional.instance_norm", "torch.instance_norm", "torch.nn.InstanceNorm2d",
               "torch.nn.functional.batch_norm", "torch.nn.functional.layer_norm", "torch.nn.functional.group_norm"),
    mistakes=(
        CodeMistake("unbiased-variance", "Instance normalisation divides the variance by $H W$; "
                    "torch.var divides by $H W - 1$ unless told unbiased=False.", f"{_ADAIN}:adain_unbiased_variance"),
        CodeMistake("eps-outside-sqrt", "$\\epsilon$ goes inside the square root: $\\sqrt{\\sigma^2 + \\epsilon}$.",
                    f"{_ADAIN}:adain_eps_outside_sqrt"),
        CodeMistake("batch-statistics", "AdaIN normalises each instance on its own; you pooled the batch "
                    "(batch normalisation).", f"{_ADAIN}:adain_batch_statistics"),
        CodeMistake("layer-statistics", "AdaIN normalises each channel on its own; you pooled the channels "
                    "(layer normalisation).", f"{_ADAIN}:adain_layer_statistics"),
        CodeMistake("gamma-beta-swapped", "$\\gamma(s)$ scales and $\\beta(s)$ shifts.",
                    f"{_ADAIN}:adain_gamma_beta_swapped"),
    ),
    hint="Reduce over dims (2, 3) with keepdim=True; gamma[:, :, None, None] broadcasts over the positions.",
)

GRADIENT_PENALTY_EXERCISE = Exercise(
    function="gradient_penalty",
    solution=f"{_PENALTY}:gradient_penalty",
    oracle=f"{_PENALTY}:gradient_penalty_oracle",
    cases=f"{_PENALTY}:gradient_penalty_cases",
    doc=("The WGAN-GP penalty for the critic $D(x) = w_2^\\top \\tanh(W_1 x + b_1) + b_2$, its input gradient "
         "written by hand:\n"
         "$$\\hat{x} = \\epsilon x + (1 - \\epsilon)\\tilde{x}, \\qquad "
         "\\mathrm{GP} = \\lambda\\,\\mathrm{mean}\\left(\\|\\nabla_{\\hat{x}} D(\\hat{x})\\|_2 - 1\\right)^2$$\n"
         "real, fake: $(N, d)$; eps: $(N)$; w1: $(h, d)$, b1: $(h)$, w2: $(h)$, b2: a scalar; weight is $\\lambda$. "
         "Returns a scalar."),
    forbidden=("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward", "torch.func.grad",
               "torch.func.vjp", "torch.func.jacrev"),
    mistakes=(
        CodeMistake("squared-norm", "Penalise $(\\|\\nabla D\\|_2 - 1)^2$, with the norm itself, not its square.",
                    f"{_PENALTY}:gradient_penalty_squared_norm"),
        CodeMistake("penalty-at-real-samples", "The gradient is taken at the interpolates "
                    "$\\hat{x} = \\epsilon x + (1 - \\epsilon)\\tilde{x}$, not at the real samples.",
                    f"{_PENALTY}:gradient_penalty_at_real"),
        CodeMistake("missing-tanh-derivative", "The chain rule goes through the tanh: "
                    "$\\nabla_x D = W_1^\\top (w_2 \\odot (1 - \\tanh^2(W_1 x + b_1)))$.",
                    f"{_PENALTY}:gradient_penalty_no_tanh_derivative"),
        CodeMistake("sum-not-mean", "The penalty is an expectation over $\\hat{x}$: average over the batch.",
                    f"{_PENALTY}:gradient_penalty_summed"),
    ),
    hint="With $h = \\tanh(W_1 x + b_1)$ row by row: $\\nabla_x D = (w_2 \\odot (1 - h^2)) W_1$.",
)

REFERENCES = [
    Reference("gan", "gan-losses", "GAN losses from logits: discriminator, saturating and non-saturating generator",
              oracle="torch.nn.functional.binary_cross_entropy", run=f"{_LOSSES}:check_gan_losses", source=_LOSSES,
              tags=("losses",), exercise=GAN_LOSSES_EXERCISE),
    Reference("gan", "fid", "FID: Gaussian statistics of features and the Fréchet distance",
              oracle="scipy.linalg.sqrtm (pytorch-fid's computation)", run=f"{_FID}:check_fid", source=_FID,
              tags=("fid", "evaluation"), exercise=FID_EXERCISE),
    Reference("gan", "adain", "Adaptive instance normalisation (StyleGAN's style injection)",
              oracle="torch.nn.functional.instance_norm", run=f"{_ADAIN}:check_adain", source=_ADAIN,
              tags=("adain", "stylegan"), exercise=ADAIN_EXERCISE),
    Reference("gan", "gradient-penalty", "WGAN-GP gradient penalty with the critic's input gradient by hand",
              oracle="torch.autograd.grad", run=f"{_PENALTY}:check_gradient_penalty", source=_PENALTY,
              tags=("gradient-penalty",), exercise=GRADIENT_PENALTY_EXERCISE),
]
