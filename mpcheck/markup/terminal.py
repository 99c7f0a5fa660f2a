"""The markup as readable Unicode for a terminal.

Formulas stay on one line (``a/b``, ``√x``, ``xₜ₋₁``, ``e^(−x/2)``); matrices, arrays and cases
take several lines and sit on the line of text around them, aligned on their middle row.
"""

from __future__ import annotations

import re
import unicodedata

from mpcheck.markup import symbols as S
from mpcheck.markup.blocks import Block, aligned, cases, grid, hconcat, matrix, width
from mpcheck.markup.mathtree import (
    Accent, Env, Frac, Group, HLine, Script, Space, Sqrt, Styled, Sym, TextRun, Unknown, parse,
)
from mpcheck.markup.segments import split

DISPLAY_INDENT = "    "
#: longer sub- or superscripts are written x_(…) / x^(…): a run of tiny letters is hard to read
MAX_SCRIPT = 4
_TEXT_ESCAPES = re.compile(r"\\([_%&#{}$])")
# after these a binary operator is a sign (−x), as in TeX
_SIGN_CONTEXT = (None, "bin", "rel", "open", "punct", "op")
_FENCES = ("|", "‖")


def render_terminal(text: str, strict: bool = False) -> str:
    """Prose with ``$…$`` and ``$$…$$`` → Unicode text. Never raises unless ``strict``."""
    if "$" not in text:
        return text
    try:
        return _render(text)
    except Exception:  # whatever the input: show it as written rather than fail
        if strict:
            raise
        return text


def render_math(latex: str) -> str:
    """One formula (no dollars) → Unicode; several lines only for matrices and the like."""
    try:
        block = math_block(latex)
    except Exception:
        return latex
    return unicodedata.normalize("NFC", "\n".join(line.rstrip() for line in block.lines))


def _render(text: str) -> str:
    lines: list[list[Block]] = [[]]
    after_display = False
    for segment in split(text):
        if segment.kind == "prose":
            body = segment.text
            if after_display and body.startswith("\n"):
                body = body[1:]  # the display took its own line already
            for k, part in enumerate(body.split("\n")):
                if k:
                    lines.append([])
                if part:
                    lines[-1].append(Block.text(part))
            after_display = False
        elif segment.kind == "inline":
            lines[-1].append(math_block(segment.text))
            after_display = False
        else:
            if any(b.string().strip() for b in lines[-1]):
                lines.append([])
            lines[-1] = [Block.text(DISPLAY_INDENT), math_block(segment.text)]
            lines.append([])
            after_display = True
    if after_display and not lines[-1]:
        lines.pop()
    out: list[str] = []
    for blocks in lines:
        out.extend(line.rstrip() for line in hconcat(blocks).lines)
    return unicodedata.normalize("NFC", "\n".join(out))


def math_block(latex: str) -> Block:
    nodes, _ = parse(latex)
    return render_nodes(nodes)


# -- nodes -------------------------------------------------------------------------------------

class _Piece:
    __slots__ = ("block", "cls", "frac", "loose")

    def __init__(self, block: Block, cls: str, frac: bool = False, loose: bool = False):
        self.block, self.cls, self.frac = block, cls, frac
        #: ends in a script written x_b or e^σ: a letter right after it would join the script
        self.loose = loose


def render_nodes(nodes: list, tight: bool = False) -> Block:
    """A sequence of nodes, spaced as TeX spaces them: around relations and binary operators,
    after commas and operator names; ``tight`` (inside scripts) adds no space at all."""
    pieces = [p for p in (_piece(node, tight) for node in nodes) if p is not None]
    previous = None
    for k, piece in enumerate(pieces):
        if piece.cls == "space":
            continue
        if piece.cls == "ord" and piece.block.string() in _FENCES:
            # |x| and ‖x‖: a bar opens where a sign could stand, else it closes
            piece.cls = "open" if previous in _SIGN_CONTEXT else "close"
        if piece.cls == "bin":
            following = next((p.cls for p in pieces[k + 1:] if p.cls != "space"), None)
            if previous in _SIGN_CONTEXT or following in (None, "rel", "close", "punct"):
                piece.cls = "sign"  # −x, −log x: no space after it
        previous = piece.cls
    out: list[Block] = []
    before: _Piece | None = None
    for piece in pieces:
        block = piece.block
        if before is not None and not tight:
            gap = _gap(before, piece)
            if piece.frac and gap == "" and before.cls in ("ord", "close"):
                block = _parenthesised(block)  # w(∂f/∂θ), not w∂f/∂θ
                piece.frac = False
            if before.frac and piece.cls in ("ord", "op", "open"):
                out[-1] = _parenthesised(out[-1])  # "1/2 x" would read as 1/(2x)
                if piece.frac:
                    block = _parenthesised(block)  # (a/b)(c/d)
                    piece.frac = False
            if gap:
                out.append(Block.text(gap))
        out.append(block)
        if piece.cls != "space":
            before = piece
        else:
            before = None
    return hconcat(out)


