"""Reference implementations of the diffusion topic, each checked against closed forms and, where
diffusers is installed (the ``test`` extra), against its DDPMScheduler; each is also an exercise.

The modules here import torch at their top; this list only names them, so registering stays cheap.
"""

from mpcheck.api import CodeMistake, Exercise, Reference

_SCHEDULE = "mpcheck_diffusion.references.schedule"
_FORWARD = "mpcheck_diffusion.references.forward"
_SAMPLING = "mpcheck_diffusion.references.sampling"
_T_CONVENTION = ("Timesteps count from 1: t holds one timestep per sample and alpha_bars holds "
                 "$\\bar\\alpha_t$ at index $t - 1$.")

SCHEDULE_EXERCISE = Exercise(
    function="linear_schedule",
    solution=f"{_SCHEDULE}:linear_schedule",
    oracle=f"{_SCHEDULE}:linear_schedule_oracle",
    cases=f"{_SCHEDULE}:linear_schedule_cases",
    doc=("DDPM's linear noise schedule over $T$ steps, timestep $t$ at index $t - 1$:\n"
         "$$\\beta_t = \\beta_{\\text{start}} + (t - 1)\\frac{\\beta_{\\text{end}} - \\beta_{\\text{start}}}{T - 1}, "
         "\\qquad \\alpha_t = 1 - \\beta_t, \\qquad \\bar\\alpha_t = \\prod_{s=1}^{t} \\alpha_s$$\n"
         "Returns the tuple (betas, alphas, alpha_bars), each of shape $(T)$, in the given dtype and device."),
    mistakes=(
        CodeMistake("step-over-T", "The schedule reaches $\\beta_{\\text{end}}$ at $t = T$: the range is split "
                    "into $T - 1$ steps, not $T$.", f"{_SCHEDULE}:linear_schedule_step_over_T"),
        CodeMistake("beta-product", "$\\bar\\alpha_t$ multiplies the $\\alpha_s = 1 - \\beta_s$, not the $\\beta_s$.",
                    f"{_SCHEDULE}:linear_schedule_beta_product"),
        CodeMistake("not-cumulative", "$\\bar\\alpha_t$ is the cumulative product of the $\\alpha_s$ "
                    "(torch.cumprod), not $\\alpha_t$ itself.", f"{_SCHEDULE}:linear_schedule_not_cumulative"),
        CodeMistake("shifted-by-one", "Index $t - 1$ must hold $\\bar\\alpha_t$, the product including step "
                    "$t$; yours holds $\\bar\\alpha_{t-1}$.", f"{_SCHEDULE}:linear_schedule_shifted"),
    ),
    hint="torch.linspace includes both ends; torch.cumprod gives the running product.",
)

Q_SAMPLE_EXERCISE = Exercise(
    function="q_sample",
    solution=f"{_FORWARD}:q_sample",
    oracle=f"{_FORWARD}:q_sample_oracle",
    cases=f"{_FORWARD}:q_sample_cases",
    doc=("Sample the forward process in one jump:\n"
         "$$x_t = \\sqrt{\\bar\\alpha_t}\\, x_0 + \\sqrt{1 - \\bar\\alpha_t}\\, \\epsilon$$\n"
         "x0 and noise: $(N, d)$; t: $(N)$ integer timesteps; alpha_bars: $(T)$. " + _T_CONVENTION +
         " Returns $x_t$, $(N, d)$."),
    mistakes=(
        CodeMistake("forgot-sqrt", "Both coefficients are square roots: $\\sqrt{\\bar\\alpha_t}$ and "
                    "$\\sqrt{1 - \\bar\\alpha_t}$.", f"{_FORWARD}:q_sample_forgot_sqrt"),
        CodeMistake("coefficients-swapped", "$x_0$ is scaled by $\\sqrt{\\bar\\alpha_t}$ and the noise by "
                    "$\\sqrt{1 - \\bar\\alpha_t}$.", f"{_FORWARD}:q_sample_swapped"),
        CodeMistake("t-off-by-one", "You used $\\bar\\alpha_{t-1}$: with timesteps from 1, $\\bar\\alpha_t$ "
                    "sits at index $t - 1$ of alpha_bars.", f"{_FORWARD}:q_sample_previous_alpha_bar"),
    ),
    hint="alpha_bars[t - 1] picks one $\\bar\\alpha$ per sample; reshape it to $(N, 1)$ to broadcast.",
)

