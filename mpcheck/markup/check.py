"""What a text must satisfy to render well everywhere (``mpcheck.markup.lint``)."""

from __future__ import annotations

import re
import unicodedata

from mpcheck.markup.mathtree import parse
from mpcheck.markup.segments import split

#: typographic characters prose may use as they are (LaTeX's inputenc and Markdown take them)
PROSE_PUNCTUATION = set("‘’“”–—…\u00a0")
#: how SymPy's str() leaks into a text: y__*, Derivative(...), Integral(...), oo, x**2
SYMPY_INTERNALS = re.compile(r"__|\bDerivative\(|\bIntegral\(|\boo\b|\*\*|\bSubs\(|\bDummy\(")
_ESCAPED_DOLLAR = "\x00"


def _prose_char_ok(ch: str) -> bool:
    if ch.isascii() or ch in PROSE_PUNCTUATION:
        return True
    # accented Latin letters (é, ü, ß): names and words, not math
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


def _shown(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lint(text: str) -> list[str]:
    issues: list[str] = []
    if not isinstance(text, str):
        return [f"not a string: {type(text).__name__}"]
    found = SYMPY_INTERNALS.search(text)
    if found:
        issues.append(f"SymPy internals {found.group()!r} in {_shown(text[max(0, found.start() - 15):found.end() + 15])!r}: "
                      "write the math as LaTeX (sympy.latex)")
    protected = text.replace("\\$", _ESCAPED_DOLLAR)
    for segment in split(protected):
        if segment.kind == "prose":
            if "$" in segment.text:
                issues.append(f"a $ without its partner near {_shown(segment.text)!r} "
                              "(write \\$ for a dollar sign)")
            odd = sorted({ch for ch in segment.text if ch != _ESCAPED_DOLLAR and not _prose_char_ok(ch)})
            if odd:
                issues.append(f"Unicode math symbols in prose {''.join(odd)!r} near "
                              f"{_shown(segment.text)!r}: write them as LaTeX inside $…$")
            continue
        math = segment.text.replace(_ESCAPED_DOLLAR, "\\$")
        _, problems = parse(math)
        issues += [f"{problem} in ${_shown(math)}$" for problem in problems]
        odd = sorted({ch for ch in math if not ch.isascii()})
        if odd:
            issues.append(f"Unicode in math {''.join(odd)!r} in ${_shown(math)}$: write LaTeX "
                          "commands (\\alpha, \\le, \\times, …)")
        if not math.strip():
            issues.append("empty math $$" if segment.kind == "inline" else "empty display math")
        if segment.kind == "display":
            before, after = protected[:segment.start], protected[segment.end:]
            if before.rstrip(" ").rpartition("\n")[2].strip() or after.lstrip(" ").partition("\n")[0].strip():
                issues.append(f"display math $${_shown(math)}$$ must stand on a line of its own")
    return issues
