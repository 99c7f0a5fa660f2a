"""Study features: review (spaced repetition), stats; exam, export and progress in their modules."""

from typing import TYPE_CHECKING, Annotated, Any, Optional

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

# Each adds its commands to ``app``.
from mpcheck.cli import exam_cmd, export_cmd, progress_cmd  # noqa: E402,F401

DEFAULT_REVIEW = 10


def next_due_line(store, pool: list) -> str:
    from mpcheck.study.schedule import is_due, until, utcnow

    now = utcnow()
    known = {g.id for g in pool}
    cards = [c for c in store.cards() if c.item_id in known]
    due_now = sum(is_due(c, now) for c in cards)
    later = sorted(c.due for c in cards if not is_due(c, now))
    parts = [f"{plural(due_now, 'item')} due now"] if due_now else ["Nothing else is due now"]
    if later:
        parts.append(f"next due {until(later[0], now)}")
        within_day = sum(d - now.timestamp() < 86400 for d in later)
        parts.append(f"{within_day} more within 24 h")
    return "; ".join(parts) + "."


@app.command()
def review(
    topics: TopicsArgument = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=200, help="At most this many items.")] = DEFAULT_REVIEW,
    kind: KindOption = "all",
    topic_option: TopicsOption = None,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", help="Seed for the numbers of the problems.", show_default=False)] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout (the session goes to stderr).")] = False,
) -> None:
    """Spaced review: what is due now, across topics, then new items.

    Each item is a problem family or a concept question, asked with fresh
    numbers. FSRS (as in Anki) schedules it from your answer: wrong → again
    soon, right after a hint → hard, right → good (later). At the end you
    are told when the next items are due. Same commands and input as quiz
    (hint, skip, solution, quit at every prompt); piped stdin works too.

    Examples:
      mpcheck review
      mpcheck review cnn rnn -n 5
      mpcheck review cnn --kind questions
    """
    from mpcheck.study.deck import derive_seed
    from mpcheck.problem import Problem
    from mpcheck.study.schedule import review_queue
    from mpcheck.study.session import LineReader, render_summary, run_practice

    out = err_console() if json else console()
    pool = lookup.selection(chosen_topics(topics, topic_option), kind.lower())
    seed = lookup.session_seed(seed)
    store = open_store()
    try:
        cards = {c.item_id: c for c in store.cards()}
        queue = review_queue(pool, cards, n, seed)
        problems = [Problem.from_seed(g, derive_seed(seed, "review", i)) for i, g in enumerate(queue)]
        due = sum(1 for g in queue if g.id in cards)
        if not problems:
            out.print("Nothing to review. " + next_due_line(store, pool))
            _suggest_exercise(out, store, {g.topic for g in pool})
            if json:
                print_json({"asked": 0, "answered": 0, "correct": 0, "ended": "done", "questions": [],
                            "next": next_due_line(store, pool)})
            return
        out.print(f"[bold]Review[/bold]: {due} due, {len(problems) - due} new (seed {seed}). "
                  "Commands, at every prompt: hint, skip, solution, quit.")
        result = run_practice(problems, LineReader(out), out, recorder(store, "review", session_id("review")))
        render_summary(out, result)
        line = next_due_line(store, pool)
        out.print(line)
        _suggest_exercise(out, store, {g.topic for g in pool})
    finally:
        store.close()
    if json:
        print_json({"seed": seed, **result.to_json(), "next": line})
    exit_if_interrupted(result.ended)


MASTERY_HELP = ("mastery: the share of the topic's items (problem families and concept questions) "
                "you are predicted to recall now: FSRS predicted recall for each item whose last "
                "answer was right, 0 for one answered wrong or never reviewed. recent: right among "
                "the last 20 attempts. due: items to review now (mpcheck review).")


def _suggest_exercise(out: "Console", store, topics: set[str]) -> None:
    """One line offering an exercise of these topics not passed yet (writing the code is review too)."""
    from mpcheck.exercises.progress import suggestion

    references = [r for r in lookup.registry().references.values() if r.topic in topics]
    line = suggestion(store, references)
    if line:
        out.print(line, markup=False)


