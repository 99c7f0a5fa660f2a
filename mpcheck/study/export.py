"""Worksheets a teaching assistant can hand out: LaTeX (for pdflatex) or Markdown.

Every text is in the text markup (``mpcheck.markup``): on a sheet its math is typeset, matrices
are ``bmatrix``, formula answers come from ``sympy.latex``. Problems are numbered, each with its
id and seed in small print so that the sheet can be regenerated; answers and worked solutions go
in an answer key at the end, or right after each problem (``inline``). ``space`` leaves room to
write the answer, sized to what is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from mpcheck.answers.paper import answer_markup, paper_instructions
from mpcheck.markup import render
from mpcheck.problem import Problem

#: room left for an answer with ``space``, by answer kind (cm)
SPACE_CM = {"matrix": 6.0, "vector": 4.0, "multi-part": 6.0, "expression": 5.0, "choice": 1.5,
            "boolean": 1.5}
DEFAULT_SPACE_CM = 3.5


@dataclass
class Worksheet:
    title: str
    problems: list[Problem]
    seed: int
    solutions: bool = False
    #: with ``solutions``: each solution right after its problem instead of in a key at the end
    inline: bool = False
    #: leave room for the answer under each problem
    space: bool = False
    #: the command that writes this sheet again (shown in small print)
    command: str = ""

    def replay(self) -> str:
        return self.command or f"seed {self.seed}"


def _title(problem: Problem) -> str:
    return problem.generator.title


def _space_cm(problem: Problem) -> float:
    return SPACE_CM.get(problem.generator.answer_kind.name, DEFAULT_SPACE_CM)


def _answer_and_solution(problem: Problem) -> str:
    """The answer key entry of one problem, in the markup."""
    answer = answer_markup(problem.generator.answer_kind, problem.answer)
    joiner = "\n" if answer.startswith("$$") or "\n" in answer else " "
    return f"Answer:{joiner}{answer}\n\n{problem.solution()}"


# -- LaTeX -------------------------------------------------------------------------------------

TEX_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
% Latin Modern where installed (sharper text, T1 hyphenation); plain TeX Live has Computer Modern
\IfFileExists{lmodern.sty}{\usepackage[T1]{fontenc}\usepackage{lmodern}}{}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.45em}
\setcounter{MaxMatrixCols}{20}
\allowdisplaybreaks
\emergencystretch=2em
% ragged right: worked solutions are lines of formulas, which justified text would stretch or overflow
\AtBeginDocument{\raggedright}
\pagestyle{plain}
% the title, then the id and seed flush right: on the same line if they fit, else on the next
% (the TeXbook's trick for a signature at the end of a paragraph)
\newcommand{\problemhead}[3]{\par\medskip\noindent{\raggedright\textbf{#1.\ #2}\unskip\nobreak\hfil
  \penalty50\hskip2em\hbox{}\nobreak\hfil{\scriptsize\ttfamily\mbox{#3}}{\parfillskip=0pt\par}}\nopagebreak}
"""


def _tex(text: str) -> str:
    return render(text, "latex")


def _tt(text: str) -> str:
    """Typewriter text: escaped, and ``--`` kept as two hyphens (not a dash)."""
    from mpcheck.markup.paper import latex_text

    return "\\texttt{" + latex_text(text).replace("-", "-{}") + "}"


def _tex_problem(sheet: Worksheet, number: int, problem: Problem) -> list[str]:
    kind = problem.generator.answer_kind
    where = f"{problem.id}, seed {problem.seed}" if problem.seed is not None else problem.id
    out = [f"\\problemhead{{{number}}}{{{_tex(_title(problem))}}}{{{_tex(where)}}}",
           _tex(problem.prompt())]
    note = paper_instructions(kind)
    if note:
        out.append(f"\n{{\\small\\itshape {_tex(note)}}}")
    if sheet.space:
        out.append(f"\\vspace*{{{_space_cm(problem):g}cm}}")
    if sheet.solutions and sheet.inline:
        out.append("\\begin{quote}\\small\n\\textbf{Solution.} " + _tex(_answer_and_solution(problem))
                   + "\n\\end{quote}")
    return out


def to_latex(sheet: Worksheet) -> str:
    out = [TEX_PREAMBLE, "\\begin{document}", f"\\section*{{{_tex(sheet.title)}}}",
           f"{{\\small {len(sheet.problems)} problem{'s' if len(sheet.problems) != 1 else ''}. "
           f"To print this sheet again: {_tt(sheet.replay())}}}", ""]
    for number, problem in enumerate(sheet.problems, 1):
        out += _tex_problem(sheet, number, problem) + [""]
    if sheet.solutions and not sheet.inline:
        out += ["\\clearpage", "\\section*{Answer key}", ""]
        for number, problem in enumerate(sheet.problems, 1):
            out += [f"\\problemhead{{{number}}}{{{_tex(_title(problem))}}}{{{_tex(problem.id)}}}",
                    _tex(_answer_and_solution(problem)), ""]
    out.append("\\end{document}")
    return "\n".join(out) + "\n"


# -- Markdown ----------------------------------------------------------------------------------

def _md(text: str) -> str:
    return render(text, "markdown")


def _md_problem(sheet: Worksheet, number: int, problem: Problem) -> list[str]:
    where = f"{problem.id} · seed {problem.seed}" if problem.seed is not None else problem.id
    out = [f"### {number}. {_md(_title(problem))}", "", f"<sub>{_md(where)}</sub>", "", _md(problem.prompt()), ""]
    note = paper_instructions(problem.generator.answer_kind)
    if note:
        out += [f"*{_md(note)}*", ""]
    if sheet.space:
        out += ["**Answer:**" + "<br>" * max(2, round(_space_cm(problem))), ""]
    if sheet.solutions and sheet.inline:
        out += ["<details><summary>Solution</summary>", "", _md(_answer_and_solution(problem)), "",
                "</details>", ""]
    return out


def to_markdown(sheet: Worksheet) -> str:
    count = len(sheet.problems)
    out = [f"# {_md(sheet.title)}", "",
           f"{count} problem{'s' if count != 1 else ''}. To print this sheet again: `{sheet.replay()}`", ""]
    for number, problem in enumerate(sheet.problems, 1):
        out += _md_problem(sheet, number, problem)
    if sheet.solutions and not sheet.inline:
        out += ["---", "", "## Answer key", ""]
        for number, problem in enumerate(sheet.problems, 1):
            out += [f"### {number}. {_md(_title(problem))}", "", _md(_answer_and_solution(problem)), ""]
    return "\n".join(out).rstrip() + "\n"