def _gap(left: _Piece, right: _Piece) -> str:
    if left.cls == "sign":
        return ""
    if left.loose and right.block.string()[:1].isalnum():
        return " "  # F_y y′, not F_yy′
    if left.cls == "rel" and right.cls == "rel" or right.cls in ("punct", "close") or left.cls == "open":
        return ""  # as TeX: nothing before a comma or a closing bracket, nothing after an opening one
    if "rel" in (left.cls, right.cls) or "bin" in (left.cls, right.cls) or left.cls == "punct":
        return " "
    if left.cls == "op" and right.cls in ("ord", "op"):
        return "" if right.block.string()[:1] in "([{⟨|" else " "
    if left.cls in ("ord", "close") and right.cls == "op":
        return " "
    return ""


def _parenthesised(block: Block) -> Block:
    return Block.text("(" + block.string() + ")") if block.flat else block


def _piece(node, tight: bool) -> _Piece | None:
    if isinstance(node, Sym):
        return _Piece(Block.text(node.text), node.cls) if node.text or node.cls != "ord" else _Piece(Block.text(""), "ord")
    if isinstance(node, Space):
        return _Piece(Block.text(" " * node.width), "space") if node.width else None
    if isinstance(node, Group):
        return _Piece(render_nodes(node.items, tight), "ord")
    if isinstance(node, Frac):
        if _significant(node.num) and all(isinstance(n, Sym) and n.text in ("d", "∂") for n in _significant(node.num)):
            return _Piece(Block.text(_fraction(node)), "op")  # d/dx f(x)
        return _Piece(Block.text(_fraction(node)), "ord", frac=not node.binom)
    if isinstance(node, Sqrt):
        return _Piece(Block.text(_root(node)), "ord")
    if isinstance(node, Accent):
        return _Piece(Block.text(_accent(node)), "ord")
    if isinstance(node, Styled):
        return _styled(node, tight)
    if isinstance(node, TextRun):
        text = _TEXT_ESCAPES.sub(r"\1", node.text).replace("~", " ").replace("\\ ", " ")
        return _Piece(Block.text(render_terminal(text).replace("\n", " ")), "ord")
    if isinstance(node, Script):
        return _script(node)
    if isinstance(node, Env):
        return _Piece(_environment(node), "ord")
    if isinstance(node, Unknown):
        return _Piece(Block.text(node.text), "ord")
    if isinstance(node, HLine):
        return None
    return _Piece(Block.text(str(node)), "ord")


def _flat(nodes: list | None, tight: bool = False) -> str:
    return render_nodes(nodes or [], tight).string()


def _significant(nodes: list) -> list:
    return [n for n in nodes if not isinstance(n, (Space, HLine)) and not (isinstance(n, Sym) and not n.text)]


def _units(nodes: list) -> list:
    """Nodes with each bracketed run ``( … )`` folded into one list (the unit a reader sees)."""
    units: list = []
    stack: list[list] = []
    for node in _significant(nodes):
        if isinstance(node, Group) and not stack:
            inner = _units(node.items)
            if len(inner) == 1:  # {x} or {\left( … \right)}: what it holds
                units.append(inner[0])
                continue
        if isinstance(node, Sym) and node.cls == "open":
            stack.append([node])
        elif stack:
            stack[-1].append(node)
            if _closes(node):
                run = stack.pop()
                (stack[-1] if stack else units).append(run)
        else:
            units.append(node)
    for run in stack:  # unclosed: its pieces count one by one
        units.extend(run)
    return units


def _closes(node) -> bool:
    """A closing bracket, also with scripts on it: the ``)²`` of ``(h - y)^2``."""
    while isinstance(node, Script):
        node = node.base
    return isinstance(node, Sym) and node.cls == "close"


def _is_name(unit) -> bool:
    return isinstance(unit, (Sym, Script, Accent, Styled)) and not (
        isinstance(unit, Sym) and unit.cls in ("bin", "rel", "punct", "open", "close"))


