"""Masks that make a network autoregressive: MADE's weight masks and PixelCNN's kernel masks.

MADE (Germain et al. 2015) gives every unit a degree: input x_d the position m⁰(d) of x_d in the
order, hidden unit k a number m¹(k) in 1..D−1. With weights stored like nn.Linear (rows: units of
the next layer, columns: units of the previous one) the masks are

    input → hidden:   M[k, d] = 1  if m¹(k) ≥ m⁰(d)
    hidden → output:  M[d, k] = 1  if m⁰(d) > m¹(k)      (strict: x̂_d must not see x_d)

PixelCNN (van den Oord et al. 2016) orders pixels row by row. A k × k kernel (k odd) keeps the rows
above the centre and the pixels left of the centre; the centre itself is kept by mask B and dropped
by mask A (the first layer, which must not see the pixel it predicts). With colours predicted
R, then G, then B, the centre of the kernel from input colour c_in to output colour c_out is kept
when c_in comes before c_out (mask A) or is c_out or before it (mask B).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck.text import vec
from mpcheck_autoregressive import checks
from mpcheck_autoregressive.kinds import Mask
from mpcheck_autoregressive.latex import matrix_display

MAX_INPUTS = 12
MAX_HIDDEN = 16
MAX_KERNEL = 15
COLOURS = ("R", "G", "B")
Grid = list[list[int]]


# --- MADE ------------------------------------------------------------------------------------

def made_mask(input_degrees: list[int], hidden_degrees: list[int], which: str, strict_input: bool = False,
              strict_output: bool = True) -> Grid:
    """The 0/1 mask of the input→hidden (H × D) or hidden→output (D × H) weights."""
    if which == "input":
        # M[k, d] = 1 if m¹(k) ≥ m⁰(d)
        return [[int(mk > md if strict_input else mk >= md) for md in input_degrees] for mk in hidden_degrees]
    # M[d, k] = 1 if m⁰(d) > m¹(k)
    return [[int(md > mk if strict_output else md >= mk) for mk in hidden_degrees] for md in input_degrees]


def _solve_made(p: dict) -> Grid:
    return made_mask(p["input_degrees"], p["hidden_degrees"], p["mask"])


def _sample_made(rng) -> dict:
    d = sampling.ints(rng, 3, 5)
    order = [int(v) + 1 for v in rng.permutation(d)] if rng.random() < 0.75 else list(range(1, d + 1))
    h = sampling.pick(rng, [n for n in range(3, 7) if n != d])
    return {"input_degrees": order, "hidden_degrees": sampling.ints(rng, 1, d - 1, h),
            "mask": sampling.pick(rng, ["input", "output"])}


def _validate_made(p: dict) -> None:
    P.check_keys(p, ("input_degrees", "hidden_degrees", "mask"))
    P.one_of(p, "mask", ("input", "output"))
    order = checks.int_list(p, "input_degrees", 1, MAX_INPUTS, min_length=2, max_length=MAX_INPUTS)
    d = len(order)
    if sorted(order) != list(range(1, d + 1)):
        raise ParamsError(f"params: 'input_degrees' must be a permutation of 1..{d} (the position of each "
                          f"input in the order), got {p['input_degrees']}")
    hidden = checks.int_list(p, "hidden_degrees", 0, MAX_INPUTS, max_length=MAX_HIDDEN)
    if any(not 1 <= m <= d - 1 for m in hidden):
        raise ParamsError(f"params: 'hidden_degrees' must lie in 1..{d - 1} (a hidden unit of degree 0 or "
                          f"{d} would see no input or feed no output), got {p['hidden_degrees']}")


def _made_prompt(p: dict) -> str:
    d, h = len(p["input_degrees"]), len(p["hidden_degrees"])
    if p["mask"] == "input":
        which = (f"the input-to-hidden weights $W$ ({h} rows for the hidden units $k$, {d} columns for "
                 "the inputs $x_d$)")
    else:
        which = (f"the hidden-to-output weights $V$ ({d} rows for the outputs $\\hat{{x}}_d$, {h} columns "
                 "for the hidden units $k$)")
    return (f"A MADE over $D = {d}$ inputs has input degrees $m^0 = {vec(p['input_degrees'])}$: "
            "$x_d$ is variable number $m^0(d)$ of the autoregressive order, and output $\\hat{x}_d$ "
            "models the conditional of $x_d$ given the variables before it.\n"
            f"Its one hidden layer has {h} units with degrees $m^1 = {vec(p['hidden_degrees'])}$.\n"
            f"Give the 0/1 mask of {which}: 1 where the connection is kept, 0 where it is cut.")


def _made_solution(p: dict) -> str:
    order, hidden, mask = p["input_degrees"], p["hidden_degrees"], _solve_made(p)
    if p["mask"] == "input":
        lines = ["A hidden unit of degree $m^1(k)$ may depend on the inputs of degree up to its own: "
                 "$M_{kd} = 1$ if $m^1(k) \\ge m^0(d)$."]
        for k, mk in enumerate(hidden, 1):
            seen = [f"x_{{{d}}}" for d, md in enumerate(order, 1) if md <= mk]
            lines.append(f"Row ${k}$ ($m^1 = {mk}$): inputs of degree $\\le {mk}$, i.e. ${', '.join(seen)}$.")
    else:
        lines = ["Output $\\hat{x}_d$ may only see hidden units of strictly lower degree, so that no path "
                 "leads from $x_d$ (or a later variable) to $\\hat{x}_d$: $M_{dk} = 1$ if $m^0(d) > m^1(k)$."]
        for d, md in enumerate(order, 1):
            seen = [str(k) for k, mk in enumerate(hidden, 1) if mk < md]
            kept = (f"hidden unit{'s' if len(seen) > 1 else ''} ${', '.join(seen)}$" if seen
                    else "no hidden unit")
            lines.append(f"Row ${d}$ ($m^0 = {md}$): units of degree $< {md}$: {kept}.")
    lines.append(matrix_display("M", mask))
    return "\n".join(lines)


def _made_wrong(p: dict, **changes) -> Grid:
    args = {"input_degrees": p["input_degrees"], "hidden_degrees": p["hidden_degrees"], "which": p["mask"],
            **changes}
    return made_mask(**args)


def _natural_order(p: dict) -> Grid | None:
    natural = list(range(1, len(p["input_degrees"]) + 1))
    return None if p["input_degrees"] == natural else _made_wrong(p, input_degrees=natural)


def _transposed(grid: Grid) -> Grid:
    return [list(column) for column in zip(*grid)]


MADE_MASK = Generator(
    id="autoregressive.made-mask",
    title="MADE weight mask from the unit degrees",
    answer_kind=Mask(),
    sample_params=_sample_made,
    validate_params=_validate_made,
    solve=_solve_made,
    prompt=_made_prompt,
    solution=_made_solution,
    hints=lambda p: ["Hidden unit $k$ keeps input $d$ when $m^1(k) \\ge m^0(d)$.",
                     "Output $d$ keeps hidden unit $k$ only when $m^0(d) > m^1(k)$: strictly, or "
                     "$\\hat{x}_d$ would see $x_d$."],
    mistakes=(
        Mistake("mask-includes-diagonal", "With $\\ge$ in the output mask, $\\hat{x}_d$ reaches hidden units of "
                "its own degree, which see $x_d$: the model could copy its input. The output mask is strict, "
                "$m^0(d) > m^1(k)$.",
                lambda p: _made_wrong(p, strict_output=False) if p["mask"] == "output" else None),
        Mistake("strict-input-mask", "A hidden unit of degree $m$ may see the inputs of degree up to $m$ "
                "($\\ge$); only the output mask is strict.",
                lambda p: _made_wrong(p, strict_input=True) if p["mask"] == "input" else None),
        Mistake("ignored-order", "You used the index $d$ as the degree. The degree of $x_d$ is its position "
                "in the order, $m^0(d)$.", _natural_order),
        Mistake("mask-transposed", "Rows are the units the weights feed into, columns the units they come "
                "from (like nn.Linear's weight).", lambda p: _transposed(_solve_made(p))),
    ),
    tags=("made", "masks"),
    difficulty=2,
)


# --- PixelCNN --------------------------------------------------------------------------------

def centre_kept(mask: str, colours: tuple[str, str] | None, reverse: bool = False) -> bool:
    """Whether the centre tap is kept, for greyscale or from input colour to output colour."""
    if colours is None:
        return mask == "B"
    order = COLOURS[::-1] if reverse else COLOURS
    c_in, c_out = (order.index(c) for c in colours)
    return c_in < c_out or (mask == "B" and c_in == c_out)


def kernel_mask(k: int, centre: bool, rows_below: bool = False) -> Grid:
    """Rows above the centre kept, pixels left of the centre kept, the centre as given."""
    c = k // 2
    grid = [[int(i < c or (i == c and j < c) or (rows_below and i > c)) for j in range(k)] for i in range(k)]
    grid[c][c] = int(centre)
    return grid


def _colours(p: dict) -> tuple[str, str] | None:
    return (p["input_colour"], p["output_colour"]) if "input_colour" in p else None


def _solve_pixel(p: dict) -> Grid:
    return kernel_mask(p["kernel_size"], centre_kept(p["mask"], _colours(p)))


def _sample_pixel(rng) -> dict:
    p = {"kernel_size": sampling.pick(rng, [3, 3, 3, 5, 5]), "mask": sampling.pick(rng, ["A", "B"])}
    if rng.random() < 0.5:
        p["input_colour"] = sampling.pick(rng, list(COLOURS))
        p["output_colour"] = sampling.pick(rng, list(COLOURS))
    return p


def _validate_pixel(p: dict) -> None:
    P.check_keys(p, ("kernel_size", "mask"), optional=("input_colour", "output_colour"))
    k = P.integer(p, "kernel_size", 1, MAX_KERNEL)
    if k % 2 == 0:
        raise ParamsError(f"params: 'kernel_size' must be odd (a masked kernel needs a centre), got {k}")
    P.one_of(p, "mask", ("A", "B"))
    if ("input_colour" in p) != ("output_colour" in p):
        raise ParamsError("params: give both 'input_colour' and 'output_colour', or neither (greyscale)")
    if "input_colour" in p:
        P.one_of(p, "input_colour", COLOURS)
        P.one_of(p, "output_colour", COLOURS)


def _pixel_prompt(p: dict) -> str:
    k, colours = p["kernel_size"], _colours(p)
    layer = "the first layer" if p["mask"] == "A" else "a later layer"
    what = ("of a greyscale PixelCNN" if colours is None else
            f"from input colour channel {colours[0]} to output colour channel {colours[1]} of an RGB PixelCNN "
            "(colours are predicted in the order R, G, B)")
    return (f"A PixelCNN generates pixels row by row, left to right. Give the ${k} \\times {k}$ mask "
            f"{p['mask']} ({layer}) of the convolution kernel {what}: 1 where the weight is kept, 0 where it "
            "is zeroed. Row 1 is the top of the kernel; the output pixel sits at the centre.")


def _pixel_solution(p: dict) -> str:
    k, colours = p["kernel_size"], _colours(p)
    c = k // 2 + 1
    above = "row $1$" if c == 2 else f"rows $1$ to ${c - 1}$"
    lines = [f"Raster order: the pixels above the centre ({above}) and left of it in row ${c}$ come earlier, "
             "so they are kept; the pixels right of the centre and the rows below are in the future, so "
             "they are zeroed." if k > 1 else "A $1 \\times 1$ kernel has only the centre."]
    if colours is None:
        lines.append("Greyscale: mask A drops the centre (the first layer must not see the pixel it predicts); "
                     "mask B keeps it (later layers' centre features only hold the past)." if p["mask"] == "A" else
                     "Greyscale, mask B: the centre is kept (in a later layer the centre feature already "
                     "depends only on the past).")
    else:
        c_in, c_out = colours
        kept = centre_kept(p["mask"], colours)
        rule = "before" if p["mask"] == "A" else "before or equal to"
        lines.append(f"Centre: mask {p['mask']} keeps it when the input colour comes {rule} the output colour in "
                     f"R, G, B. Here {c_in} $\\to$ {c_out}: the centre is {'kept' if kept else 'zeroed'}.")
    lines.append(matrix_display("M", _solve_pixel(p)))
    return "\n".join(lines)


def _ab_swapped(p: dict) -> Grid | None:
    other = "A" if p["mask"] == "B" else "B"
    wrong = kernel_mask(p["kernel_size"], centre_kept(other, _colours(p)))
    return None if wrong == _solve_pixel(p) else wrong


def _rows_below(p: dict) -> Grid | None:
    if p["kernel_size"] == 1:
        return None
    return kernel_mask(p["kernel_size"], centre_kept(p["mask"], _colours(p)), rows_below=True)


def _colours_reversed(p: dict) -> Grid | None:
    colours = _colours(p)
    if colours is None or colours[0] == colours[1]:
        return None
    return kernel_mask(p["kernel_size"], centre_kept(p["mask"], colours, reverse=True))


PIXELCNN_MASK = Generator(
    id="autoregressive.pixelcnn-mask",
    title="PixelCNN kernel mask (A or B)",
    answer_kind=Mask(),
    sample_params=_sample_pixel,
    validate_params=_validate_pixel,
    solve=_solve_pixel,
    prompt=_pixel_prompt,
    solution=_pixel_solution,
    hints=lambda p: ["Pixels come row by row: everything above the centre row is the past, and so is "
                     "the left half of the centre row.",
                     "Only the centre depends on the mask type (and, with colours, on R $\\to$ G $\\to$ B)."],
    mistakes=(
        Mistake("mask-a-b-swapped", "Mask A (the first layer) drops the centre, so the pixel cannot see "
                "itself; mask B keeps it. With colours: A keeps only earlier colours at the centre, B also "
                "the same colour.", _ab_swapped),
        Mistake("rows-below-kept", "The rows below the centre come later in raster order: they are "
                "zeroed too, not only the right half of the centre row.", _rows_below),
        Mistake("column-order", "That mask orders pixels column by column. PixelCNN scans rows: the rows "
                "above and the left part of the centre row are kept.",
                lambda p: None if p["kernel_size"] == 1 else _transposed(_solve_pixel(p))),
        Mistake("colour-order-reversed", "Colours are generated R, then G, then B: G may see R at the centre, "
                "not the other way round.", _colours_reversed),
    ),
    tags=("pixelcnn", "masks"),
)

GENERATORS = [MADE_MASK, PIXELCNN_MASK]
