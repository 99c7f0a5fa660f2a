"""Study features: review (spaced repetition), stats; exam, export and progress in their modules."""

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, err_console, print_json
from mpcheck.cli.quiz import new_session_seed, open_store, recorder, session_id

if TYPE_CHECKING:
    from rich.console import Console

# Each adds its commands to ``app``.
from mpcheck.cli import exam_cmd, export_cmd, progress_cmd  # noqa: E402,F401

DEFAULT_REVIEW = 10


def _generators(topic: str | None) -> list:
    if topic is not None:
        lookup.topic(topic)
    return [g for g in lookup.registry().generators.values() if topic is None or g.topic == topic]


def next_due_line(store, topic: str | None) -> str:
    from mpcheck.schedule import is_due, until, utcnow

    now = utcnow()
    known = {g.id for g in _generators(topic)}
    cards = [c for c in store.cards(topic) if c.item_id in known]
    due_now = sum(is_due(c, now) for c in cards)
    later = sorted(c.due for c in cards if not is_due(c, now))
    parts = [f"{due_now} item{'s' if due_now != 1 else ''} due now"] if due_now else ["Nothing else is due now"]
    if later:
        parts.append(f"next due {until(later[0], now)}")
        within_day = sum(d - now.timestamp() < 86400 for d in later)
        parts.append(f"{within_day} more within 24 h")
    return "; ".join(parts) + "."


@app.command()
def review(
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=200, help="At most this many items.")] = DEFAULT_REVIEW,
    topic: Annotated[Optional[str], typer.Option("--topic", "-t", help="Only this topic.")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed for the numbers of the problems.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout (the session goes to stderr).")] = False,
) -> None:
    """Spaced review: what is due now, across topics, then new items.

    Each item is a problem family or a concept question, asked with fresh
    numbers. FSRS (as in Anki) schedules it from your answer: wrong → again
    soon, right after a hint → hard, right → good (later). At the end you
    are told when the next items are due. Same commands as quiz (hint,
    skip, solution, quit); piped stdin works too.

    Examples:
      mpcheck review
      mpcheck review -n 5 --topic cnn
    """
    from mpcheck.deck import derive_seed
    from mpcheck.problem import Problem
    from mpcheck.schedule import review_queue
    from mpcheck.session import LineReader, render_summary, run_practice

    out = err_console() if json else console()
    generators = _generators(topic)
    seed = new_session_seed() if seed is None else seed
    store = open_store()
    try:
        cards = {c.item_id: c for c in store.cards(topic)}
        queue = review_queue(generators, cards, n, seed)
        problems = [Problem.from_seed(g, derive_seed(seed, "review", i)) for i, g in enumerate(queue)]
        due = sum(1 for g in queue if g.id in cards)
        if not problems:
            out.print("Nothing to review. " + next_due_line(store, topic))
            _suggest_exercise(out, store, topic)
            if json:
                print_json({"asked": 0, "answered": 0, "correct": 0, "ended": "done", "questions": [],
                            "next": next_due_line(store, topic)})
            return
        out.print(f"[bold]Review[/bold]: {due} due, {len(problems) - due} new (seed {seed}). "
                  "Commands: hint, skip, solution, quit.")
        result = run_practice(problems, LineReader(out), out, recorder(store, "review", session_id("review")))
        render_summary(out, result)
        line = next_due_line(store, topic)
        out.print(line)
        _suggest_exercise(out, store, topic)
    finally:
        store.close()
    if json:
        print_json({"seed": seed, **result.to_json(), "next": line})


def _suggest_exercise(out: "Console", store, topic: str | None) -> None:
    """One line offering an exercise not passed yet (writing the code is review too)."""
    from mpcheck.exercises.progress import suggestion

    line = suggestion(store, list(lookup.registry().references.values()), topic)
    if line:
        out.print(line, markup=False)


def render_stats(out: "Console", data: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Progress", title_justify="left")
    for column in ("topic", "attempts", "right", "accuracy", "due", "seen", "mastery"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for row in data["topics"]:
        accuracy = "-" if row["accuracy"] is None else f"{100 * row['accuracy']:.0f}%"
        mastery = "-" if row["mastery"] is None else f"{100 * row['mastery']:.0f}%"
        table.add_row(Text(row["topic"]), str(row["attempts"]), str(row["correct"]), accuracy, str(row["due"]),
                      f"{row['seen']}/{row['items']}", mastery)
    out.print(table)
    out.print("mastery: mean predicted recall (FSRS) over the items seen; due: items to review now.",
              style="dim")
    if data["attempts"]:
        out.print(f"{data['attempts']} attempts, {data['correct']} right "
                  f"({100 * data['accuracy']:.0f}%).")
    coded = [f"{row['topic']} {row['exercises_passed']}/{row['exercises']}" for row in data["topics"] if row.get("exercises")]
    if coded:
        out.print("Exercises passed (mpcheck exercises): " + ", ".join(coded) + ".")


def accuracy_chart(data: dict[str, Any], attempts: list, width: int) -> str:
    """Accuracy over time: per day once there are two days or more, else a rolling average."""
    import plotext

    from mpcheck.stats import rolling_accuracy

    fig = plotext.figure
    fig.clear()
    fig.plot_size(max(40, min(width, 100)), 15)
    days = data["days"]
    if len(days) >= 2:
        x = list(range(1, len(days) + 1))
        y = [100 * d["accuracy"] for d in days]
        fig.title("Accuracy per day (%)")
        step = max(1, len(days) // 6)
        fig.ruler(0).ticks(x[::step], [d["date"][5:] for d in days][::step])
    else:
        y = [100 * v for v in rolling_accuracy(attempts)]
        x = list(range(1, len(y) + 1))
        fig.title("Accuracy over the last 10 attempts (%), by attempt")
    line = fig.signal(x, y)
    line.lines()
    fig.draw(line)
    fig.ruler(1).lim(0, 100)
    return fig.build().string(colorless=True)


@app.command()
def stats(
    topic: Annotated[Optional[str], typer.Option("--topic", "-t", help="Only this topic.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for tools.")] = False,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Draw accuracy over time.")] = True,
) -> None:
    """Your progress per topic, with a chart of accuracy over time.

    Per topic: attempts, accuracy, items due for review, items seen, and
    mastery (mean FSRS predicted recall of the items seen).

    Examples:
      mpcheck stats
      mpcheck stats --topic cnn --json
    """
    from mpcheck import stats as progress

    reg = lookup.registry()
    if topic is not None and topic not in reg.topics:
        lookup.topic(topic)
    with open_store() as store:
        attempts, cards = store.attempts(topic), store.cards(topic)
    titles = {name: t.title for name, t in reg.topics.items()}
    exercises = progress.items_by_topic([r.key.replace("/", ".") for r in reg.references.values() if r.exercise])
    data = progress.compute(attempts, cards, titles, progress.items_by_topic(list(reg.generators)), only=topic,
                            exercises_per_topic=exercises)
    if json:
        print_json(data)
        return
    out = console()
    render_stats(out, data)
    answers = [a for a in attempts if a.mode != "code"]  # passed exercises are counted apart
    if not answers:
        out.print("No attempts yet: start with [bold]mpcheck quiz TOPIC[/bold] or [bold]mpcheck review[/bold].")
    elif chart:
        out.print(accuracy_chart(data, answers, out.width), markup=False, highlight=False)
