"""Reference implementations of the implicit topic, each checked against an independent oracle and
each an exercise. The modules import torch at their top; this list only names them."""

from mpcheck.api import CodeMistake, Exercise, Reference

_RENDER = "mpcheck_implicit.references.rendering"
_SURF = "mpcheck_implicit.references.surfaces"
_SPLAT = "mpcheck_implicit.references.splatting"

VOLUME_RENDER = Exercise(
    function="volume_render", solution=f"{_RENDER}:volume_render", oracle=f"{_RENDER}:render_oracle",
    cases=f"{_RENDER}:render_cases",
    doc=("NeRF's colour of each ray from its samples, nearest first:\n"
         "$$\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}, \\quad T_i = \\prod_{j<i} (1 - \\alpha_j), \\quad "
         "c = \\sum_i T_i \\alpha_i c_i$$\n"
         "sigma, delta: $(R, N)$; rgb: $(R, N, 3)$. Returns $(R, 3)$."),
    mistakes=(
        CodeMistake("transmittance-includes-own-alpha", "$T_i$ multiplies $1 - \\alpha_j$ for $j < i$ only: "
                    "shift the cumulative product by one, $T_1 = 1$.", f"{_RENDER}:render_inclusive_transmittance"),
        CodeMistake("forgot-delta", "$\\alpha_i = 1 - e^{-\\sigma_i \\delta_i}$ needs the segment lengths.",
                    f"{_RENDER}:render_without_delta"),
        CodeMistake("forgot-transmittance", "Weight each sample by $T_i \\alpha_i$, not $\\alpha_i$ alone.",
                    f"{_RENDER}:render_without_transmittance"),
    ),
    hint="torch.cumprod gives inclusive products; prepend a column of ones and drop the last.")

ENCODING = Exercise(
    function="positional_encoding", solution=f"{_RENDER}:positional_encoding", oracle=f"{_RENDER}:encoding_oracle",
    cases=f"{_RENDER}:encoding_cases",
    doc=("NeRF's positional encoding of each coordinate $p$:\n"
         "$$\\gamma(p) = (\\sin(2^0 \\pi p), \\cos(2^0 \\pi p), \\dots, \\sin(2^{L-1} \\pi p), \\cos(2^{L-1} \\pi p))$$\n"
         "x: $(N, d)$. Returns $(N, 2 L d)$, coordinate by coordinate, then frequency by frequency, sine "
         "before cosine; with include_input the $d$ raw coordinates come first."),
    mistakes=(
        CodeMistake("forgot-pi", "The frequencies are $2^k \\pi$.", f"{_RENDER}:encoding_without_pi"),
        CodeMistake("frequencies-from-one", "$k$ runs from 0 to $L - 1$: the first frequency is $2^0 \\pi$.",
                    f"{_RENDER}:encoding_from_first_power"),
    ),
    hint="Build a (N, d, L) tensor of angles, stack sin and cos on a new last axis, then reshape.")

SECANT = Exercise(
    function="secant_root", solution=f"{_SURF}:secant_root", oracle=f"{_SURF}:secant_oracle",
    cases=f"{_SURF}:secant_cases",
    doc=("DVR's root finder, for every ray at once: ``steps`` iterations of\n"
         "$$t_{n+1} = t_n - f(t_n)\\,\\frac{t_n - t_{n-1}}{f(t_n) - f(t_{n-1})}$$\n"
         "f: a function of an $(R,)$ tensor of depths; t0, t1: $(R,)$ starting depths. Returns $(R,)$."),
    mistakes=(
        CodeMistake("plus-sign", "Step against $f$: $t_{n+1} = t_n - f(t_n)(t_n - t_{n-1})/(f(t_n) - f(t_{n-1}))$.",
                    f"{_SURF}:secant_plus_sign"),
        CodeMistake("kept-first-point", "Use the two latest iterates in every step, not $t_0$.",
                    f"{_SURF}:secant_first_point_kept"),
    ),
    hint="Keep (t0, f0) and (t1, f1); each step replaces the older pair.")

EIKONAL = Exercise(
    function="eikonal_loss", solution=f"{_SURF}:eikonal_loss", oracle=f"{_SURF}:eikonal_oracle",
    cases=f"{_SURF}:eikonal_cases",
    doc=("The eikonal regulariser of an SDF network $f$ at points $x_i$:\n"
         "$$L = \\frac{1}{N} \\sum_i (\\lVert \\nabla_x f(x_i) \\rVert - 1)^2$$\n"
         "f: a function of $(N, 3)$ points returning $(N,)$; x: $(N, 3)$. Returns a scalar; take "
         "$\\nabla f$ with torch.autograd.grad."),
    mistakes=(
        CodeMistake("forgot-the-square", "Square the deviation: $(\\lVert \\nabla f \\rVert - 1)^2$.",
                    f"{_SURF}:eikonal_without_square"),
        CodeMistake("squared-norm", "Use the norm of the gradient, not its square.", f"{_SURF}:eikonal_squared_norm"),
    ),
    hint="x.requires_grad_(); grad = torch.autograd.grad(f(x).sum(), x, create_graph=True)[0].")

