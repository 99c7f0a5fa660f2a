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
    solutions: Annotated[bool, typer.Option("--solutions", help="Add answers and worked solutions, after the problems (LaTeX: on new pages).")] = False,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write to FILE (default: stdout).", metavar="FILE")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the sheet.")] = None,
) -> None:
    """Write a worksheet to hand out, in Markdown or LaTeX.

    Numbered problems mixed across the topics; with --solutions, the
    answers and worked solutions follow (LaTeX: on new pages). -n counts
    problems in total. The LaTeX compiles with a plain pdflatex. Topics and
    --kind as in quiz: two generated problems for each concept question, and
    nothing twice on a sheet before every item of its topic is on it.

    Examples:
      mpcheck export cnn -n 8 --seed 1 --format md -o sheet.md
      mpcheck export cnn rnn -n 12 --seed 2 --format tex --solutions -o sheet.tex && pdflatex sheet.tex
      mpcheck export cnn.conv-output-size -n 5 --seed 3 --solutions
    """
    from mpcheck.exam import build_paper
    from mpcheck.export import Worksheet, to_latex, to_markdown

    fmt = pick_format(fmt, output)
    names = lookup.canonical(chosen_topics(topics, topic_option))
    seed = lookup.session_seed(seed)
    problems = build_paper(worksheet_pool(names, kind.lower()), n, seed)
    sheet = Worksheet(title or "Exercises: " + (", ".join(names) or "all topics"), problems, seed, solutions)
    text = to_latex(sheet) if fmt == "tex" else to_markdown(sheet)
    if not write_text(text, output):
        return
    err_console().print(f"Wrote {plural(len(problems), 'problem')}{' with solutions' if solutions else ''} to {output} "
                      f"(seed {seed}).", markup=False, highlight=False)
