"""The nodes of a formula's tree (``mpcheck.markup.mathtree`` reads LaTeX into them)."""

from __future__ import annotations


class Node:
    """A node of the tree; subclasses list their fields in ``__slots__`` (plain classes: this
    module loads when the first formula is shown, so it keeps its import cheap)."""

    __slots__ = ()

    def __init__(self, *args):
        for name, value in zip(self.__slots__, args):
            setattr(self, name, value)
        for name in self.__slots__[len(args):]:
            setattr(self, name, self._defaults.get(name))

    _defaults: dict = {}

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Sym(Node):
    """A symbol and how TeX spaces it: ord, bin, rel, open, close, punct or op."""
    __slots__ = ("text", "cls")
    _defaults = {"cls": "ord"}


class Group(Node):
    __slots__ = ("items",)


class Frac(Node):
    __slots__ = ("num", "den", "binom")
    _defaults = {"binom": False}


class Sqrt(Node):
    __slots__ = ("body", "index")


class Accent(Node):
    """``mark`` is the combining character that the terminal puts on each letter."""
    __slots__ = ("mark", "body")


class Styled(Node):
    """``font``: "plain", "op" (an operator name) or a letter font ("mathbb", "mathcal", …)."""
    __slots__ = ("font", "body")


class TextRun(Node):
    """``\\text{…}``: text mode, itself markup (it may hold $…$)."""
    __slots__ = ("text",)


class Script(Node):
    __slots__ = ("base", "sub", "sup", "primes")
    _defaults = {"primes": 0}


class Space(Node):
    __slots__ = ("width",)


class Env(Node):
    """An environment: rows of cells (lists of nodes); ``hlines`` holds the row boundaries
    (0 = above the first row) that have an ``\\hline``."""
    __slots__ = ("name", "spec", "rows", "hlines")


class Unknown(Node):
    __slots__ = ("text",)


class HLine(Node):
    """``\\hline`` inside an environment (turned into ``Env.hlines``)."""
    __slots__ = ()
