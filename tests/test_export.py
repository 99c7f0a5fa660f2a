"""Worksheets: Markdown and LaTeX structure, escaping of any text, and a real pdflatex build."""

from __future__ import annotations

import re
import shutil
import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.exam import build_paper
from mpcheck.export import Worksheet, blocks, md_blocks, to_latex
from mpcheck.latex_symbols import latex_escape, latex_tt, unmapped

TRICKY = "A & B: 100% of $x_1^2$ #1 {set} ~ \\ | <a> \"q\" ⌊x⌋·y × z − σ(ᵀ) ∑ α² ₜ ᾱ é ‖W‖ → ≤"


def export(*args: str) -> str:
    result = CliRunner().invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def sheet(n: int = 6, seed: int = 3, solutions: bool = True, title: str = TRICKY) -> Worksheet:
    pool = [g for g in registry().generators.values() if g.topic == "cnn"]
    return Worksheet(title, build_paper(pool, n, seed), seed, solutions)


def balanced(tex: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex, flags=re.S):
        token = match.group()
        depth += token == "{"
        depth -= token == "}"
        if depth < 0:
            return False
    return depth == 0


def bare_specials(tex: str) -> list[str]:
    """Special characters not part of an escape or a command we wrote."""
    stripped = re.sub(r"\\(?:[A-Za-z]+|.)", "", tex)  # commands and escaped characters
    stripped = re.sub(r"\\ensuremath\{[^{}]*\}", "", stripped)
    return [ch for ch in "$&#%" if ch in stripped]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_escapes_to_balanced_ascii_latex(text):
    for tex in (latex_escape(text), latex_tt(text)):
        assert tex.isascii()
        assert balanced(tex)
        assert bare_specials(tex) == []
        assert "\n" not in latex_tt(text.replace("\n", " "))


def test_known_symbols_map_to_commands():
    tex = latex_escape(TRICKY)
    for command in (r"\lfloor", r"\rfloor", r"\cdot", r"\times", r"\sigma", r"\sum", r"\alpha", r"\&", r"\%",
                    r"\#", r"\$", r"\_", r"\textbackslash{}", r"\{", r"\}", r"\to", r"\le", r"\|"):
        assert command in tex, command
    assert "[U+" not in tex and unmapped(TRICKY) == set()


def test_every_registered_prompt_and_solution_has_a_latex_form():
    missing: dict[str, set[str]] = {}
    for gen in registry().generators.values():
        for problem in build_paper([gen], 3, 17):
            text = problem.prompt() + problem.solution() + problem.answer_text + gen.title
            if unmapped(text):
                missing.setdefault(gen.id, set()).update(unmapped(text))
    assert missing == {}, f"add these symbols to mpcheck.latex_symbols: {missing}"


def test_markdown_numbers_problems_and_puts_solutions_after_them():
    md = export("cnn", "-n", "4", "--seed", "2", "--format", "md", "--solutions")
    assert [int(n) for n in re.findall(r"^### (\d+)\. ", md, flags=re.M)] == [1, 2, 3, 4, 1, 2, 3, 4]
    problems_part, solutions_part = md.split("## Solutions")
    assert "**Answer:**" in solutions_part and "**Answer:**" not in problems_part
    assert md == export("cnn", "-n", "4", "--seed", "2", "--format", "md", "--solutions")  # reproducible
    without = export("cnn", "-n", "4", "--seed", "2", "--format", "md")
    assert "## Solutions" not in without and "**Answer:**" not in without


def test_markdown_keeps_matrices_in_code_blocks_and_options_as_a_list():
    text = "Compute Y for\nX =\n  [ 1  2 ]\n  [ 3  4 ]\nWhich holds?\n  a) one_two\n  b) *three*"
    assert [b.kind for b in blocks(text)] == ["text", "pre", "text", "options"]
    md = md_blocks(text)
    assert "```text\n  [ 1  2 ]\n  [ 3  4 ]\n```" in md
    assert "- **a)** one\\_two" in md and "- **b)** \\*three\\*" in md


def test_latex_structure_solutions_on_new_pages():
    tex = to_latex(sheet())
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert tex.isascii() and balanced(tex)
    head, solutions = tex.split("\\clearpage", 1)
    assert head.count("\\subsection*{") == 6 and solutions.count("\\subsection*{") == 6
    assert "\\section*{Solutions}" in solutions and "\\textbf{Answer:}" not in head
    assert latex_escape(TRICKY) in head  # the user's title, escaped
    assert "\\section*{Solutions}" not in to_latex(sheet(solutions=False))


def test_export_writes_the_file_and_picks_the_format_from_its_suffix(tmp_path):
    target = tmp_path / "sheet.tex"
    CliRunner().invoke(app, ["export", "cnn", "-n", "3", "--seed", "1", "-o", str(target)])
    assert target.read_text().startswith("\\documentclass")
    bad = CliRunner().invoke(app, ["export", "cnn", "--format", "docx"])
    assert "unknown format" in str(bad.exception)


def test_latex_compiles_with_pdflatex_when_installed(tmp_path):
    # the structural checks hold everywhere; the build runs where a TeX install exists
    tex = to_latex(sheet(n=8, seed=5))
    assert tex.isascii() and balanced(tex) and bare_specials(tex.split("\\begin{document}")[1]) == []
    (tmp_path / "sheet.tex").write_text(tex)
    pdflatex = shutil.which("pdflatex")
    if pdflatex is not None:
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]
        assert (tmp_path / "sheet.pdf").stat().st_size > 1000
        assert "Missing character" not in (tmp_path / "sheet.log").read_text(errors="replace")
