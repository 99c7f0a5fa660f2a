"""The Jacobian of an affine coupling layer is triangular: its log-determinant is Σ s_i.

Three coordinates: x_A = (x_1, x_2) is transformed, x_B = x_3 conditions it. The scale and shift
s_i, t_i are arbitrary functions of x_3 (any network), left undefined, so SymPy's checks hold for
every choice of them.
"""

from __future__ import annotations

import sympy as sp

from mpcheck.derive import Given, Step, Walkthrough, predicate

x1, x2, x3, y1, y2, y3 = sp.symbols("x_1 x_2 x_3 y_1 y_2 y_3", real=True)
s1, s2, t1, t2 = (sp.Function(name, real=True) for name in ("s_1", "s_2", "t_1", "t_2"))
J = sp.MatrixSymbol("J", 3, 3)
J_inv = sp.MatrixSymbol(r"J^{-1}", 3, 3)
det = sp.Function(r"\det")


def forward():
    # y_A = x_A ⊙ exp(s(x_B)) + t(x_B),  y_B = x_B
    return sp.Matrix([x1 * sp.exp(s1(x3)) + t1(x3), x2 * sp.exp(s2(x3)) + t2(x3), x3])


def backward():
    # x_A = (y_A − t(y_B)) ⊙ exp(−s(y_B)),  x_B = y_B
    return sp.Matrix([(y1 - t1(y3)) * sp.exp(-s1(y3)), (y2 - t2(y3)) * sp.exp(-s2(y3)), y3])


def jacobian():
    return forward().jacobian([x1, x2, x3])


def triangular_form():
    d = lambda fn: sp.Derivative(fn(x3), x3)  # noqa: E731
    return sp.ImmutableMatrix([
        [sp.exp(s1(x3)), 0, x1 * sp.exp(s1(x3)) * d(s1) + d(t1)],
        [0, sp.exp(s2(x3)), x2 * sp.exp(s2(x3)) * d(s2) + d(t2)],
        [0, 0, 1]])


def same_matrix(computed, claimed, what: str):
    """SymPy simplifies every entry of the difference to 0, for arbitrary s and t."""
    def test():
        difference = (sp.Matrix(computed()) - sp.Matrix(claimed())).applyfunc(sp.simplify)
        return difference.is_zero_matrix, f"{what}: every entry of the difference simplifies to 0"
    return predicate(test, what, method="symbolic")


def round_trip():
    # substitute the forward pass into the inverse formula: x must come back
    return backward().subs({y1: forward()[0], y2: forward()[1], y3: forward()[2]}, simultaneous=True)


def build() -> Walkthrough:
    y_vector = sp.ImmutableMatrix([y1, y2, y3])
    inverse_jacobian = backward().jacobian([y1, y2, y3])
    return Walkthrough(
        title="The triangular Jacobian of an affine coupling layer",
        assumptions=["$x_A = (x_1, x_2)$ is transformed, $x_B = x_3$ is kept and conditions the transform",
                     "$s_1, s_2, t_1, t_2$ are arbitrary differentiable functions of $x_3$ (any network)"],
        where={det(J): jacobian().det(), det(J_inv): inverse_jacobian.det()},
        steps=[
            Given(sp.Eq(y_vector, sp.ImmutableMatrix(forward()), evaluate=False),
                  "the coupling layer: $y_A = x_A \\odot \\exp(s(x_B)) + t(x_B)$, $y_B = x_B$"),
            Step(sp.Eq(J, triangular_form(), evaluate=False),
                 "the Jacobian $\\frac{\\partial y}{\\partial x}$: $y_B$ does not depend on $x_A$ (zeros below the "
                 "diagonal), and each $y_i$ of $A$ depends on its own $x_i$ only, with slope $e^{s_i}$",
                 check=same_matrix(jacobian, triangular_form, "SymPy's Jacobian of the layer"), practice=None),
            Step(sp.Eq(det(J), sp.exp(s1(x3)) * sp.exp(s2(x3))),
                 "a triangular matrix's determinant is the product of its diagonal: the entries "
                 "$\\partial y_A / \\partial x_B$, where $s'$ and $t'$ sit, never enter",
                 hint="$e^{s_1(x_3)} e^{s_2(x_3)}$"),
            Step(sp.Eq(sp.log(sp.Abs(det(J))), s1(x3) + s2(x3)),
                 "so $\\log|\\det J| = \\sum_i s_i(x_B)$: a sum, in $O(D)$, however complex $s$ is",
                 hint="$s_1(x_3) + s_2(x_3)$"),
            Step(sp.Eq(sp.ImmutableMatrix(backward()), sp.ImmutableMatrix([x1, x2, x3]), evaluate=False),
                 "the inverse needs no inverse of $s$ or $t$: $x_B = y_B$ gives back $s$ and $t$, and "
                 "$x_A = (y_A - t(y_B)) \\odot \\exp(-s(y_B))$ recovers $x$ (checked with $y = f(x)$ substituted)",
                 check=same_matrix(round_trip, lambda: sp.Matrix([x1, x2, x3]), "the inverse after the forward pass"),
                 practice=None),
            Step(sp.Eq(sp.log(sp.Abs(det(J_inv))), -s1(y3) - s2(y3)),
                 "the inverse map's Jacobian is triangular too, with $e^{-s_i}$ on its diagonal: "
                 "$\\log|\\det J^{-1}| = -\\sum_i s_i(y_B)$",
                 hint="$-s_1(y_3) - s_2(y_3)$"),
        ])