def render_stats(out: "Console", data: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.0f}%"

    table = Table(title="Progress", title_justify="left")
    for column in ("topic", "attempts", "right", "accuracy", "recent", "due", "seen", "mastery"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for row in data["topics"]:
        table.add_row(Text(row["topic"]), str(row["attempts"]), str(row["correct"]), percent(row["accuracy"]),
                      percent(row["recent"]), str(row["due"]), f"{row['seen']}/{row['items']}",
                      percent(row["mastery"]))
    out.print(table)
    out.print(MASTERY_HELP, style="dim")
    if data["attempts"]:
        out.print(f"{plural(data['attempts'], 'attempt')}, {data['correct']} right "
                  f"({100 * data['accuracy']:.0f}%).")
    coded = [f"{row['topic']} {row['exercises_passed']}/{row['exercises']}" for row in data["topics"] if row.get("exercises")]
    if coded:
        out.print("Exercises passed (mpcheck exercises): " + ", ".join(coded) + ".")


def accuracy_chart(data: dict[str, Any], attempts: list, width: int) -> str:
    """Accuracy over time: per day (dates on the x axis, gaps kept) once there are two days or
    more, else a rolling average by attempt number (whole numbers on the x axis)."""
    import plotext

    from mpcheck.study.stats import day_offsets, rolling_accuracy

    fig = plotext.figure
    fig.clear()
    fig.plot_size(max(40, min(width, 100)), 15)
    days = data["days"]
    if len(days) >= 2:
        x = day_offsets([d["date"] for d in days])
        y = [100 * d["accuracy"] for d in days]
        fig.title("Accuracy per day (%)")
        ticks = integer_ticks(x[-1])
        labels = {offset: d["date"][5:] for offset, d in zip(x, days)}
        fig.ruler(0).ticks(ticks, [labels.get(t) or _date_after(days[0]["date"], t) for t in ticks])
    else:
        y = [100 * v for v in rolling_accuracy(attempts)]
        x = list(range(1, len(y) + 1))
        fig.title("Accuracy over the last 10 attempts (%), by attempt number")
        ticks = integer_ticks(len(y), start=1)
        fig.ruler(0).ticks(ticks, [str(t) for t in ticks])
    line = fig.signal(x, y)
    line.lines()
    fig.draw(line)
    fig.ruler(1).lim(0, 100)
    fig.ruler(1).ticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100"])
    return fig.build().string(colorless=True)


def integer_ticks(last: int, start: int = 0, most: int = 7) -> list[int]:
    """Whole-number ticks from ``start`` to ``last``, at most ``most``, at a round step."""
    span = max(1, last - start)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if span / s <= most - 1)
    return list(range(start, last + 1, step))


def _date_after(first: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(first) + timedelta(days=days)).isoformat()[5:]


@app.command()
def stats(
    topics: TopicsArgument = None,
    topic_option: TopicsOption = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for tools.")] = False,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Draw accuracy over time.")] = True,
) -> None:
    """Your progress per topic, with a chart of accuracy over time.

    Per topic: attempts, accuracy (all attempts) and recent accuracy (the
    last 20), items due for review, items seen, and mastery: the share of
    the topic's items you are predicted to recall now. Each item (a problem
    family or a concept question) counts with its FSRS predicted recall if
    your last answer to it was right, and 0 if it was wrong or it was never
    reviewed; the mean is over all the topic's items. Review what is due
    (mpcheck review) to raise it.

    Examples:
      mpcheck stats
      mpcheck stats cnn --json
    """
    from mpcheck.study import stats as progress

    reg = lookup.registry()
    with open_store() as store:
        attempts, cards = store.attempts(), store.cards()
        # a topic the store still holds (its plugin removed) may be asked for too
        known = list(reg.topics) + sorted({a.topic for a in attempts} - set(reg.topics))
        names = [lookup.topic(t, known) for t in chosen_topics(topics, topic_option)]
    titles = {name: t.title for name, t in reg.topics.items()}
    exercises = progress.items_by_topic([r.key.replace("/", ".") for r in reg.references.values() if r.exercise])
    data = progress.compute(attempts, cards, titles, progress.items_by_topic(list(reg.generators)), only=names,
                            exercises_per_topic=exercises)
    if json:
        print_json(data)
        return
    out = console()
    render_stats(out, data)
    answers = [a for a in attempts if a.mode != "code"]  # passed exercises are counted apart
    if not data["attempts"]:
        out.print("No attempts yet: start with [bold]mpcheck quiz TOPIC[/bold] or [bold]mpcheck review[/bold].")
    elif chart:
        shown = [a for a in answers if a.topic in names] if names else answers
        out.print(accuracy_chart(data, shown, out.width), markup=False, highlight=False)
