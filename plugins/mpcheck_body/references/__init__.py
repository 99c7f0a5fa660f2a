"""Reference implementations of the body topic, each checked against an independent oracle and
each an exercise. The modules import torch at their top; this list only names them."""

from mpcheck.api import CodeMistake, Exercise, Reference

_SKIN = "mpcheck_body.references.skinning"
_HEAT = "mpcheck_body.references.heatmaps"

LBS_EXERCISE = Exercise(
    function="lbs",
    solution=f"{_SKIN}:lbs",
    oracle=f"{_SKIN}:lbs_oracle",
    cases=f"{_SKIN}:lbs_cases",
    doc=("Linear blend skinning: every vertex follows every bone, blended by its normalised weights,\n"
         "$$t'_i = \\sum_k \\bar{w}_{ki}\\, G_k \\begin{bmatrix} t_i \\\\ 1 \\end{bmatrix}, \\qquad "
         "\\bar{w}_{ki} = \\frac{w_{ki}}{\\sum_k w_{ki}}$$\n"
         "vertices: $(V, 3)$ rest pose; weights: $(V, K)$ non-negative influences (not yet normalised); "
         "transforms: $(K, 4, 4)$ homogeneous bone transforms. Returns $(V, 3)$."),
    mistakes=(
        CodeMistake("weights-not-normalised", "Divide each vertex's weights by their sum: skinning blends "
                    "with a convex combination.", f"{_SKIN}:lbs_unnormalised"),
        CodeMistake("forgot-translation", "Append a 1 to each vertex, $[t; 1]$, so the translation column "
                    "of $G_k$ moves it.", f"{_SKIN}:lbs_without_translation"),
        CodeMistake("transposed-transform", "$G_k$ multiplies the column vector $[t; 1]$ from the left; you "
                    "applied its transpose.", f"{_SKIN}:lbs_transposed"),
    ),
    hint="Blend the 4×4 matrices first (one einsum), then apply one matrix per vertex.",
)

FK_EXERCISE = Exercise(
    function="forward_kinematics",
    solution=f"{_SKIN}:forward_kinematics",
    oracle=f"{_SKIN}:fk_oracle",
    cases=f"{_SKIN}:fk_cases",
    doc=("World transforms of a kinematic tree from local ones, parent first:\n"
         "$$G_k = G_{\\mathrm{parent}(k)}\\, L_k, \\qquad G_{\\mathrm{root}} = L_{\\mathrm{root}}$$\n"
         "local: $(J, 4, 4)$; parents: a list of $J$ ints, $-1$ for the root, every parent before its "
         "children. Returns $(J, 4, 4)$."),
    mistakes=(
        CodeMistake("child-first-order", "Compose parent first, $G_k = G_{\\mathrm{parent}} L_k$: the local "
                    "transform is expressed in the parent's frame.", f"{_SKIN}:fk_child_first"),
        CodeMistake("no-parent-chain", "Each joint inherits its parent's world transform; the local "
                    "transforms alone are relative to the parent.", f"{_SKIN}:fk_no_chain"),
    ),
    hint="Go through the joints in order: a parent's world transform is ready before its children need it.",
)

SOFT_ARGMAX_EXERCISE = Exercise(
    function="soft_argmax",
    solution=f"{_HEAT}:soft_argmax",
    oracle=f"{_HEAT}:soft_argmax_oracle",
    cases=f"{_HEAT}:soft_argmax_cases",
    doc=("The expected pixel position under the softmax of each heatmap:\n"
         "$$(\\hat{x}, \\hat{y}) = \\sum_{y, x} \\mathrm{softmax}(\\beta h)_{y, x}\\,(x, y)$$\n"
         "heatmaps: $(N, J, H, W)$; beta: a float. Pixels count from 0 ($x$ the column, $y$ the row); the "
         "softmax runs over all $H W$ pixels of a map. Returns $(N, J, 2)$ as $(\\hat{x}, \\hat{y})$."),
    mistakes=(
        CodeMistake("hard-argmax", "The soft-argmax averages every pixel's position; the hard argmax is not "
                    "differentiable.", f"{_HEAT}:soft_argmax_hard"),
        CodeMistake("softmax-per-row", "Take the softmax over all pixels of a map at once, not row by row.",
                    f"{_HEAT}:soft_argmax_per_row"),
        CodeMistake("swapped-coordinates", "Return $(x, y)$: $x$ indexes columns (the last axis).",
                    f"{_HEAT}:soft_argmax_swapped"),
    ),
    hint="Flatten each map, softmax it, reshape back, then weight the column and row indices.",
)

REFERENCES = [
    Reference("body", "lbs", "Linear blend skinning", oracle="explicit per-vertex matrix products",
              run=f"{_SKIN}:check_lbs", source=_SKIN, tags=("skinning",), exercise=LBS_EXERCISE),
    Reference("body", "forward-kinematics", "Forward kinematics over a kinematic tree",
              oracle="explicit products along each joint's path to the root",
              run=f"{_SKIN}:check_forward_kinematics", source=_SKIN, tags=("kinematics",), exercise=FK_EXERCISE),
    Reference("body", "soft-argmax", "Soft-argmax of heatmaps", oracle="NumPy over the explicit pixel grid",
              run=f"{_HEAT}:check_soft_argmax", source=_HEAT, tags=("heatmaps",), exercise=SOFT_ARGMAX_EXERCISE),
]
