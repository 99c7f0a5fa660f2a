"""Worksheets a teaching assistant can hand out: Markdown or LaTeX, solutions optional.

Prompts and solutions are plain Unicode text. Each is cut into blocks: prose lines, choice
options ("  a) ...") and preformatted lines (anything else indented, e.g. matrices), which keep
their alignment in code blocks (Markdown) or typewriter lines (LaTeX).

The LaTeX is pure ASCII: every special character is escaped and every non-ASCII symbol is mapped
to a LaTeX command (see ``latex_symbols``), so the file compiles with a plain pdflatex and the
default fonts, whatever the text contains. A symbol without a mapping is written as [U+XXXX]
rather than breaking the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mpcheck.latex_symbols import latex_escape, latex_tt
from mpcheck.problem import Problem

OPTION = re.compile(r"^\s+([a-h])\)\s+(.*)$")


@dataclass
class Block:
    kind: str  # "text" | "options" | "pre"
    lines: list[str]


def blocks(text: str) -> list[Block]:
    """Cut text into runs of prose lines, option lines and preformatted (indented) lines."""
    out: list[Block] = []
    for line in text.strip("\n").splitlines():
        if not line.strip():
            kind = "blank"
        elif OPTION.match(line):
            kind = "options"
        elif line[:1].isspace():
            kind = "pre"
        else:
            kind = "text"
        if kind == "blank":
            out.append(Block("blank", []))
        elif out and out[-1].kind == kind:
            out[-1].lines.append(line)
        else:
            out.append(Block(kind, [line]))
    return [b for b in out if b.kind != "blank"]


@dataclass
class Worksheet:
    title: str
    problems: list[Problem]
    seed: int
    solutions: bool = False

    def replay(self) -> str:
        return f"seed {self.seed}"


# -- Markdown ----------------------------------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_<]|\](?=[(\[]))")
MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(line: str) -> str:
    line = MD_SPECIAL.sub(r"\\\1", line)
    return MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def md_fence(lines: list[str]) -> str:
    # a fence longer than any backtick run inside, so no text can close it early
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + "text", *lines, fence])


def md_blocks(text: str) -> str:
    parts = []
    for block in blocks(text):
        if block.kind == "text":
            parts.append("  \n".join(md_escape(line) for line in block.lines))
        elif block.kind == "options":
            parts.append("\n".join(f"- **{m.group(1)})** {md_escape(m.group(2))}"
                                   for m in map(OPTION.match, block.lines)))
        else:
            parts.append(md_fence(block.lines))
    return "\n\n".join(parts)


def to_markdown(sheet: Worksheet) -> str:
    out = [f"# {md_escape(sheet.title)}", "",
           f"{len(sheet.problems)} problem{'s' if len(sheet.problems) != 1 else ''} · {sheet.replay()}", "", "## Problems", ""]
    for number, problem in enumerate(sheet.problems, 1):
        out += [f"### {number}. {md_escape(problem.generator.title)}", "", md_blocks(problem.prompt()), ""]
        if problem.generator.answer_kind.instructions:
            out += [f"*{md_escape(problem.generator.answer_kind.instructions)}*", ""]
        out += [f"<sub>{problem.id} · seed {problem.seed}</sub>", ""]
    if sheet.solutions:
        out += ["---", "", "## Solutions", ""]
        for number, problem in enumerate(sheet.problems, 1):
            out += [f"### {number}. {md_escape(problem.generator.title)}", "",
                    "**Answer:** " + md_code(problem.answer_text), "", md_blocks(problem.solution()), ""]
    return "\n".join(out).rstrip() + "\n"


def md_code(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}" if "\n" not in text else md_fence(text.splitlines())


# -- LaTeX -------------------------------------------------------------------------------------

TEX_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.4cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
\pagestyle{plain}
"""


def tex_blocks(text: str) -> str:
    parts = []
    for block in blocks(text):
        if block.kind == "text":
            parts.append("\n\n".join(latex_escape(line) for line in block.lines))
        elif block.kind == "options":
            items = [f"  \\item[{m.group(1)})] {latex_escape(m.group(2))}" for m in map(OPTION.match, block.lines)]
            parts.append("\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}")
        else:
            lines = [latex_tt(line) for line in block.lines]
            parts.append("\\begin{flushleft}\\ttfamily\n" + "\\\\\n".join(lines) + "\n\\end{flushleft}")
    return "\n\n".join(parts)


def to_latex(sheet: Worksheet) -> str:
    out = [TEX_PREAMBLE, "\\begin{document}",
           f"\\section*{{{latex_escape(sheet.title)}}}",
           f"{len(sheet.problems)} problem{'s' if len(sheet.problems) != 1 else ''}, {latex_escape(sheet.replay())}.", ""]
    for number, problem in enumerate(sheet.problems, 1):
        out += [f"\\subsection*{{{number}. {latex_escape(problem.generator.title)}}}",
                tex_blocks(problem.prompt()), ""]
        if problem.generator.answer_kind.instructions:
            out += [f"\\textit{{{latex_escape(problem.generator.answer_kind.instructions)}}}", ""]
        out += [f"{{\\footnotesize\\texttt{{{latex_tt(problem.id)} seed {problem.seed}}}}}", ""]
    if sheet.solutions:
        out += ["\\clearpage", "\\section*{Solutions}", ""]
        for number, problem in enumerate(sheet.problems, 1):
            out += [f"\\subsection*{{{number}. {latex_escape(problem.generator.title)}}}",
                    "\\textbf{Answer:}",
                    "\\begin{flushleft}\\ttfamily\n" + "\\\\\n".join(
                        latex_tt(line) for line in problem.answer_text.splitlines()) + "\n\\end{flushleft}",
                    tex_blocks(problem.solution()), ""]
    out.append("\\end{document}")
    return "\n".join(out) + "\n"
