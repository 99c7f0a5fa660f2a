"""The markup for LaTeX documents and for Markdown (GitHub, Jupyter).

Both keep the author's math and escape the prose. A line break in the text stays a line break,
a blank line starts a paragraph, and display math gets a line of its own. In LaTeX, math that
would not compile (an unbalanced brace, an unknown command or environment) is printed as
typewriter text instead, so that one bad formula cannot break a whole sheet.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from mpcheck.markup.mathtree import parse
from mpcheck.markup.segments import split

def render(text: str, target: str, strict: bool = False) -> str:
    """``render_latex`` or ``render_markdown``; on a failure (a bug, never the input's fault)
    the text escaped as plain prose, unless ``strict``."""
    try:
        return render_latex(text) if target == "latex" else render_markdown(text)
    except Exception:
        if strict:
            raise
        return latex_text(text) if target == "latex" else markdown_text(text)


# -- shared: the text as lines of pieces, and display formulas ---------------------------------


def _lines(text: str) -> list:
    """``text`` as a list of items: a line (list of ("prose" | "inline", text) pieces, possibly
    empty = a blank line) or ("display", math)."""
    items: list = [[]]
    after_display = False
    for segment in split(text):
        if segment.kind == "display":
            if not items[-1] or not any(t.strip() for _, t in items[-1]):
                items[-1] = ("display", segment.text)
            else:
                items.append(("display", segment.text))
            items.append([])
            after_display = True
            continue
        if segment.kind == "inline":
            items[-1].append(("inline", segment.text))
        else:
            body = segment.text
            if after_display and body.startswith("\n"):
                body = body[1:]
            for k, part in enumerate(body.split("\n")):
                if k:
                    items.append([])
                if part:
                    items[-1].append(("prose", part))
        after_display = False
    if items and items[-1] == [] and len(items) > 1 and isinstance(items[-2], tuple):
        items.pop()
    return items


def _paragraphs(items: list) -> list[list]:
    """Runs of lines and displays separated by blank lines."""
    paragraphs: list[list] = [[]]
    for item in items:
        if isinstance(item, list) and not any(t.strip() for _, t in item):
            if paragraphs[-1]:
                paragraphs.append([])
        else:
            paragraphs[-1].append(item)
    return [p for p in paragraphs if p]


# -- LaTeX -------------------------------------------------------------------------------------

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                  "#": r"\#", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
                  "|": r"\textbar{}"}
_LATEX_SPECIAL_RE = re.compile(r"[\\{}$&#_%~^<>|]")


@cache
def _encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # pylatexenc logs each character it cannot encode; unihex writes it as U+XXXX instead
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy="unihex",
                                 replacement_latex_protection="braces-all")


def _non_ascii(text: str) -> str:
    return text if text.isascii() else _encoder().unicode_to_latex(text)


def latex_text(text: str) -> str:
    """Plain text for a LaTeX document: special characters escaped, Unicode as LaTeX commands."""
    escaped = _LATEX_SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], text)
    return _non_ascii(escaped)


def latex_math(math: str) -> str | None:
    """The formula as it may go inside ``$…$``, or None where it would not compile."""
    try:
        _, issues = parse(math)
    except RecursionError:  # braces nested thousands deep
        return None
    if issues:
        return None
    math = re.sub(r"(?<!\\)([%#])", r"\\\1", math)  # a comment sign would swallow the rest
    math = re.sub(r"\n\s*\n", "\n", math.strip())  # a blank line ends a paragraph: not in math
    return _non_ascii(math)


def _latex_inline(math: str) -> str:
    body = latex_math(math)
    return f"${body}$" if body is not None else r"\texttt{" + latex_text("$" + math + "$") + "}"


def _latex_display(math: str) -> str:
    body = latex_math(math)
    if body is None:
        return r"\par\noindent\texttt{" + latex_text("$$" + math + "$$") + r"}\par"
    return "\\[\n" + body + "\n\\]"


def _indent(pieces: list) -> int:
    """The spaces an indented line (a choice option, a list item) starts with."""
    if pieces and pieces[0][0] == "prose":
        return len(pieces[0][1]) - len(pieces[0][1].lstrip(" "))
    return 0


def _latex_line(pieces: list) -> str:
    out = []
    indent = _indent(pieces)
    if indent:
        # a paragraph of its own whose wrapped lines stay indented under the first
        out.append(r"\noindent\hangindent=%gem\hangafter=1\hspace*{%gem}" % (0.5 * indent + 1.5, 0.5 * indent))
    for k, (kind, text) in enumerate(pieces):
        if kind == "prose":
            out.append(latex_text(text[indent:] if k == 0 else text))
        else:
            out.append(_latex_inline(text))
    return "".join(out)


def render_latex(text: str) -> str:
    """A fragment for a document body; needs amsmath (and amssymb for some symbols)."""
    out = []
    for paragraph in _paragraphs(_lines(text)):
        parts: list[str] = []
        previous = None  # the line before, if the item before was a line
        for item in paragraph:
            if isinstance(item, tuple):
                parts.append(("\n" if parts else "") + _latex_display(item[1]))
                previous = None
            else:
                if previous is not None:
                    if _indent(previous) or _indent(item):
                        parts.append("\\par\\vspace{-\\parskip}\n")  # indented lines are paragraphs
                    else:
                        parts.append("\\newline\n")  # \newline: a following "[" is not read as an option
                elif parts:
                    parts.append("\n")
                parts.append(_latex_line(item))
                previous = item
        out.append("".join(parts))
    return "\n\n".join(out)


# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_<>\[\]$~|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


def markdown_text(text: str) -> str:
    """Plain text that Markdown shows as it is."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _markdown_line(pieces: list) -> str:
    out = []
    for k, (kind, text) in enumerate(pieces):
        if kind == "prose":
            if k == 0 and text[:1] == " ":
                stripped = text.lstrip(" ")
                out.append("&emsp;" * max(1, (len(text) - len(stripped)) // 2))
                text = stripped
            out.append(markdown_text(text) if k == 0 else _MD_SPECIAL.sub(r"\\\1", text))
        else:
            # GitHub only reads $…$ as math with no space just inside the dollars
            out.append("$" + " ".join(text.split()) + "$")
    return "".join(out)


def render_markdown(text: str) -> str:
    """Markdown with ``$…$`` and ``$$…$$`` math, for GitHub and Jupyter."""
    out = []
    for paragraph in _paragraphs(_lines(text)):
        chunks: list[str] = []
        lines: list[str] = []
        for item in paragraph:
            if isinstance(item, tuple):
                if lines:
                    chunks.append("\\\n".join(lines))
                    lines = []
                chunks.append("$$\n" + item[1].strip() + "\n$$")
            else:
                lines.append(_markdown_line(item))
        if lines:
            chunks.append("\\\n".join(lines))
        out.append("\n\n".join(chunks))
    return "\n\n".join(out)
