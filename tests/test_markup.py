"""The text markup: prose with $…$ math, rendered for the terminal, LaTeX and Markdown."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.markup import TARGETS, lint, math, render


@pytest.mark.parametrize("latex, shown", [
    (r"\alpha_i = 1 - e^{-\sigma_i \delta_i}", "αᵢ = 1 − e^(−σᵢδᵢ)"),
    (r"\mathrm{KL}(q \,\|\, p)", "KL(q ‖ p)"),
    (r"\hat{x}_t", "x̂ₜ"),
    (r"\sqrt{\bar\alpha_t}", "√ᾱₜ"),
    (r"W^\top x \odot y", "Wᵀx ⊙ y"),
    (r"x_{t-1}", "xₜ₋₁"),
    (r"h^{(t)}", "h⁽ᵗ⁾"),
    (r"x_{b}", "x_b"),  # no Unicode subscript b
    (r"e^{x(4x+3)}", "e^(x(4x+3))"),  # too long for tiny letters
    (r"\frac{a+b}{2\sigma^2}", "(a + b)/(2σ²)"),
    (r"\frac{\partial L}{\partial x_1}", "∂L/∂x₁"),
    (r"\frac{1}{2}(h - y)^2", "(1/2)(h − y)²"),
    (r"\frac{q(z)}{p(z|x)}", "q(z)/p(z|x)"),
    (r"\frac{s^2}{v(s^2 + 1)}", "s²/(v(s² + 1))"),
    (r"\sqrt{x + 1}", "√(x + 1)"),
    (r"\|x\|_2", "‖x‖₂"),
    (r"\lfloor (n + 2p - k)/s \rfloor + 1", "⌊(n + 2p − k)/s⌋ + 1"),
    (r"-\log \sigma", "−log σ"),
    (r"\log p(x) \ge \mathbb{E}_q[\log p(x|z)]", "log p(x) ≥ 𝔼_q[log p(x|z)]"),
    (r"\operatorname{softmax}(QK^\top/\sqrt{d_k})V", "softmax(QKᵀ/√dₖ)V"),
    (r"\mathcal{N}(\mu, \sigma^2)", "𝒩(μ, σ²)"),
    (r"y \in \{0, 1\}", "y ∈ {0, 1}"),
    (r"\max_{a'} Q(s', a')", "max_(a′) Q(s′, a′)"),
    (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"D_{\mathrm{KL}}", "D_KL"),
    (r"3 \times 32 \times 32", "3 × 32 × 32"),
    (r"\text{if } x > 0", "if x > 0"),
])
def test_terminal_math_reads_like_math(latex, shown):
    assert math(latex) == shown
    assert render(f"so ${latex}$.") == f"so {shown}."


def test_matrix_is_drawn_as_aligned_rows_on_its_line():
    text = "Input:\n$$X = \\begin{bmatrix} 1 & 0 & -2 \\\\ 3 & 0.5 & 1 \\end{bmatrix}$$\nnext"
    assert render(text).splitlines() == [
        "Input:",
        "    X = [ 1    0  −2 ]",
        "        [ 3  0.5   1 ]",
        "next",
    ]


def test_array_with_rules_is_a_box_drawn_grid():
    grid = "$$\\begin{array}{|c|c|c|}\\hline S & . & G \\\\ \\hline . & \\# & 10 \\\\ \\hline\\end{array}$$"
    assert render(grid).splitlines() == [
        "    ┌───┬───┬────┐",
        "    │ S │ . │ G  │",
        "    ├───┼───┼────┤",
        "    │ . │ # │ 10 │",
        "    └───┴───┴────┘",
    ]
    plain = render("$\\begin{array}{lr} a & 1 \\\\ bb & 22 \\end{array}$")
    assert plain.splitlines() == ["a    1", "bb  22"]


def test_cases_get_a_brace():
    lines = render(r"$|x| = \begin{cases} x & \text{if } x \ge 0 \\ -x & \text{otherwise} \end{cases}$").splitlines()
    assert lines == ["|x| = ⎧ x    if x ≥ 0", "      ⎩ −x   otherwise"]


def test_prose_is_kept_and_dollars_can_be_escaped():
    assert render("no math here, 100% plain") == "no math here, 100% plain"
    assert render(r"costs \$5 and $x$") == "costs $5 and x"
    assert render("a lone $ stays") == "a lone $ stays"
    assert render("line one\nline two $x$\n\nparagraph") == "line one\nline two x\n\nparagraph"


@pytest.mark.parametrize("broken", [r"$\frac{a}{$", r"$x^{$", "$\\begin{bmatrix} 1 & 2$", r"$\foo{x}$",
                                    "$}$", "$$", "$$$", r"$\left($", "$a & b \\\\ c$", "$" + "{" * 3000 + "$"])
def test_malformed_math_renders_without_error(broken):
    for target in TARGETS:
        assert isinstance(render(broken, target), str)
    assert lint(broken)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1 $\\{}^_&%#~[]()|'\n") + ["\\frac", "\\begin{bmatrix}",
                                                                     "\\end{bmatrix}", "\\hline", "\\\\",
                                                                     "\\alpha", "$$", "\\text{", "α"]),
                max_size=40).map("".join))
def test_any_text_renders_in_every_target(text):
    for target in TARGETS:
        out = render(text, target)
        assert isinstance(out, str)
    assert balanced(render(text, "latex"))


def balanced(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\.|[{}]", tex, flags=re.S):
        depth += token == "{"
        depth -= token == "}"
        if depth < 0:
            return False
    return depth == 0


def test_latex_escapes_prose_and_keeps_math():
    tex = render("a_b 50% & #1 ~ ^ \\ {x} and $x_1^2 \\le \\frac{1}{2}$, é")
    tex = render("a_b 50% & #1 ~ ^ \\ {x} and $x_1^2 \\le \\frac{1}{2}$, é", "latex")
    assert r"a\_b 50\% \& \#1 \textasciitilde{} \textasciicircum{} \textbackslash{} \{x\}" in tex
    assert r"$x_1^2 \le \frac{1}{2}$" in tex and r"\'e" in tex


def test_latex_lines_displays_and_paragraphs():
    tex = render("one\ntwo\n$$x = 1$$\nthree\n\n[four]", "latex")
    assert tex == "one\\newline\ntwo\n\\[\nx = 1\n\\]\nthree\n\n[four]"


def test_latex_never_passes_broken_math():
    assert render(r"$\frac{a}{b}}$ ok", "latex").startswith(r"\texttt{")
    assert render(r"$\frac{a}{$ ok", "latex") == r"\$\textbackslash{}frac\{a\}\{\$ ok"  # no math opened
    assert r"\texttt{" in render(r"$\undefinedthing$", "latex")
    assert render("$50% of x$", "latex") == r"$50\% of x$"


def test_markdown_keeps_math_and_escapes_prose():
    md = render("*a* _b_ $x_1 * y_2$ and\n$$\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$$\n# not a heading", "markdown")
    assert md.startswith(r"\*a\* \_b\_ $x_1 * y_2$ and")
    assert "$$\n\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}\n$$" in md
    assert md.endswith(r"\# not a heading")
    assert render("$ x $", "markdown") == "$x$"  # GitHub wants no space inside the dollars


def test_lint_names_what_would_not_render_well():
    assert lint(r"The output is $\lfloor (n + 2p - k)/s \rfloor + 1$.") == []
    assert any("Unicode" in issue for issue in lint("the rate α"))
    assert any("Unicode" in issue for issue in lint("$α$"))
    assert any("partner" in issue for issue in lint("costs $5"))
    assert any("SymPy" in issue for issue in lint("Derivative(y, x) = ?"))
    assert any("SymPy" in issue for issue in lint("y__* here"))
    assert any("own" in issue for issue in lint("text $$x$$ text"))
    assert any("unknown command" in issue for issue in lint(r"$\foo$"))
    assert any("environment" in issue for issue in lint(r"$$\begin{align}x\end{align}$$"))
    assert lint("café — “quoted” … fine") == []


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (LaTeX structure is tested above)")
def test_latex_of_every_construct_compiles(tmp_path):
    texts = [
        r"$\alpha_i = 1 - e^{-\sigma_i \delta_i}$, $\mathrm{KL}(q \,\|\, p)$, $\hat{x}_t$, $\sqrt{\bar\alpha_t}$",
        "$$W = \\begin{bmatrix} 1 & -0.5 \\\\ 2 & 3 \\end{bmatrix}$$",
        "$$\\begin{array}{|c|c|}\\hline S & G \\\\ \\hline \\# & . \\\\ \\hline\\end{array}$$",
        r"$f(x) = \begin{cases} x & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases}$",
        "odd: a_b 50% & #1 ~ ^ \\ {x} <a> | \"q\" é ü — “x”\n  a) [1, 2]\n  b) $x$",
        r"$\frac{a}{$ broken and $\unknowncommand$ and $x^{$",
    ]
    body = "\n\n".join(render(text, "latex") for text in texts)
    document = ("\\documentclass{article}\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}"
                "\\usepackage{lmodern}\\usepackage{amsmath,amssymb}\\begin{document}\n" + body + "\n\\end{document}\n")
    (tmp_path / "t.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
