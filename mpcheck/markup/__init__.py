"""The text markup every topic writes, rendered for the terminal, for LaTeX sheets and for Markdown.

A text is prose with LaTeX math inside ``$…$`` (inline) or ``$$…$$`` (display, on its own line):

    The output size is $\\lfloor (n + 2p - k)/s \\rfloor + 1$.
    $$X = \\begin{bmatrix} 1 & 0 \\\\ 2 & 3 \\end{bmatrix}$$

Prose is plain text (a newline is a line break, a blank line a paragraph); ``\\$`` is a dollar
sign. Math is standard amsmath. ``render(text, target)`` turns it into

- ``"terminal"``: readable Unicode (α, xₜ₋₁, √x, ‖x‖, a/b, matrices drawn as aligned rows in
  brackets, ``array`` grids drawn with box-drawing lines, display math as an indented line);
- ``"latex"``: a fragment for a document body (prose escaped, math passed through);
- ``"markdown"``: ``$…$`` Markdown that GitHub and Jupyter typeset (prose escaped).

Rendering never raises: LaTeX it cannot read is shown as it was written. ``lint(text)`` lists
what would not compile or not read well (used by ``mpcheck.testing``).

The package is imported only when a text is shown, never by ``--help`` or the listings.
"""

from __future__ import annotations

TARGETS = ("terminal", "latex", "markdown")


def render(text: str, target: str = "terminal", *, strict: bool = False) -> str:
    """``text`` (prose with ``$…$`` math) for ``target``: "terminal", "latex" or "markdown".

    Never raises: where rendering fails the text is shown as written. ``strict`` (for tests)
    lets the failure through instead."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}: use one of {', '.join(TARGETS)}")
    if target == "terminal":
        from mpcheck.markup.terminal import render_terminal

        return render_terminal(text, strict=strict)
    from mpcheck.markup import paper

    return paper.render(text, target, strict=strict)


def math(latex: str, target: str = "terminal") -> str:
    """One formula (LaTeX math without the dollars), e.g. the output of ``sympy.latex``."""
    if target == "terminal":
        from mpcheck.markup.terminal import render_math

        return render_math(latex)
    return render("$" + latex.replace("$", r"\$") + "$", target)


def lint(text: str) -> list[str]:
    """What is wrong with ``text`` as markup: unbalanced ``$`` or braces, unknown environments or
    commands, Unicode math symbols written instead of LaTeX, SymPy internals. Empty when fine."""
    from mpcheck.markup.check import lint as _lint

    return _lint(text)


__all__ = ["TARGETS", "lint", "math", "render"]
