"""Reading LaTeX math into a small tree: symbols, groups, fractions, roots, accents, fonts,
scripts and environments (matrices, arrays, cases, aligned).

The reader is forgiving: a missing brace ends the group at the end of the input, an unknown
command becomes an ``Unknown`` node that renders as written, and every problem found is noted
in ``Parser.issues`` (``mpcheck.markup.lint`` reports them) instead of raising.
"""

from __future__ import annotations

import re
from mpcheck.markup import symbols as S

TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.DOTALL)


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


# commands that take arguments or change how what follows is read
FRACS = {"\\frac", "\\dfrac", "\\tfrac", "\\cfrac"}
TEXT_COMMANDS = {"\\text", "\\textrm", "\\textbf", "\\textit", "\\textsf", "\\texttt", "\\mbox",
                 "\\textnormal", "\\textup", "\\emph"}
PLAIN_FONTS = {"\\mathrm", "\\mathit", "\\mathbf", "\\mathsf", "\\mathtt", "\\boldsymbol", "\\bm",
               "\\mathnormal", "\\boxed", "\\underbrace", "\\overbrace", "\\displaystyle"}
LETTER_FONTS = {"\\mathbb", "\\mathcal", "\\mathfrak", "\\mathscr"}
SIZED = {"\\left", "\\right", "\\middle", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr",
         "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\Biggl", "\\Biggr", "\\bigm", "\\Bigm"}
IGNORED = {"\\limits", "\\nolimits", "\\displaystyle", "\\textstyle", "\\scriptstyle",
           "\\scriptscriptstyle", "\\nonumber", "\\notag", "\\cline", "\\relax", "\\allowbreak",
           "\\mathstrut", "\\strut"}
SKIP_ARGUMENT = {"\\label", "\\tag", "\\vphantom", "\\color", "\\cline", "\\hspace", "\\vspace"}
SPACES = {"\\,": 1, "\\:": 1, "\\;": 1, "\\>": 1, "\\ ": 1, "\\quad": 2, "\\qquad": 4, "\\!": 0,
          "\\enspace": 1, "\\thinspace": 1, "~": 1}
ENVIRONMENTS = {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix",
                "array", "cases", "dcases", "aligned", "gathered", "split", "alignedat"}


class Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(source)]
        self.i = 0
        self.issues: list[str] = []
        self.lefts = 0  # \left without its \right so far

    # -- tokens -----------------------------------------------------------------------------

    def peek(self, skip_space: bool = True) -> str | None:
        j = self.i
        while skip_space and j < len(self.tokens) and self.tokens[j][0].isspace():
            j += 1
        return self.tokens[j][0] if j < len(self.tokens) else None

    def next(self) -> str | None:
        self.skip_space()
        if self.i >= len(self.tokens):
            return None
        token = self.tokens[self.i][0]
        self.i += 1
        return token

    def skip_space(self) -> None:
        while self.i < len(self.tokens) and self.tokens[self.i][0].isspace():
            self.i += 1

    def raw_group(self) -> str:
        """The source text of a ``{…}`` argument, braces balanced; a single token without braces."""
        if self.peek() != "{":
            token = self.next()
            return token or ""
        self.next()
        start = self.tokens[self.i][1] if self.i < len(self.tokens) else len(self.source)
        depth = 1
        while self.i < len(self.tokens):
            token, begin, _ = self.tokens[self.i]
            self.i += 1
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    return self.source[start:begin]
        self.issues.append("missing } after " + self.source[start:start + 20])
        return self.source[start:]

    # -- structure --------------------------------------------------------------------------

    def sequence(self, stops: frozenset = frozenset()) -> list:
        """Nodes up to a stop token (not consumed), the end of a group, or the end of input."""
        items: list = []
        while True:
            token = self.peek()
            if token is None or token in stops or token == "}" and "}" in stops:
                return items
            if token == "}":
                self.next()
                self.issues.append("unbalanced }")
                continue
            if token in ("&", "\\\\") and "&" not in stops:
                self.next()
                self.issues.append(f"{token} outside an environment")
                items.append(Space(1))
                continue
            if token == "\\end":
                self.next()
                self.issues.append("\\end{" + self.raw_group() + "} without its \\begin")
                continue
            node = self.atom()
            if node is not None:
                items.append(self.scripts(node))

    def group(self) -> list:
        """After ``{``: the nodes up to the matching ``}`` (consumed)."""
        items = self.sequence(frozenset({"}"}))
        if self.peek() == "}":
            self.next()
        else:
            self.issues.append("missing }")
        return items

    def argument(self) -> list:
        """One argument of a command: a braced group or a single token."""
        token = self.peek()
        if token is None:
            self.issues.append("a command is missing its argument")
            return []
        if token == "{":
            self.next()
            return self.group()
        if token == "}":
            self.issues.append("a command is missing its argument")
            return []
        node = self.atom()
        return [node] if node is not None else []

    def scripts(self, base) -> object:
        sub = sup = None
        primes = 0
        while True:
            token = self.peek(skip_space=True)
            if token in ("\\limits", "\\nolimits"):
                self.next()
            elif token == "'":
                self.next()
                primes += 1
            elif token in ("^", "_"):
                self.next()
                arg = self.argument()
                if token == "^":
                    sup = arg if sup is None else sup + arg
                else:
                    sub = arg if sub is None else sub + arg
            else:
                break
        if sub is None and sup is None and not primes:
            return base
        return Script(base, sub, sup, primes)

    def atom(self):
        token = self.next()
        if token is None:
            return None
        if token == "{":
            return Group(self.group())
        if token in ("^", "_"):
            self.i -= 1
            return Sym("")  # a script with no base: scripts() picks it up
        if token.isdigit():
            return Sym(self._number(token))
        if token == "~":
            return Space(1)
        if token.startswith("\\"):
            return self.command(token)
        return Sym(*S.char(token))

    def _number(self, first: str) -> str:
        digits = [first]
        while self.i < len(self.tokens):
            token = self.tokens[self.i][0]
            if token.isdigit():
                digits.append(token)
            elif token == "." and self.i + 1 < len(self.tokens) and self.tokens[self.i + 1][0].isdigit():
                digits.append(token)
            else:
                break
            self.i += 1
        return "".join(digits)

    def command(self, name: str):
        if name in FRACS:
            return Frac(self.argument(), self.argument())
        if name == "\\binom":
            return Frac(self.argument(), self.argument(), binom=True)
        if name == "\\sqrt":
            index = None
            if self.peek() == "[":
                self.next()
                index = self.sequence(frozenset({"]"}))
                self.next()
            return Sqrt(self.argument(), index)
        if name in S.ACCENTS:
            return Accent(S.ACCENTS[name], self.argument())
        if name in TEXT_COMMANDS:
            return TextRun(self.raw_group())
        if name in PLAIN_FONTS:
            return Styled("plain", self.argument())
        if name in ("\\operatorname", "\\operatorname*"):
            return Styled("op", self.argument())
        if name in LETTER_FONTS:
            return Styled(name[1:], self.argument())
        if name in SIZED:
            return self._delimiter(name)
        if name == "\\begin":
            return self.environment(self.raw_group().strip())
        if name == "\\hline":
            return HLine()
        if name in SKIP_ARGUMENT:
            self.raw_group()
            return None
        if name == "\\textcolor":
            self.raw_group()
            return Group(self.argument())
        if name in IGNORED:
            return None
        if name in ("\\overset", "\\stackrel"):
            above = self.argument()
            return Script(Group(self.argument()), None, above)
        if name == "\\underset":
            below = self.argument()
            return Script(Group(self.argument()), below, None)
        if name in ("\\phantom", "\\hphantom"):
            self.raw_group()
            return Space(1)
        if name == "\\not":
            following = self.atom()
            if isinstance(following, Sym):
                return Sym(following.text + "\u0338", "rel")
            return following
        if name == "\\pmod":
            return Group([Space(1), Sym("("), Sym("mod", "op"), *self.argument(), Sym(")")])
        if name in ("\\xrightarrow", "\\xleftarrow"):
            if self.peek() == "[":
                self.sequence(frozenset({"]"}))
                self.next()
            self.argument()
            return Sym("→" if name == "\\xrightarrow" else "←", "rel")
        if name == "\\substack":
            rows = self.environment_rows("substack", braced=True)
            joined: list = []
            for row in rows:
                if joined:
                    joined += [Sym(",", "punct")]
                joined += [node for cell in row for node in cell]
            return Group(joined)
        if name in SPACES:
            return Space(SPACES[name])
        if name == "\\\\":
            return Sym("\\\\")  # only reached where a line break means nothing: shown as written
        symbol = S.command(name)
        if symbol is not None:
            return Sym(*symbol)
        self.issues.append(f"unknown command {name}")
        return Unknown(name)

    def _delimiter(self, name: str):
        token = self.next()
        if token is None:
            return None
        text = S.delimiter(token)
        if text is None:
            self.issues.append(f"{name} needs a delimiter, got {token}")
            text = token
        if name == "\\left":
            self.lefts += 1
        elif name == "\\right":
            self.lefts -= 1
            if self.lefts < 0:
                self.issues.append("\\right without its \\left")
                self.lefts = 0
        if name in ("\\left", "\\bigl", "\\Bigl", "\\biggl", "\\Biggl"):
            cls = "open"
        elif name in ("\\right", "\\bigr", "\\Bigr", "\\biggr", "\\Biggr"):
            cls = "close"
        elif name in ("\\middle", "\\bigm", "\\Bigm"):
            cls = "rel"
        else:
            cls = S.char(text)[1] if len(text) == 1 else "ord"
        return Sym(text, cls) if text else Group([])

    # -- environments -----------------------------------------------------------------------

    def environment(self, name: str):
        if name not in ENVIRONMENTS:
            self.issues.append(f"unknown environment {name!r} (inside math use one of: "
                               f"{', '.join(sorted(ENVIRONMENTS))})")
        spec = ""
        if name in ("array", "alignedat"):
            spec = self.raw_group()
        rows = self.environment_rows(name)
        hlines: set[int] = set()
        clean_rows = []
        for row in rows:
            # \hline at the start of a row draws a rule above it
            first = row[0] if row else []
            while first and isinstance(first[0], HLine):
                hlines.add(len(clean_rows))
                first.pop(0)
            clean_rows.append([[n for n in cell if not isinstance(n, HLine)] for cell in row])
        if clean_rows and all(not cell for cell in clean_rows[-1]):
            clean_rows.pop()  # a trailing \\ (often before a closing \hline)
        return Env(name, spec, clean_rows, hlines)

    def environment_rows(self, name: str, braced: bool = False) -> list:
        """Rows of cells up to ``\\end{name}`` (or the closing brace of ``\\substack{…}``)."""
        if braced:
            if self.peek() != "{":
                return []
            self.next()
        stops = frozenset({"&", "\\\\", "}" if braced else "\\end"})
        rows: list = [[]]
        while True:
            cell = self.sequence(stops)
            rows[-1].append(cell)
            token = self.next()
            if token == "&":
                continue
            if token == "\\\\":
                if self.peek() == "[":  # \\[2pt]: extra space, nothing to show
                    self.sequence(frozenset({"]"}))
                    self.next()
                rows.append([])
                continue
            if token == "\\end":
                closing = self.raw_group().strip()
                if closing != name:
                    self.issues.append(f"\\begin{{{name}}} ended by \\end{{{closing}}}")
                return rows
            if token == "}" and braced:
                return rows
            self.issues.append(f"\\begin{{{name}}} is never ended")
            return rows


def parse(source: str) -> tuple[list, list[str]]:
    """The nodes of ``source`` and the problems found reading it."""
    parser = Parser(source)
    items = parser.sequence()
    if parser.lefts:
        parser.issues.append("\\left without its \\right")
    return items, parser.issues
