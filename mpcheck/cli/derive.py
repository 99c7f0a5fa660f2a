"""``mpcheck derive``: machine-checked derivations, shown, exported or practised step by step."""

import sys
from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, fail, print_json

DERIVE_HELP = """Machine-checked derivations: every step is verified by SymPy or on random instances.

[bold]mpcheck derive --list[/bold]: the derivations, by topic.

[bold]mpcheck derive elbo[/bold]: the walkthrough; each step shows ✓ (verified), ✗ (failed) or ? (unchecked) and the method that checked it: symbolic (proved in general), instances or numeric (with how many cases or draws).

[bold]mpcheck derive elbo --latex[/bold]: the title and an align* environment to paste into a document; add --standalone for a whole document that pdflatex compiles.

[bold]mpcheck derive elbo --json[/bold]: for tools (name, title, verified, steps).

[bold]mpcheck derive elbo --practice[/bold]: each step is hidden; type it (e.g. -x/y), or hint, skip, quit. Works with piped input, one line per step.

Exit code: 0 when every step is verified, 1 when one is not, 2 for an unknown name.
"""



def _derivations() -> dict:
    return lookup.registry().derivations


def _find(name: str):
    table = _derivations()
    if name not in table:
        fail(f"unknown derivation {name!r}{lookup.suggest(name, list(table))} "
             "(`mpcheck derive --list` lists them)")
    return table[name]


def _list(json: bool) -> None:
    rows = [{"name": d.name, "title": d.title, "topic": d.topic, "summary": d.summary}
            for d in sorted(_derivations().values(), key=lambda d: (d.topic, d.name))]
    if json:
        print_json(rows)
        return
    from mpcheck.cli.table import print_lines, print_table

    print_table("Derivations", ["name", "topic", "title"],
                [[row[key] for key in ("name", "topic", "title")] for row in rows], flexible="title")
    print_lines([[], [("Next: ", ""), ("mpcheck derive NAME", "bold"),
                      (", or add --practice to type the steps yourself.", "")]])


def _run(derivation, verify: bool = True):
    from mpcheck.derive import run

    try:
        return run(derivation, verify=verify)
    except Exception as exc:  # a broken derivation module is reported, not a traceback
        fail(f"derivation {derivation.name!r} could not be built: {type(exc).__name__}: {exc}")


def _mark(line) -> str:
    outcome = line.outcome
    if outcome.method == "unchecked":
        return "[yellow]? unchecked[/yellow]"
    if outcome.verified:
        # a check on finitely many cases says how many, beside the ✓
        count = f" ({outcome.count})" if outcome.count else ""
        return f"[green]✓ {outcome.method}{count}[/green]"
    return f"[red]✗ {outcome.method}[/red]"


def _show(report) -> None:
    from mpcheck.derive import render

    out = console()
    out.print(f"[bold]{_escape(render.render(report.title))}[/bold]", highlight=False)
    for assumption in report.walkthrough.assumptions:
        out.print(f"  assume: {render.render(assumption)}", markup=False)
    out.print()
    for line in report.lines:
        out.print(render.line_text(line), markup=False, highlight=False)
        reason = _escape(render.reason_text(line))
        if line.outcome is None:
            out.print(f"    [dim]given:[/dim] {reason}")
        else:
            detail = f" [dim]({_escape(line.outcome.detail)})[/dim]" if not line.outcome.verified else ""
            out.print(f"    {_mark(line)}  {reason}{detail}")
        out.print()
    steps = report.steps
    good = sum(line.outcome.verified for line in steps)
    verdict = "[green]verified[/green]" if report.verified else "[red]not fully verified[/red]"
    out.print(f"{good} of {len(steps)} steps checked: {verdict}.")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _read_line(prompt: str) -> str | None:
    """One line from the student; None at end of input."""
    out = console()
    if sys.stdin.isatty():
        try:
            return input(prompt)
        except EOFError:
            return None
    out.print(prompt, markup=False, end="")
    line = sys.stdin.readline()
    if not line:
        out.print()
        return None
    out.print(line.rstrip("\n"), markup=False)
    return line.strip()


def _practice(report) -> None:
    from mpcheck.derive import render
    from mpcheck.derive.practice import grade, hint_for, question_for
    from mpcheck.errors import AnswerError

    out = console()
    out.print(f"[bold]{_escape(render.render(report.title))}[/bold] — type each hidden step; "
              "'hint', 'skip' or 'quit' work too.")
    for assumption in report.walkthrough.assumptions:
        out.print(f"  assume: {render.render(assumption)}", markup=False)
    where = dict(report.walkthrough.where)
    asked = right = 0
    for line in report.lines:
        question = question_for(line, where)
        if question is None:
            out.print(render.line_text(line), markup=False)
            out.print(f"    [dim]{_escape(render.reason_text(line))}[/dim]")
            continue
        asked += 1
        out.print(f"\nNext step: {_escape(render.render(question.cue))}")
        if question.variables:
            out.print(f"  (type {question.typing_guide})", markup=False)
        while True:
            text = _read_line(f"  {question.prompt} ")
            if text is None or text.lower() in ("quit", "q", "exit"):
                out.print(f"Stopped. {right} of {asked} steps typed right.")
                return
            if text.lower() in ("hint", "h", "?"):
                out.print(f"  hint: {_escape(render.render(hint_for(line.item, question)))}")
                continue
            if text.lower() in ("skip", "s", ""):
                out.print("  The step is:")
                break
            try:
                match = grade(question, text, where)
            except AnswerError as exc:
                out.print(f"  [yellow]{_escape(str(exc))}[/yellow] — try again.")
                continue
            if match.correct:
                right += 1
                out.print(f"  [green]✓ right[/green] ({match.method})")
            else:
                out.print("  [red]✗ not quite.[/red] The step is:")
            break
        out.print(render.line_text(line), markup=False)
        out.print(f"    [dim]{_escape(render.reason_text(line))}[/dim]")
    out.print(f"\nDone: {right} of {asked} steps typed right.")


@app.command(help=DERIVE_HELP)
def derive(
    name: Annotated[Optional[str], typer.Argument(help="Derivation name, e.g. elbo (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the derivations.")] = False,
    latex: Annotated[bool, typer.Option("--latex", help="Print LaTeX: the title and an align* environment.")] = False,
    standalone: Annotated[bool, typer.Option("--standalone", help="With --latex: a whole document for pdflatex.")] = False,
    practice: Annotated[bool, typer.Option("--practice", help="Hide each step and type it yourself.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for tools.")] = False,
) -> None:
    if list_ or name is None:
        _list(json)
        return
    latex = latex or standalone
    if sum((latex, practice, json)) > 1:
        fail("choose one of --latex, --practice and --json")
    report = _run(_find(name), verify=not practice)
    if practice:
        _practice(report)
        return
    if json:
        print_json(report.to_json())
    elif latex:
        sys.stdout.write(report.latex(standalone=standalone))
    else:
        _show(report)
    if not report.verified:
        raise typer.Exit(1)
