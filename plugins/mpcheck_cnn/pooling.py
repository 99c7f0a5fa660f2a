"""Max pooling backward, and the three kinds of unpooling.

Max pooling keeps the largest entry of each window, y = max_i x_i, so ∂y/∂x_i = [i = argmax]:
the gradient of each output goes to its window's argmax only, and where windows overlap and
share an argmax, their gradients add up (the multivariate chain rule sums over every path).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Matrix, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import exact_mat, mat, num
from mpcheck_cnn import checks
from mpcheck_cnn import grids as G
from mpcheck_cnn.backward import DELTA
from mpcheck_cnn.sizes import where_it_differs

NONZERO_GRADIENTS = [-3, -2, -1, 1, 2, 3, 4, 5]


def distinct_grid(rng, rows: int, cols: int, lo: int = -9, hi: int = 30) -> list[list[int]]:
    """Small distinct integers, so that no pooling window has a tie."""
    values = [lo + int(v) for v in rng.choice(hi - lo + 1, size=rows * cols, replace=False)]
    return [values[r * cols:(r + 1) * cols] for r in range(rows)]


def maxpool_backward(x, upstream, size: int, stride: int, *, route: str = "argmax",
                     overlap: str = "add") -> list[list[float]]:
    """∂L/∂X for y = maxpool(x). ``route`` and ``overlap`` other than the defaults build mistakes."""
    h, w = G.shape(x)
    grad = G.zeros(h, w)
    for i, j, top, left in G.windows(h, w, size, stride):
        if route == "argmax":
            # ∂y/∂x = [x is the window's max]: only the argmax receives δ
            targets, share = [G.argmax_in_window(x, top, left, size)], upstream[i][j]
        else:
            cells = [(r, c) for r in range(top, top + size) for c in range(left, left + size)]
            targets = cells
            share = upstream[i][j] / (size * size) if route == "average" else upstream[i][j]
        for r, c in targets:
            # windows that share an argmax each contribute: gradients add
            grad[r][c] = grad[r][c] + share if overlap == "add" else share
    return G.as_numbers(grad)


def _solve_pool(p: dict, **kw) -> list[list[float]]:
    return maxpool_backward(p["input"], p["upstream"], p["size"], p["stride"], **kw)


def _sample_pool(rng) -> dict:
    while True:
        size = sampling.pick(rng, [2, 2, 3])
        stride = sampling.pick(rng, [size, size, 1, 2])
        h, w = sampling.ints(rng, size + 1, 5), sampling.ints(rng, size + 1, 5)
        rows, cols = (G.out_size(n, size, 0, stride) for n in (h, w))
        if 2 <= rows <= 4 and 2 <= cols <= 4:
            break
    upstream = [[sampling.pick(rng, NONZERO_GRADIENTS) for _ in range(cols)] for _ in range(rows)]
    return {"input": distinct_grid(rng, h, w), "size": size, "stride": stride, "upstream": upstream}


def _validate_pool(p: dict) -> None:
    P.check_keys(p, ("input", "size", "stride", "upstream"))
    x = checks.grid(p, "input")
    checks.grid(p, "upstream")
    checks.sizes(p, size=(1, checks.MAX_GRID), stride=(1, checks.MAX_GRID))
    h, w = G.shape(x)
    if p["size"] > min(h, w):
        raise ParamsError(f"params: the {p['size']}×{p['size']} window does not fit the {h}×{w} input")
    rows, cols = (G.out_size(n, p["size"], 0, p["stride"]) for n in (h, w))
    if G.shape(p["upstream"]) != (rows, cols):
        raise ParamsError(f"params: 'upstream' must have the pooled shape {rows}×{cols}, "
                          f"got {len(p['upstream'])}×{len(p['upstream'][0])}")


TIE_RULE = ("A window whose maximum is tied routes its gradient to the first maximum in row-major "
            "order (as PyTorch's max_pool2d does).")


def _ties(x, size: int, stride: int) -> bool:
    h, w = G.shape(x)
    return any(G.has_tie(x, top, left, size) for _, _, top, left in G.windows(h, w, size, stride))


def _pool_prompt(p: dict) -> str:
    s = p["size"]
    tie = "\n" + TIE_RULE if _ties(p["input"], s, p["stride"]) else ""
    return (f"Max pooling with a ${s} \\times {s}$ window and stride ${p['stride']}$ (no padding) is applied to\n"
            f"{exact_mat(p['input'], name='X')}\nThe upstream gradient of the pooled output is\n"
            f"{exact_mat(p['upstream'], name=DELTA)}\nCompute $\\partial L/\\partial X$.{tie}")


def _pool_solution(p: dict) -> str:
    x, d, s = p["input"], p["upstream"], p["size"]
    h, w = G.shape(x)
    lines = ["Max pooling passes each output's gradient to the position of its window's maximum only; "
             "every other entry of the window gets 0."]
    tie_note = False
    for i, j, top, left in G.windows(h, w, s, p["stride"]):
        r, c = G.argmax_in_window(x, top, left, s)
        tie = G.has_tie(x, top, left, s)
        tie_note |= tie
        note = " (a tie: the first maximum in row-major order, as PyTorch picks)" if tie else ""
        lines.append(f"Window $({i}, {j})$, rows {top} to {top + s - 1} and columns {left} to {left + s - 1}: "
                     f"the maximum ${num(x[r][c])}$ is at $X[{G.at(r, c)}]${note}, which receives "
                     f"$\\delta[{G.at(i, j)}] = {num(d[i][j])}$.")
    if p["stride"] < s:
        lines.append("The windows overlap: where several windows pick the same entry, their gradients add.")
    covered = [(G.out_size(n, s, 0, p["stride"]) - 1) * p["stride"] + s for n in (h, w)]
    if covered != [h, w]:
        lines.append("Rows or columns that no window reaches (the size formula rounds down) get gradient 0.")
    if tie_note:
        lines.append("With a tie the maximum is not differentiable; PyTorch's max_pool2d routes the "
                     "gradient to the first maximum it meets scanning the window row by row.")
    lines.append(mat(_solve_pool(p), name=r"\partial L/\partial X"))
    return "\n".join(lines)


MAXPOOL_BACKWARD = Generator(
    id="cnn.maxpool-backward",
    title="Backpropagation through max pooling",
    answer_kind=Matrix(),
    sample_params=_sample_pool,
    validate_params=_validate_pool,
    solve=_solve_pool,
    prompt=_pool_prompt,
    solution=_pool_solution,
    hints=lambda p: [r"$\partial \max(x_1, \ldots, x_n)/\partial x_i$ is 1 for the largest $x_i$ and 0 for the others.",
                     "If windows overlap, one input can be the max of several windows: add their gradients."],
    mistakes=(
        Mistake("gradient-spread-over-window", "Max pooling routes the gradient to the argmax only, "
                "not to every entry of the window.", lambda p: _solve_pool(p, route="spread")),
        Mistake("average-pool-gradient", "That is the gradient of average pooling: max pooling sends "
                "the whole gradient to the argmax.", lambda p: _solve_pool(p, route="average")),
        Mistake("overlaps-not-summed", "An entry that is the max of several overlapping windows "
                "receives the sum of their gradients, not just one.",
                where_it_differs(lambda p: _solve_pool(p, overlap="last"), _solve_pool)),
    ),
    tags=("pooling", "backprop"),
    difficulty=2,
)


# ---------------------------------------------------------------------------------------------
# Unpooling
# ---------------------------------------------------------------------------------------------

KINDS = ("nearest", "bed-of-nails", "max-unpool")
KIND_TEXT = {"nearest": "nearest-neighbour unpooling (copy each value into its whole block)",
             "bed-of-nails": "bed-of-nails unpooling (value in the top-left of its block, zeros elsewhere)",
             "max-unpool": "max-unpooling (each value goes to the position of its block's maximum in A)"}


def unpool(y, factor: int, kind: str, pooled_from=None) -> list[list[float]]:
    h, w = G.shape(y)
    out = G.zeros(h * factor, w * factor)
    for i in range(h):
        for j in range(w):
            top, left = i * factor, j * factor
            if kind == "nearest":
                # out[i·f + a, j·f + b] = y[i, j] for every a, b < f
                for r in range(top, top + factor):
                    for c in range(left, left + factor):
                        out[r][c] = y[i][j]
            elif kind == "bed-of-nails":
                out[top][left] = y[i][j]
            else:
                # the value returns to where the max of this block was when pooling
                r, c = G.argmax_in_window(pooled_from, top, left, factor)
                out[r][c] = y[i][j]
    return G.as_numbers(out)


def _solve_unpool(p: dict, kind: str | None = None) -> list[list[float]]:
    return unpool(p["input"], p["factor"], kind or p["kind"], p.get("pooled_from"))


def _sample_unpool(rng) -> dict:
    kind = sampling.pick(rng, list(KINDS))
    factor = 2 if kind == "max-unpool" else sampling.pick(rng, [2, 2, 3])
    # at most 6×6 cells to fill by hand (and to type)
    h, w = (2, 2) if factor == 3 else sampling.pick(rng, [(2, 2), (2, 3), (3, 2)])
    p = {"kind": kind, "input": [[sampling.pick(rng, NONZERO_GRADIENTS) for _ in range(w)] for _ in range(h)],
         "factor": factor}
    if kind == "max-unpool":
        p["pooled_from"] = distinct_grid(rng, h * factor, w * factor, 0, 40)
    return p


def _validate_unpool(p: dict) -> None:
    P.check_keys(p, ("kind", "input", "factor"), ("pooled_from",))
    kind = P.one_of(p, "kind", KINDS)
    y = checks.grid(p, "input", max_dim=8)
    checks.sizes(p, factor=(1, 4))
    if kind == "max-unpool":
        if "pooled_from" not in p:
            raise ParamsError("params: max-unpool needs 'pooled_from', the input of the max pooling")
        a = checks.grid(p, "pooled_from", max_dim=32)
        h, w = G.shape(y)
        if G.shape(a) != (h * p["factor"], w * p["factor"]):
            raise ParamsError(f"params: 'pooled_from' must be {h * p['factor']}×{w * p['factor']} "
                              f"(the input times the factor), got {len(a)}×{len(a[0])}")


def _unpool_prompt(p: dict) -> str:
    f = p["factor"]
    lines = []
    if p["kind"] == "max-unpool":
        lines.append(f"Earlier, ${f} \\times {f}$ max pooling with stride ${f}$ was applied to\n"
                     f"{exact_mat(p['pooled_from'], name='A')}")
        if _ties(p["pooled_from"], f, f):
            lines.append("A block whose maximum is tied remembers the first maximum in row-major order "
                         "(as PyTorch's max_pool2d does).")
    lines.append(f"Upsample $Y$ by a factor of ${f}$ using {KIND_TEXT[p['kind']]}:\n{exact_mat(p['input'], name='Y')}")
    lines.append("Give the upsampled matrix.")
    return "\n".join(lines)


def _unpool_solution(p: dict) -> str:
    f, y = p["factor"], p["input"]
    lines = [f"Each entry $Y[i, j]$ owns the ${f} \\times {f}$ block at rows ${f}i$ to ${f}i + {f - 1}$ "
             f"and columns ${f}j$ to ${f}j + {f - 1}$."]
    if p["kind"] == "nearest":
        lines.append("Nearest neighbour copies the value into every cell of its block.")
    elif p["kind"] == "bed-of-nails":
        lines.append("Bed of nails puts the value in the top-left cell of its block; the rest stays 0.")
    else:
        lines.append("Max-unpooling puts each value where its block's maximum was in $A$ (the switches), "
                     "zeros elsewhere:")
        for i in range(len(y)):
            for j in range(len(y[0])):
                r, c = G.argmax_in_window(p["pooled_from"], i * f, j * f, f)
                tie = " (a tie: the first in row-major order, as PyTorch keeps)" if G.has_tie(
                    p["pooled_from"], i * f, j * f, f) else ""
                lines.append(f"Block $({i}, {j})$: the maximum of $A$ is ${num(p['pooled_from'][r][c])}$ at "
                             f"$({G.at(r, c)})${tie}, so $Y[{G.at(i, j)}] = {num(y[i][j])}$ goes there.")
    lines.append(mat(_solve_unpool(p), name=r"\text{result}"))
    return "\n".join(lines)


def _other_kind(kind: str):
    return lambda p: _solve_unpool(p, kind) if p["kind"] != kind else None


def _copied_maxima(p: dict):
    if p["kind"] != "max-unpool":
        return None
    a, f = p["pooled_from"], p["factor"]
    maxima = [[max(a[r][c] for r in range(i * f, i * f + f) for c in range(j * f, j * f + f))
               for j in range(len(p["input"][0]))] for i in range(len(p["input"]))]
    return unpool(maxima, f, "max-unpool", a)


UNPOOLING = Generator(
    id="cnn.unpooling",
    title="Unpooling: nearest neighbour, bed of nails, max-unpooling",
    answer_kind=Matrix(),
    sample_params=_sample_unpool,
    validate_params=_validate_unpool,
    solve=_solve_unpool,
    prompt=_unpool_prompt,
    solution=_unpool_solution,
    hints=lambda p: [r"Every input value owns one $f \times f$ block of the output, $f$ the factor.",
                     "Nearest neighbour fills the block; bed of nails uses one corner; max-unpooling "
                     "uses the position of the max during pooling."],
    mistakes=(
        Mistake("used-nearest-neighbour", "You filled the whole block: only nearest-neighbour unpooling "
                "copies the value everywhere.", _other_kind("nearest")),
        Mistake("used-bed-of-nails", "You put every value in the top-left corner (bed of nails).",
                _other_kind("bed-of-nails")),
        Mistake("copied-forward-maxima", "You unpooled the maxima of $A$: max-unpooling places the values of $Y$ "
                "at the remembered positions.", _copied_maxima),
    ),
    tags=("pooling", "upsampling"),
)

GENERATORS = [MAXPOOL_BACKWARD, UNPOOLING]
