"""Reference implementations of the vae topic, each checked against an oracle (torch.distributions,
a closed form, autograd). The modules here import torch at their top; this list only names them."""

from mpcheck.api import CodeMistake, Exercise, Reference

_LOSS = "mpcheck_vae.references.loss"
_REPARAM = "mpcheck_vae.references.reparam"

VAE_LOSS_EXERCISE = Exercise(
    function="vae_loss",
    solution=f"{_LOSS}:vae_loss",
    oracle=f"{_LOSS}:vae_loss_oracle",
    cases=f"{_LOSS}:vae_loss_cases",
    doc=("The loss of a VAE with a Bernoulli decoder and a diagonal Gaussian encoder, per example:\n"
         "$$\\mathrm{rec} = -\\sum_i \\left[x_i \\log\\sigma(l_i) + (1 - x_i)\\log(1 - \\sigma(l_i))\\right], \\quad "
         "\\mathrm{KL} = -\\frac{1}{2}\\sum_j \\left(1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2\\right)$$\n"
         "and $\\mathrm{loss} = \\mathrm{rec} + \\beta\\,\\mathrm{KL}$ (the negative ELBO when $\\beta = 1$).\n"
         "x: $(N, D)$ of 0s and 1s, logits $l$: $(N, D)$, mu and log_var ($\\log\\sigma^2$): $(N, J)$, beta: a float.\n"
         "Returns the tuple (rec, KL, loss), each of shape $(N,)$. Stay finite for logits as large as $\\pm 40$."),
    forbidden=("torch.distributions.kl_divergence", "torch.distributions.kl.kl_divergence",
               "torch.nn.functional.binary_cross_entropy", "torch.nn.functional.binary_cross_entropy_with_logits",
               "torch.nn.BCELoss", "torch.nn.BCEWithLogitsLoss"),
    mistakes=(
        CodeMistake("kl-dropped-half", "Your KL is twice too large: $-\\frac{1}{2}$ multiplies the sum.",
                    f"{_LOSS}:vae_loss_kl_twice"),
        CodeMistake("log-var-as-log-sigma", "log_var is $\\log\\sigma^2$, so $\\sigma^2$ = log_var.exp(); you "
                    "treated it as $\\log\\sigma$.", f"{_LOSS}:vae_loss_log_var_as_log_sigma"),
        CodeMistake("kl-averaged-over-latents", "Sum the KL over the latent coordinates (a diagonal "
                    "Gaussian's KL is the sum of the coordinates' KLs), do not average it.",
                    f"{_LOSS}:vae_loss_kl_mean"),
        CodeMistake("beta-on-reconstruction", "$\\beta$ multiplies the KL term, not the reconstruction.",
                    f"{_LOSS}:vae_loss_beta_on_reconstruction"),
        CodeMistake("kl-subtracted", "The loss is $\\mathrm{rec} + \\beta\\,\\mathrm{KL}$: the ELBO subtracts the "
                    "KL, its negative adds it.", f"{_LOSS}:vae_loss_kl_subtracted"),
        CodeMistake("dropped-zero-pixels", "Pixels with $x_i = 0$ contribute $-\\log(1 - \\sigma(l_i))$ to the "
                    "reconstruction term.", f"{_LOSS}:vae_loss_ones_only"),
    ),
    hint="$\\log\\sigma(l) = -\\mathrm{softplus}(-l)$ and $\\log(1 - \\sigma(l)) = -\\mathrm{softplus}(l)$ never overflow.",
    rtol=1e-9,
)

REPARAM_EXERCISE = Exercise(
    function="reparameterized_gradient",
    solution=f"{_REPARAM}:reparameterized_gradient",
    oracle=f"{_REPARAM}:reparameterized_gradient_oracle",
    cases=f"{_REPARAM}:reparameterized_gradient_cases",
    doc=("The reparameterised Monte Carlo estimate of the gradient of $J(\\mu, \\sigma) = "
         "\\mathbb{E}_{z \\sim \\mathcal{N}(\\mu, \\operatorname{diag}\\sigma^2)}\\left[\\sum_d \\sin z_d\\right]$:\n"
         "$$z_s = \\mu + \\sigma \\odot \\epsilon_s, \\quad \\frac{\\partial J}{\\partial \\mu} \\approx \\frac{1}{S}"
         "\\sum_s \\cos z_s, \\quad \\frac{\\partial J}{\\partial \\sigma} \\approx \\frac{1}{S}\\sum_s \\cos z_s "
         "\\odot \\epsilon_s$$\n"
         "mu, sigma: $(D,)$; eps: $(S, D)$, one noise sample per row. Returns the tuple "
         "($\\partial J/\\partial\\mu$, $\\partial J/\\partial\\sigma$), each $(D,)$. Autograd through "
         "$z = \\mu + \\sigma \\odot \\epsilon$ is allowed: that is the trick."),
    mistakes=(
        CodeMistake("score-function-instead", "That is the score-function (REINFORCE) estimate "
                    "$f(z)\\,\\nabla \\log \\mathcal{N}(z; \\mu, \\sigma^2)$: unbiased too, but this exercise asks for the "
                    "reparameterised one, $\\nabla_\\theta f(\\mu + \\sigma\\epsilon)$.", f"{_REPARAM}:gradient_score_function"),
        CodeMistake("forgot-noise-factor", "$\\partial z/\\partial\\sigma = \\epsilon$: the $\\sigma$-gradient of each sample "
                    "is $f'(z_s)\\,\\epsilon_s$.", f"{_REPARAM}:gradient_without_noise_factor"),
        CodeMistake("detached-sample", "No gradient reaches $\\mu$ and $\\sigma$: the sample was drawn without "
                    "reparameterisation (sample() rather than rsample(), or a detached z).",
                    f"{_REPARAM}:gradient_of_detached_sample"),
        CodeMistake("summed-over-samples", "The expectation is estimated by the mean over the $S$ samples, "
                    "not their sum.", f"{_REPARAM}:gradient_summed_over_samples"),
    ),
    hint="Build z = mu + sigma * eps, then differentiate the sample mean of sin(z) (by hand: cos z times "
         "$\\partial z/\\partial\\theta$).",
    rtol=1e-9,
)

REFERENCES = [
    Reference("vae", "vae-loss", "The VAE loss: Bernoulli reconstruction + β·KL to N(0, I)",
              oracle="torch.distributions kl_divergence, log_prob",
              run=f"{_LOSS}:check_vae_loss", source=_LOSS, tags=("elbo", "kl"), exercise=VAE_LOSS_EXERCISE),
    Reference("vae", "reparam-gradient", "The reparameterised gradient of E[f(z)]",
              oracle="closed form, score function (±4 s.e.); autograd",
              run=f"{_REPARAM}:check_reparameterized_gradient", source=_REPARAM,
              tags=("reparameterisation",), exercise=REPARAM_EXERCISE),
]
