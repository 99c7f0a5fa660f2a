"""Plain Unicode text → ASCII LaTeX that compiles with pdflatex and its default fonts.

``latex_escape`` escapes LaTeX's special characters and maps the Unicode symbols prompts use
(⌊ ⌋ · × − σ ∑ ᵀ ² ₜ ...) to LaTeX commands; accented letters become accent commands; a symbol
with no mapping becomes the visible text [U+XXXX] instead of an error at compile time.
``latex_tt`` does the same for typewriter lines whose spacing must survive (matrices).
"""

from __future__ import annotations

import unicodedata

# characters LaTeX treats specially, and ASCII that the default OT1 fonts draw wrongly
ASCII_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}", "|": r"\ensuremath{|}", '"': "''",
}

MATH = {
    "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "·": r"\cdot", "⋅": r"\cdot",
    "×": r"\times", "−": "-", "±": r"\pm", "∓": r"\mp", "÷": r"\div", "≤": r"\le", "≥": r"\ge",
    "≠": r"\neq", "≈": r"\approx", "≡": r"\equiv", "∼": r"\sim", "≃": r"\simeq", "∝": r"\propto",
    "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "↔": r"\leftrightarrow", "∈": r"\in", "∉": r"\notin", "∑": r"\sum", "∏": r"\prod", "∫": r"\int",
    "∂": r"\partial", "∇": r"\nabla", "√": r"\surd", "∞": r"\infty", "‖": r"\|", "∥": r"\|",
    "∣": r"\mid", "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus", "∘": r"\circ", "∗": r"\ast",
    "⟨": r"\langle", "⟩": r"\rangle", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}",
    "𝔼": r"\mathbb{E}", "𝒩": r"\mathcal{N}", "ℒ": r"\mathcal{L}", "∀": r"\forall", "∃": r"\exists",
    "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee", "⊤": r"\top", "⊥": r"\bot", "∪": r"\cup",
    "∩": r"\cap", "⊂": r"\subset", "⊆": r"\subseteq", "∅": r"\emptyset", "⋯": r"\cdots",
    "′": "'", "″": "''", "°": r"^\circ", "ℓ": r"\ell", "∖": r"\setminus", "≪": r"\ll", "≫": r"\gg",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ϵ": r"\epsilon", "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ϑ": r"\vartheta", "ι": r"\iota",
    "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi",
    "ρ": r"\rho", "σ": r"\sigma", "ς": r"\varsigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\varphi",
    "ϕ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta",
    "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Υ": r"\Upsilon",
    "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega", "µ": r"\mu",
    "⋆": r"\star", "∙": r"\bullet", "⊘": r"\oslash", "∆": r"\Delta", "⊃": r"\supset",
    "∋": r"\ni", "⋮": r"\vdots", "⋱": r"\ddots", "ℏ": r"\hbar", "ħ": r"\hbar", "≲": r"\lesssim",
    "≳": r"\gtrsim", "∠": r"\angle", "△": r"\triangle", "≔": ":=", "⁄": "/",
    "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}", "⅓": r"\tfrac{1}{3}",
    "⅔": r"\tfrac{2}{3}", "⅛": r"\tfrac{1}{8}",
    "□": r"\square", "■": r"\blacksquare", "★": r"\star", "✓": r"\checkmark", "✗": r"\times",
}

TEXT = {
    "‘": "`", "’": "'", "“": "``", "”": "''", "–": "--", "—": "---", "…": r"\ldots{}",
    "•": r"\textbullet{}", "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,", "«": "<<", "»": ">>",
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}",
    "Œ": r"\OE{}", "å": r"\aa{}", "Å": r"\AA{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}",
    "€": "EUR", "§": r"\S{}", "¶": r"\P{}", "†": r"\dag{}", "‡": r"\ddag{}", "©": r"\copyright{}",
}

SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵗᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵘᵛʷˣʸᶻ",
                        "0123456789+-=()niTtabcdefghjklmoprsuvwxyz"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ",
                      "0123456789+-=()aeoxhklmnpstijruv"))

# combining marks → text-mode accent commands (they accept any following character)
ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0305": "=",
           "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030c": "v", "\u0327": "c"}


def _char(ch: str) -> str:
    if ch in ASCII_SPECIAL:
        return ASCII_SPECIAL[ch]
    if ch.isascii():
        return ch if ch.isprintable() or ch in "\t" else " "
    if ch in MATH:
        return rf"\ensuremath{{{MATH[ch]}}}"
    if ch in TEXT:
        return TEXT[ch]
    if ch in SUPERSCRIPTS:
        return rf"\ensuremath{{^{{\mathrm{{{SUPERSCRIPTS[ch]}}}}}}}"
    if ch in SUBSCRIPTS:
        return rf"\ensuremath{{_{{\mathrm{{{SUBSCRIPTS[ch]}}}}}}}"
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and all(mark in ACCENTS for mark in decomposed[1:]):
        out = _char(decomposed[0])
        for mark in decomposed[1:]:
            out = rf"\{ACCENTS[mark]}{{{out}}}"
        return out
    return f"[U+{ord(ch):04X}]"


def latex_escape(text: str) -> str:
    """Unicode text → ASCII LaTeX for running text."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in ACCENTS and out:  # a combining mark left after NFC: put it on the previous piece
            out[-1] = rf"\{ACCENTS[ch]}{{{out[-1]}}}"
        elif unicodedata.category(ch) == "Mn":
            continue
        else:
            out.append(_char(ch))
    return "".join(out)


def latex_tt(line: str) -> str:
    """One typewriter line whose spaces must all survive (used inside ``\\ttfamily``)."""
    return "".join("~" if ch == " " else latex_escape(ch) for ch in line) or "~"


def unmapped(text: str) -> set[str]:
    """The characters of ``text`` that have no LaTeX form (written as [U+XXXX])."""
    return {ch for ch in unicodedata.normalize("NFC", text)
            if not ch.isascii() and unicodedata.category(ch) != "Mn" and _char(ch).startswith("[U+")}
