"""Every text of every registered topic is clean markup that renders for the terminal, LaTeX and
Markdown: generators (a few seeds here; the topic tests run the full kit), concept questions and
their explanations, derivations. And every derivation's LaTeX compiles where pdflatex exists."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mpcheck.cli.lookup import registry
from mpcheck.problem import Problem
from mpcheck.testing import assert_derivation_sound, check_markup, check_static_texts

GENERATORS = sorted(registry().generators)
DERIVATIONS = sorted(registry().derivations)


@pytest.mark.parametrize("generator_id", GENERATORS)
def test_every_text_of_every_generator_is_clean_markup(generator_id):
    generator = registry().generators[generator_id]
    check_static_texts(generator)
    for seed in range(5):
        problem = Problem.from_seed(generator, seed)
        where = f"{generator_id} (seed {seed})"
        check_markup("prompt", problem.prompt(), where)
        check_markup("solution", problem.solution(), where)
        for hint in problem.hints():
            check_markup("hint", hint, where)


@pytest.mark.parametrize("name", DERIVATIONS)
def test_every_derivation_is_sound_and_shown_as_math(name):
    assert_derivation_sound(registry().derivations[name])


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed here (CI installs it)")
@pytest.mark.parametrize("name", DERIVATIONS)
def test_every_derivation_compiles_as_a_standalone_document(name, tmp_path):
    from mpcheck.derive import run

    tex = run(registry().derivations[name]).latex(standalone=True)
    (tmp_path / "d.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    log = (tmp_path / "d.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    overfull = [float(p) for p in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", log)]
    assert [p for p in overfull if p > 5] == []
