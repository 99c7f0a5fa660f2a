"""LaTeX commands → Unicode, from unicodeit's tables (a well-kept LaTeX → Unicode converter).

Only what unicodeit does not decide is written here: how TeX spaces a symbol (relation, binary
operator, opening or closing delimiter, punctuation or operator name), the few entries whose
unicodeit glyph is not the one a reader expects (``\\langle`` as a wide CJK bracket, ``\\lbrack``
as a parenthesis), and the sub- and superscript letters that are not sub- or superscripts.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import unicodeit.data

# how TeX spaces these (the "math class" of a symbol); everything else is an ordinary symbol
RELATIONS = {
    "=", "<", ">", ":", "\\le", "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\approx", "\\equiv",
    "\\sim", "\\simeq", "\\cong", "\\propto", "\\to", "\\rightarrow", "\\leftarrow", "\\gets",
    "\\Rightarrow", "\\Leftarrow", "\\Leftrightarrow", "\\leftrightarrow", "\\mapsto", "\\implies",
    "\\iff", "\\in", "\\notin", "\\ni", "\\subset", "\\subseteq", "\\supset", "\\supseteq", "\\ll",
    "\\gg", "\\coloneqq", "\\eqqcolon", "\\models", "\\perp", "\\mid", "\\parallel", "\\triangleq",
    "\\doteq", "\\lesssim", "\\gtrsim", "\\longrightarrow", "\\longleftarrow", "\\longmapsto",
    "\\Longrightarrow", "\\uparrow", "\\downarrow", "\\nearrow", "\\searrow", "\\leqslant",
    "\\geqslant", "\\prec", "\\succ", "\\preceq", "\\succeq", "\\vdash", "\\asymp",
}
BINARY = {
    "+", "-", "*", "\\pm", "\\mp", "\\times", "\\cdot", "\\odot", "\\otimes", "\\oplus", "\\ominus",
    "\\circ", "\\ast", "\\star", "\\div", "\\cup", "\\cap", "\\setminus", "\\wedge", "\\vee",
    "\\land", "\\lor", "\\bullet", "\\oslash", "\\diamond", "\\sqcup", "\\sqcap", "\\uplus",
    "\\bmod", "\\dagger",
}
OPENING = {"(", "[", "\\{", "\\lbrace", "\\langle", "\\lfloor", "\\lceil", "\\lbrack", "\\lvert", "\\lVert"}
CLOSING = {")", "]", "\\}", "\\rbrace", "\\rangle", "\\rfloor", "\\rceil", "\\rbrack", "\\rvert",
           "\\rVert", "!"}
PUNCTUATION = {",", ";", "\\colon"}
# operator names (upright, followed by a space before their argument)
OPERATOR_NAMES = {
    "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh",
    "coth", "arcsin", "arccos", "arctan", "max", "min", "sup", "inf", "lim", "liminf", "limsup",
    "det", "dim", "ker", "deg", "gcd", "hom", "arg", "Pr", "exp", "argmax", "argmin",
}
LARGE_OPERATORS = {"\\sum", "\\prod", "\\coprod", "\\int", "\\iint", "\\iiint", "\\oint",
                   "\\bigcup", "\\bigcap", "\\bigoplus", "\\bigotimes", "\\bigvee", "\\bigwedge"}

# where unicodeit's glyph is not the usual one for the command
OVERRIDES = {
    "\\langle": "⟨", "\\rangle": "⟩", "\\lbrack": "[", "\\rbrack": "]", "\\lbrace": "{",
    "\\rbrace": "}", "\\{": "{", "\\}": "}", "\\lVert": "‖", "\\rVert": "‖", "\\lvert": "|",
    "\\rvert": "|", "\\vert": "|", "\\Vert": "‖", "\\|": "‖", "\\cdot": "·", "\\dots": "…",
    "\\ldots": "…", "\\cdots": "⋯", "\\square": "□", "\\star": "⋆", "\\ast": "∗",
    "\\intercal": "ᵀ", "\\colon": ":", "\\$": "$", "\\%": "%", "\\&": "&", "\\#": "#", "\\_": "_",
    "\\epsilon": "ϵ", "\\varepsilon": "ε", "\\top": "⊤", "\\bot": "⊥", "\\argmax": "argmax",
    "\\argmin": "argmin", "\\lesssim": "≲", "\\gtrsim": "≳", "\\bmod": "mod",
}
# combining marks for accents; \bar is a macron (so that ᾱ composes), \overline a line
ACCENTS = {
    "\\hat": "\u0302", "\\widehat": "\u0302", "\\bar": "\u0304", "\\overline": "\u0305",
    "\\tilde": "\u0303", "\\widetilde": "\u0303", "\\dot": "\u0307", "\\ddot": "\u0308",
    "\\vec": "\u20d7", "\\check": "\u030c", "\\breve": "\u0306", "\\acute": "\u0301",
    "\\grave": "\u0300", "\\mathring": "\u030a", "\\underline": "\u0332",
}
# unicodeit maps these to letters of other scripts that only look like sub-/superscripts
NOT_SCRIPTS = {"^V", "^.", "^<", "^>", "_<", "_>", "^∫", "^*"}


@cache
def _table() -> dict[str, str]:
    table = {name: glyph for name, glyph in unicodeit.data.REPLACEMENTS}
    table.update(OVERRIDES)
    return table


@cache
def _scripts() -> tuple[dict[str, str], dict[str, str]]:
    sub: dict[str, str] = {}
    sup: dict[str, str] = {}
    for key, glyph in unicodeit.data.SUBSUPERSCRIPTS:
        if key in NOT_SCRIPTS:
            continue
        (sup if key[0] == "^" else sub)[key[1:]] = glyph
    sup["−"], sub["−"] = sup["-"], sub["-"]
    return sub, sup


def _class(name: str) -> str:
    if name in RELATIONS:
        return "rel"
    if name in BINARY:
        return "bin"
    if name in OPENING:
        return "open"
    if name in CLOSING:
        return "close"
    if name in PUNCTUATION:
        return "punct"
    if name in LARGE_OPERATORS:
        return "op"
    return "ord"


def char(ch: str) -> tuple[str, str]:
    """A character typed in math: its glyph and class (``-`` is a minus sign, ``'`` a prime)."""
    glyph = {"-": "−", "*": "∗", "'": "′"}.get(ch, ch)
    return glyph, _class(ch)


def command(name: str) -> tuple[str, str] | None:
    """A command with no argument (``\\alpha``, ``\\le``, ``\\log``): glyph and class, or None."""
    bare = name[1:].rstrip("*")
    if bare in OPERATOR_NAMES:
        return OVERRIDES.get(name, bare), "op"
    glyph = _table().get(name)
    if glyph is None:
        return None
    return glyph, _class(name)


def delimiter(token: str) -> str | None:
    """What ``\\left``/``\\right``/``\\big`` put around: a glyph, or "" for the invisible ``.``."""
    if token == ".":
        return ""
    if len(token) == 1 and token in "()[]|/<>":
        return {"<": "⟨", ">": "⟩"}.get(token, token)
    if token.startswith("\\"):
        found = command(token)
        return found[0] if found else None
    return None


def script(text: str, kind: str) -> str | None:
    """``text`` in Unicode sub- (``kind="_"``) or superscript letters, or None where one of its
    characters has no such form."""
    table = _scripts()[0 if kind == "_" else 1]
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            return None
        glyph = table.get(ch)
        if glyph is None:
            return None
        out.append(glyph)
    return "".join(out)


def letter_font(font: str, text: str) -> str:
    """``\\mathbb{R}`` → ℝ, ``\\mathcal{L}`` → ℒ, letter by letter; a letter without one stays."""
    table = _table()
    return "".join(table.get(f"\\{font}{{{ch}}}", ch) for ch in text)
