"""Worksheets: Markdown and LaTeX structure, math typeset from the markup, and real pdflatex builds
(every topic's sheet compiles with no error and no overfull box over 5 pt) where TeX is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.study.exam import build_paper
from mpcheck.study.export import Worksheet, to_latex, to_markdown

TRICKY = "A & B: 100% of $x_1^2$ #1 {set} ~ \\ | <a> \"q\" é"
#: what a student types at a terminal, which has no place on paper
TERMINAL_SYNTAX = ("Answer with", "e.g. [[", "rows separated", "one row per line", "name: value", "**", "Type ")
PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed here (CI installs it)")


def export(*args: str) -> str:
    result = CliRunner().invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def sheet(n: int = 6, seed: int = 3, topic: str = "cnn", **options) -> Worksheet:
    pool = [g for g in registry().generators.values() if g.topic == topic]
    return Worksheet(TRICKY, build_paper(pool, n, seed), seed, **options)


def balanced(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\.|[{}]", tex, flags=re.S):
        depth += token == "{"
        depth -= token == "}"
        if depth < 0:
            return False
    return depth == 0


def compile_latex(tex: str, folder: Path) -> str:
    """Run pdflatex on ``tex``; the log (the test fails on any error)."""
    (folder / "sheet.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    log = (folder / "sheet.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    return log


def overfull_points(log: str) -> list[float]:
    return [float(points) for points in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", log)]


def test_markdown_numbers_problems_and_puts_the_answer_key_after_them():
    md = export("cnn", "-n", "4", "--seed", "2", "--format", "md", "--solutions")
    assert [int(n) for n in re.findall(r"^### (\d+)\. ", md, flags=re.M)] == [1, 2, 3, 4, 1, 2, 3, 4]
    problems_part, key = md.split("## Answer key")
    assert "Answer:" in key and "Answer:" not in problems_part
    assert md == export("cnn", "-n", "4", "--seed", "2", "--format", "md", "--solutions")  # reproducible
    assert "mpcheck export cnn -n 4 --seed 2 --solutions" in md  # how to print it again
    without = export("cnn", "-n", "4", "--seed", "2", "--format", "md")
    assert "## Answer key" not in without and "Answer:" not in without


def test_markdown_math_stays_math():
    md = to_markdown(sheet(n=8, seed=5, solutions=True))
    assert "$$\n\\begin{bmatrix}" in md  # matrices as display math
    assert "```" not in md  # no code blocks: math, not typewriter
    assert not any(syntax in md for syntax in TERMINAL_SYNTAX)


def test_inline_solutions_and_answer_space():
    inline = to_markdown(sheet(n=3, solutions=True, inline=True))
    assert inline.count("<details>") == 3 and "## Answer key" not in inline
    tex = to_latex(sheet(n=3, solutions=True, inline=True, space=True))
    assert "\\clearpage" not in tex and tex.count("\\textbf{Solution.}") == 3
    assert tex.count("\\vspace*{") == 3
    assert "\\vspace*{" not in to_latex(sheet(n=3))


def test_latex_structure_answer_key_on_new_pages():
    tex = to_latex(sheet(solutions=True))
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert tex.isascii() and balanced(tex)
    head, key = tex.split("\\clearpage", 1)
    assert head.count("\\problemhead{") == 6 and key.count("\\problemhead{") == 6
    assert "\\section*{Answer key}" in key and "Answer:" not in head
    assert r"A \& B: 100\% of $x_1^2$ \#1 \{set\}" in head  # the title, with its math
    assert "\\section*{Answer key}" not in to_latex(sheet())
    assert not any(syntax in tex for syntax in TERMINAL_SYNTAX)


def test_formula_answers_are_typeset_with_sympy_latex():
    pool = [g for g in registry().generators.values() if g.answer_kind.name == "expression"]
    assert pool
    tex = to_latex(Worksheet("formulas", build_paper(pool, 6, 4), 4, solutions=True))
    key = tex.split("\\section*{Answer key}")[1]
    assert "**" not in key and "exp(" not in key and ("\\frac{" in key or "e^{" in key)


def test_export_writes_the_file_and_picks_the_format_from_its_suffix(tmp_path):
    target = tmp_path / "sheet.tex"
    CliRunner().invoke(app, ["export", "cnn", "-n", "3", "--seed", "1", "-o", str(target)])
    assert target.read_text().startswith("\\documentclass")
    bad = CliRunner().invoke(app, ["export", "cnn", "--format", "docx"])
    assert "unknown format" in str(bad.exception)


def _topics_with_problems() -> list[str]:
    return sorted({g.topic for g in registry().generators.values()})


@pytest.mark.parametrize("topic", _topics_with_problems())
def test_every_topic_sheet_is_sound_latex(topic):
    # what can be checked without TeX: every formula went through as math (no typewriter
    # fallback for unreadable markup), ASCII only, braces and environments balanced
    tex = export(topic, "-n", "20", "--seed", "3", "--solutions", "--format", "tex")
    assert tex.isascii() and balanced(tex)
    assert r"\texttt{\$" not in tex and "U+" not in tex
    for name in set(re.findall(r"\\begin\{(\w+\*?)\}", tex)):
        assert tex.count(f"\\begin{{{name}}}") == tex.count(f"\\end{{{name}}}"), name


@needs_pdflatex
@pytest.mark.parametrize("topic", _topics_with_problems())
def test_every_topic_sheet_compiles_without_overfull_boxes(topic, tmp_path):
    tex = export(topic, "-n", "20", "--seed", "3", "--solutions", "--space", "--format", "tex")
    log = compile_latex(tex, tmp_path)
    assert [p for p in overfull_points(log) if p > 5] == [], [
        line for line in log.splitlines() if "Overfull" in line]


@needs_pdflatex
def test_a_mixed_sheet_with_inline_solutions_compiles(tmp_path):
    tex = export(*_topics_with_problems(), "-n", "30", "--seed", "11", "--solutions", "--inline", "--format", "tex")
    log = compile_latex(tex, tmp_path)
    assert [p for p in overfull_points(log) if p > 5] == []