TRILINEAR = Exercise(
    function="trilinear", solution=f"{_SURF}:trilinear", oracle=f"{_SURF}:trilinear_oracle",
    cases=f"{_SURF}:trilinear_cases",
    doc=("Trilinear interpolation in a grid of features:\n"
         "$$f(x) = \\sum_{\\text{corners } c} \\prod_{a} (t_a \\text{ if } c_a = 1 \\text{ else } 1 - t_a)\\, f_c$$\n"
         "grid: $(C, X, Y, Z)$; points: $(N, 3)$ in index units ($0 \\dots$ size $- 1$). Returns $(N, C)$."),
    forbidden=("torch.nn.functional.grid_sample", "torch.nn.functional.interpolate"),
    mistakes=(
        CodeMistake("weights-swapped", "A corner at 1 is weighted by $t$, one at 0 by $1 - t$.",
                    f"{_SURF}:trilinear_weights_swapped"),
        CodeMistake("nearest-neighbour", "Blend the 8 corners; rounding to the nearest one is not interpolation.",
                    f"{_SURF}:trilinear_nearest"),
    ),
    hint="Split each point into its cell's lower corner (floor) and the fraction t inside the cell.")

COVARIANCE = Exercise(
    function="covariance_3d", solution=f"{_SPLAT}:covariance_3d", oracle=f"{_SPLAT}:covariance_oracle",
    cases=f"{_SPLAT}:covariance_cases",
    doc=("Gaussian splatting's covariance from a quaternion $q = (w, x, y, z)$ (normalise it) and scales $s$:\n"
         "$$\\Sigma = R(q)\\, S S^\\top R(q)^\\top, \\qquad S = \\mathrm{diag}(s)$$\n"
         "quaternions: $(G, 4)$; scales: $(G, 3)$. Returns $(G, 3, 3)$."),
    mistakes=(
        CodeMistake("scales-not-squared", "$S S^\\top$ holds the squared scales.",
                    f"{_SPLAT}:covariance_scales_not_squared"),
        CodeMistake("rotation-reversed", "$R S S^\\top R^\\top$, not $R^\\top S S^\\top R$.",
                    f"{_SPLAT}:covariance_rotation_reversed"),
    ),
    hint="M = R · diag(s) scales R's columns; then Σ = M Mᵀ.")

SPLAT_ALPHA = Exercise(
    function="splat_alpha", solution=f"{_SPLAT}:splat_alpha", oracle=f"{_SPLAT}:alpha_oracle",
    cases=f"{_SPLAT}:alpha_cases",
    doc=("Each projected splat's opacity at each pixel:\n"
         "$$\\alpha = o \\exp\\left(-\\tfrac12 (x - \\mu')^\\top \\Sigma'^{-1} (x - \\mu')\\right)$$\n"
         "means: $(G, 2)$; covariances: $(G, 2, 2)$; opacity: $(G,)$; pixels: $(P, 2)$. Returns $(P, G)$."),
    mistakes=(
        CodeMistake("covariance-not-inverted", "The exponent uses $\\Sigma'^{-1}$.",
                    f"{_SPLAT}:alpha_covariance_not_inverted"),
        CodeMistake("forgot-the-half", "The exponent is $-\\tfrac12 d^\\top \\Sigma'^{-1} d$.",
                    f"{_SPLAT}:alpha_without_half"),
    ),
    hint="Broadcast pixels against means to get (P, G, 2) offsets, then solve with the covariances.")

REFERENCES = [
    Reference("implicit", "volume-render", "NeRF volume rendering of a batch of rays",
              oracle="per-sample loop, and the closed form for constant density",
              run=f"{_RENDER}:check_volume_render", source=_RENDER, tags=("nerf",), exercise=VOLUME_RENDER),
    Reference("implicit", "positional-encoding", "NeRF's positional encoding", oracle="math.sin/cos per entry",
              run=f"{_RENDER}:check_positional_encoding", source=_RENDER, tags=("nerf",), exercise=ENCODING),
    Reference("implicit", "secant", "The secant root finder of DVR, batched over rays",
              oracle="the scalar textbook recursion per ray", run=f"{_SURF}:check_secant", source=_SURF,
              tags=("dvr",), exercise=SECANT),
    Reference("implicit", "eikonal", "The eikonal loss by autograd", oracle="closed-form gradient of a scaled sphere SDF",
              run=f"{_SURF}:check_eikonal", source=_SURF, tags=("sdf",), exercise=EIKONAL),
    Reference("implicit", "trilinear", "Trilinear interpolation in a feature grid",
              oracle="torch.nn.functional.grid_sample", run=f"{_SURF}:check_trilinear", source=_SURF,
              tags=("grids",), exercise=TRILINEAR),
    Reference("implicit", "covariance", "3DGS covariance from quaternion and scales",
              oracle="Rodrigues' formula from axis and angle", run=f"{_SPLAT}:check_covariance", source=_SPLAT,
              tags=("gaussian splatting",), exercise=COVARIANCE),
    Reference("implicit", "splat-alpha", "3DGS projected alpha at pixels", oracle="explicit 2×2 inverse per splat",
              run=f"{_SPLAT}:check_splat_alpha", source=_SPLAT, tags=("gaussian splatting",), exercise=SPLAT_ALPHA),
]