def _is_atom(nodes: list) -> bool:
    """One symbol (with its scripts or accent), a number, a root, a bracketed whole or a function
    applied to one (``p(z|x)``): needs no parentheses as a denominator or under a root."""
    units = _units(nodes)
    if len(units) == 1:
        unit = units[0]
        if isinstance(unit, Group):
            return _is_atom(unit.items)
        return not isinstance(unit, Frac) and not (isinstance(unit, Sym) and unit.cls in ("bin", "rel", "punct", "op"))
    if len(units) == 2 and isinstance(units[0], Sym) and units[0].text in ("∂", "d", "δ", "Δ"):
        return _is_atom(units[1:] if not isinstance(units[1], list) else units[1])  # dx, ∂x
    if len(units) == 2 and _is_name(units[0]) and isinstance(units[1], list):
        return not _has_operator(units[1][1:-1])  # f(x), p(z|x); but v(s² + 1) is a product
    return False


def _has_operator(nodes: list) -> bool:
    """True if a numerator must be bracketed: a sum, a relation, a list or a nested fraction
    outside brackets."""
    for k, unit in enumerate(_units(nodes)):
        if isinstance(unit, Frac):
            return True
        if isinstance(unit, Sym) and unit.cls in ("bin", "rel", "punct") and k > 0:
            return True
        if isinstance(unit, Group) and _has_operator(unit.items):
            return True
    return False


def _fraction(node: Frac) -> str:
    num, den = _flat(node.num), _flat(node.den)
    if node.binom:
        return f"C({num}, {den})"
    if _has_operator(node.num):
        num = f"({num})"
    if not _is_atom(node.den):
        den = f"({den})"
    return f"{num}/{den}"


def _root(node: Sqrt) -> str:
    body = _flat(node.body)
    if not _is_atom(node.body):
        body = f"({body})"
    index = _flat(node.index, tight=True) if node.index else ""
    sign = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(index)
    if sign is None:
        sign = (S.script(index, "^") or f"{index}^") + "√"
    return sign + body


def _accent(node: Accent) -> str:
    body = _flat(node.body)
    marked = []
    for ch in body:
        marked.append(ch)
        if not unicodedata.combining(ch) and not ch.isspace():
            marked.append(node.mark)
    return "".join(marked) if body else node.mark


def _styled(node: Styled, tight: bool) -> _Piece:
    if node.font == "op":
        return _Piece(Block.text(_flat(node.body, tight=True)), "op")
    if node.font == "plain":
        block = render_nodes(node.body, tight)
        return _Piece(block, "ord")
    return _Piece(Block.text(S.letter_font(node.font, _flat(node.body, tight=True))), "ord")


def _script_text(nodes: list, kind: str) -> str:
    tight = _flat(nodes, tight=True)
    if kind == "^":
        if tight in ("⊤", "T", "ᵀ", "⊺"):
            return "ᵀ"
        if tight in ("∗", "*", "⋆"):
            return "*"
        if tight in ("∘", "°"):
            return "°"
        if tight and set(tight) <= {"′", "†"}:
            return tight
    converted = S.script(tight, kind)
    if converted is not None and width(converted) <= MAX_SCRIPT:
        return converted
    if width(tight) == 1 or tight.isalnum():
        return kind + tight  # x_b, D_KL (a loose end: see _Piece.loose)
    return f"{kind}({tight})"


def _script(node: Script) -> _Piece:
    base = _piece(node.base, False) if node.base is not None else None
    if base is None:
        base = _Piece(Block.text(""), "ord")
    text = "′" * node.primes
    if node.sub is not None:
        text += _script_text(node.sub, "_")
    if node.sup is not None:
        text += _script_text(node.sup, "^")
    block = base.block
    loose = bool(re.search(r"[_^]\w+$", text))
    if base.frac and block.flat:
        block = _parenthesised(block)  # (a/b)² rather than a/b²
    if block.flat:
        block = Block.text(block.lines[0] + text)
    else:
        block = hconcat([block, Block([text] + [""] * (len(block.lines) - 1), 0)])
        block.base = base.block.base
    return _Piece(block, base.cls, loose=loose)


def _environment(node: Env) -> Block:
    rows = [[render_nodes(cell) for cell in row] for row in node.rows]
    if node.name == "array":
        return grid(node.spec, rows, node.hlines)
    if node.name in ("cases", "dcases"):
        return cases(rows)
    if node.name.endswith("matrix"):
        return matrix(node.name, rows)
    return aligned(rows)
