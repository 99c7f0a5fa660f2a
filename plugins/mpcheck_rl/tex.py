"""A SymPy symbol that prints as the LaTeX it is named by.

SymPy reads ``_`` and ``^`` in a symbol's name as sub- and superscripts, so a name such as
``\\|V - U\\|_\\infty`` or ``\\nabla_\\theta J`` comes out mangled; a ``tex`` symbol is printed verbatim
(LaTeX) or as its name (text), and is otherwise an ordinary symbol for the checks.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm


class TexSymbol(sp.Symbol):
    def _latex(self, printer) -> str:
        return self.name

    def _pretty(self, printer) -> prettyForm:
        return prettyForm(self.name)


def tex(latex: str, **assumptions) -> TexSymbol:
    return TexSymbol(latex, **assumptions)
