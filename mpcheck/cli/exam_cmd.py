"""exam: a timed mock exam over several topics, graded with solutions once handed in."""

import json as jsonlib
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, err_console, print_json
from mpcheck.cli.quiz import (
    KindOption,
    TopicsArgument,
    TopicsOption,
    chosen_topics,
    exit_if_interrupted,
    open_store,
    plural,
    recorder,
    session_id,
)

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_QUESTIONS = 10
ENDINGS = {"done": "All questions answered.", "time": "Time is up: the paper was handed in.",
           "quit": "Handed in early.", "eof": "End of input: the paper was handed in.",
           "interrupted": "Interrupted: the paper was handed in."}


def exam_pool(topics: list[str], kind: str = "all"):
    """What a paper may ask: the topics' generators and questions (all topics when none given)."""
    return lookup.selection(topics, kind)


def render_report(out: "Console", result) -> None:
    from rich.table import Table
    from rich.text import Text

    out.print()
    out.rule("[bold]Exam report[/bold]")
    out.print(ENDINGS[result.ended])
    table = Table(title="Questions", title_justify="left")
    for column in ("#", "problem", "your answer", "result", "expected"):
        table.add_column(column, justify="right" if column == "#" else "left", overflow="fold")
    for number, o in enumerate(result.outcomes, 1):
        # answers are the student's text: never read as Rich markup
        table.add_row(str(number), o.problem.id, Text(_shown_answer(o)), _result_label(o),
                      Text(o.problem.answer_text))
    out.print(table)
    topics = Table(title="By topic", title_justify="left")
    for column in ("topic", "questions", "right", "points"):
        topics.add_column(column, justify="left" if column == "topic" else "right")
    for row in result.topic_scores():
        topics.add_row(row["topic"], str(row["questions"]), str(row["correct"]), f"{row['score']:.1f}")
    out.print(topics)
    for number, o in enumerate(result.outcomes, 1):
        if not o.correct:
            _render_correction(out, number, o)
    total = len(result.outcomes)
    out.print(Text(f"Score: {result.score:.1f} of {total} ({100 * result.score / total:.0f}%) in "
                   f"{result.elapsed / 60:.1f} of {plural(result.minutes, 'minute')}.", style="bold"))


def _shown_answer(o) -> str:
    if o.status in ("blank", "skipped"):
        return "(blank)"
    try:  # a multi-part answer is kept as a JSON object of part texts: show it one part per line
        parts = jsonlib.loads(o.answer or "")
    except ValueError:
        parts = None
    if isinstance(parts, dict):
        return "\n".join(f"{name}: {text}" for name, text in parts.items())
    return o.answer or ""


def _result_label(o) -> str:
    if o.status == "late":
        return "[red]✗ after the time[/red]"
    if o.verdict is None:
        return "[red]✗ blank[/red]"
    if o.verdict.error:
        return "[red]✗ unreadable[/red]"
    if o.correct:
        return "[green]✓[/green]"
    if o.verdict.mistake:
        return f"[red]✗ {o.verdict.mistake}[/red]"
    return f"[yellow]½ {o.score:.2f}[/yellow]" if o.score > 0 else "[red]✗[/red]"


def _render_correction(out: "Console", number: int, o) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from mpcheck.markup import render
    from mpcheck.problem import expected_lines

    body = Text(render(o.problem.prompt()) + "\n\n")
    v = o.verdict
    if v is not None and v.error:
        body.append("Your answer could not be read: ", style="bold yellow")
        body.append(v.error + "\n")
    elif v is not None:
        body.append(render(v.feedback) + "\n", style="red")
        if v.mistake:
            body.append(f"Recognised mistake: {v.mistake}\n", style="yellow")
    for line in expected_lines(o.problem.answer_text):
        for text, style in line:
            body.append(text, style=style or None)
        body.append("\n")
    body.append("\n" + render(o.problem.solution()))
    out.print(Panel(body, title=f"{number}. {o.problem.generator.title}", title_align="left",
                    subtitle=f"{o.problem.id} · seed {o.problem.seed}", subtitle_align="right"))


@app.command()
def exam(
    topics: TopicsArgument = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=200, help="Questions on the paper.")] = DEFAULT_QUESTIONS,
    minutes: Annotated[Optional[float], typer.Option("--minutes", "-m", min=0.001, help="Time allowed (default: 3 per question).")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", help="Seed: the same seed sets the same paper.", show_default=False)] = None,
    kind: KindOption = "all",
    topic_option: TopicsOption = None,
    schedule: Annotated[bool, typer.Option("--schedule", help="Also update the review schedule with these answers.")] = False,
    no_record: Annotated[bool, typer.Option("--no-record", help="Do not store the attempts.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the graded report as JSON on stdout (the paper goes to stderr).")] = False,
) -> None:
    """Sit a timed mock exam, graded with solutions at the end.

    A mixed paper (all topics unless you name some); no feedback, hints or
    solutions until it is handed in, then a report with scores per topic
    and the worked solutions. Every prompt shows the time left, and a
    warning comes when 5 minutes remain (on a terminal, even while you
    type). At the deadline the paper is handed in; piped, an answer that
    arrives after it is not graded.

    At a prompt: skip puts the question at the end of the paper (it comes
    back while time remains), an empty line leaves it blank, quit hands the
    paper in. An answer that cannot be read is explained and asked again.
    Every question is recorded (mode exam; a blank scores 0); review
    schedules change only with --schedule.

    Examples:
      mpcheck exam
      mpcheck exam cnn rnn -n 8 --minutes 20 --seed 3
      mpcheck exam cnn -n 3 --minutes 5 --json < answers.txt
    """
    from mpcheck.study.exam import MINUTES_PER_QUESTION, build_paper, run_exam
    from mpcheck.study.session import LineReader

    out = err_console() if json else console()
    chosen = lookup.canonical(chosen_topics(topics, topic_option))
    seed = lookup.session_seed(seed)
    minutes = n * MINUTES_PER_QUESTION if minutes is None else minutes
    problems = build_paper(exam_pool(chosen, kind.lower()), n, seed)
    store = None if no_record else open_store()
    record = recorder(store, "exam", session_id("exam"), schedule_items=schedule) if store else None
    out.print(f"[bold]Exam[/bold]: {plural(len(problems), 'question')} on {', '.join(chosen) or 'all topics'}, "
              f"{plural(minutes, 'minute')} (seed {seed}). No feedback until the end; "
              "skip puts a question at the end, an empty line leaves it blank, quit hands the paper in.",
              highlight=False)
    try:
        result = run_exam(problems, LineReader(out), out, minutes, seed, record)
    finally:
        if store is not None:
            store.close()
    render_report(out, result)
    if json:
        print_json({"topics_asked": chosen, **result.to_json()})
    exit_if_interrupted(result.ended)
