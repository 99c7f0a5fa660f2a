"""export: a worksheet of problems (and, on separate pages, their solutions) in Markdown or LaTeX."""

from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import write_text, err_console
from mpcheck.cli.quiz import KindOption, TopicsArgument, TopicsOption, chosen_topics, plural
from mpcheck.errors import UserError

FORMATS = ("md", "tex")


def worksheet_pool(names: list[str], kind: str = "all") -> list:
    """Generators for each name: a topic gives all of its problems, a problem id just that one."""
    return lookup.selection(names, kind)


def pick_format(fmt: str | None, output: str | None) -> str:
    if fmt is None:
        fmt = "tex" if output and output.endswith(".tex") else "md"
    fmt = fmt.lower().lstrip(".")
    fmt = {"markdown": "md", "latex": "tex"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}: use md or tex")
    return fmt


@app.command()
def export(
    topics: TopicsArgument = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=500, help="Problems on the sheet, in total.")] = 10,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", help="Seed: the same seed gives the same sheet.", show_default=False)] = None,
    kind: KindOption = "all",
    topic_option: TopicsOption = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="md or tex (default: from the -o suffix, else md).")] = None,
    solutions: Annotated[bool, typer.Option("--solutions", help="Add answers and worked solutions: in an answer key at the end (LaTeX: on new pages), or see --inline.")] = False,
    inline: Annotated[bool, typer.Option("--inline", help="With --solutions: each solution right after its problem instead of in a key at the end.")] = False,
    space: Annotated[bool, typer.Option("--space", help="Leave room under each problem to write the answer.")] = False,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write to FILE (default: stdout).", metavar="FILE")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the sheet.")] = None,
) -> None:
    """Write a worksheet to hand out, in LaTeX or Markdown.

    Numbered problems mixed across the topics, each with its id and seed in
    small print; the formulas are typeset. With --solutions the answers and
    worked solutions follow in an answer key (LaTeX: on new pages), or with
    --inline right after each problem; --space leaves room for answers.
    -n counts problems in total. The LaTeX compiles with pdflatex; the
    Markdown shows its $…$ math on GitHub and in Jupyter. Topics
    and --kind as in quiz; nothing twice on a sheet before every item of
    its topic is on it.

    Examples:
      mpcheck export cnn -n 8 --seed 1 --format md -o sheet.md
      mpcheck export cnn rnn -n 12 --seed 2 --space --solutions -o sheet.tex && pdflatex sheet.tex
      mpcheck export cnn.conv-output-size -n 5 --seed 3 --solutions --inline
    """
    from mpcheck.study.exam import build_paper
    from mpcheck.study.export import Worksheet, to_latex, to_markdown

    fmt = pick_format(fmt, output)
    names = lookup.canonical(chosen_topics(topics, topic_option))
    seed = lookup.session_seed(seed)
    problems = build_paper(worksheet_pool(names, kind.lower()), n, seed)
    command = " ".join(["mpcheck export", *names, f"-n {n} --seed {seed}"]
                       + ([f"--kind {kind.lower()}"] if kind.lower() != "all" else [])
                       + ["--solutions"] * solutions + ["--inline"] * (solutions and inline)
                       + ["--space"] * space)
    sheet = Worksheet(title or "Exercises: " + (", ".join(names) or "all topics"), problems, seed, solutions,
                      inline=inline, space=space, command=command)
    text = to_latex(sheet) if fmt == "tex" else to_markdown(sheet)
    if not write_text(text, output):
        return
    err_console().print(f"Wrote {plural(len(problems), 'problem')}{' with solutions' if solutions else ''} to {output} "
                      f"(seed {seed}).", markup=False, highlight=False)