LOSS_EXERCISE = Exercise(
    function="diffusion_loss",
    solution=f"{_FORWARD}:diffusion_loss",
    oracle=f"{_FORWARD}:diffusion_loss_oracle",
    cases=f"{_FORWARD}:diffusion_loss_cases",
    doc=("The simple training loss of an $\\epsilon$-prediction DDPM on one batch:\n"
         "$$x_t = \\sqrt{\\bar\\alpha_t}\\, x_0 + \\sqrt{1 - \\bar\\alpha_t}\\, \\epsilon, \\qquad "
         "L = \\mathrm{mean}\\left((\\epsilon - \\epsilon_\\theta(x_t, t))^2\\right)$$\n"
         "averaged over the batch and the coordinates. x0 and noise: $(N, d)$; t: $(N)$; alpha_bars: $(T)$; "
         "eps_model(x, t) returns $(N, d)$. " + _T_CONVENTION + " Returns a scalar."),
    forbidden=("torch.nn.functional.mse_loss", "torch.nn.MSELoss"),
    mistakes=(
        CodeMistake("target-is-x0", "The network predicts the noise: compare $\\epsilon_\\theta(x_t, t)$ with "
                    "$\\epsilon$, not with $x_0$.", f"{_FORWARD}:diffusion_loss_target_x0"),
        CodeMistake("forgot-sqrt", "Build $x_t$ with $\\sqrt{\\bar\\alpha_t}$ and $\\sqrt{1 - \\bar\\alpha_t}$.",
                    f"{_FORWARD}:diffusion_loss_forgot_sqrt"),
        CodeMistake("t-off-by-one", "You built $x_t$ with $\\bar\\alpha_{t-1}$; $\\bar\\alpha_t$ sits at "
                    "index $t - 1$.", f"{_FORWARD}:diffusion_loss_previous_alpha_bar"),
        CodeMistake("sum-not-mean", "Average the squared errors (as F.mse_loss does), do not sum them.",
                    f"{_FORWARD}:diffusion_loss_summed"),
    ),
    hint="Reuse your q_sample, call the model once on the whole batch, then average the squared error.",
)

SAMPLE_LOOP_EXERCISE = Exercise(
    function="p_sample_loop",
    solution=f"{_SAMPLING}:p_sample_loop",
    oracle=f"{_SAMPLING}:p_sample_loop_oracle",
    cases=f"{_SAMPLING}:p_sample_loop_cases",
    doc=("DDPM ancestral sampling from $x_T$ down to $x_0$, for $t = T, \\dots, 1$:\n"
         "$$x_{t-1} = \\frac{1}{\\sqrt{\\alpha_t}}\\left(x_t - \\frac{\\beta_t}{\\sqrt{1 - \\bar\\alpha_t}}\\, "
         "\\epsilon_\\theta(x_t, t)\\right) + \\sigma_t z_t, \\qquad \\sigma_t^2 = \\beta_t, \\quad z_1 = 0$$\n"
         "x_T: $(N, d)$; eps_model(x, t) with t a LongTensor $(N)$ filled with the timestep (from 1); betas: $(T)$; "
         "noise: $(T, N, d)$ with $z_t$ = noise[t - 1]. Returns $x_0$, $(N, d)$."),
    mistakes=(
        CodeMistake("noise-at-last-step", "The last step ($t = 1$) adds no noise: $x_0$ is the mean.",
                    f"{_SAMPLING}:p_sample_loop_noise_at_last_step"),
        CodeMistake("std-as-variance", "$\\sigma_t^2 = \\beta_t$: scale $z$ by $\\sqrt{\\beta_t}$, not $\\beta_t$.",
                    f"{_SAMPLING}:p_sample_loop_std_as_variance"),
        CodeMistake("alpha-bar-for-alpha", "Divide by $\\sqrt{\\alpha_t}$ of the step, not by "
                    "$\\sqrt{\\bar\\alpha_t}$.", f"{_SAMPLING}:p_sample_loop_alpha_bar_for_alpha"),
        CodeMistake("forgot-sqrt", "The noise coefficient is $\\beta_t/\\sqrt{1 - \\bar\\alpha_t}$.",
                    f"{_SAMPLING}:p_sample_loop_forgot_sqrt"),
        CodeMistake("forgot-one-over-sqrt-alpha", "Divide the bracket by $\\sqrt{\\alpha_t}$.",
                    f"{_SAMPLING}:p_sample_loop_no_division"),
    ),
    hint="Compute alpha_bars once with torch.cumprod, then loop t from T down to 1.",
)

REFERENCES = [
    Reference("diffusion", "linear-schedule", "DDPM's linear noise schedule and its cumulative products",
              oracle="closed form; diffusers DDPMScheduler where installed", run=f"{_SCHEDULE}:check_linear_schedule",
              source=_SCHEDULE, tags=("schedule",), exercise=SCHEDULE_EXERCISE),
    Reference("diffusion", "q-sample", "The forward process in one jump: x_t from x_0 and the noise",
              oracle="closed form; diffusers DDPMScheduler.add_noise where installed", run=f"{_FORWARD}:check_q_sample",
              source=_FORWARD, tags=("forward-process",), exercise=Q_SAMPLE_EXERCISE),
    Reference("diffusion", "training-loss", "The simple epsilon-prediction training loss",
              oracle="torch.nn.functional.mse_loss; diffusers add_noise where installed",
              run=f"{_FORWARD}:check_diffusion_loss", source=_FORWARD, tags=("training",), exercise=LOSS_EXERCISE),
    Reference("diffusion", "p-sample-loop", "DDPM ancestral sampling in the epsilon-parameterisation",
              oracle="posterior-mean route; diffusers DDPMScheduler.step where installed",
              run=f"{_SAMPLING}:check_p_sample_loop", source=_SAMPLING, tags=("sampling",),
              exercise=SAMPLE_LOOP_EXERCISE),
]
