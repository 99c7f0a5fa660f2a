"""quiz: an interactive practice session over one topic's generators and concept questions."""

from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, err_console, print_json
from mpcheck.errors import UserError

DEFAULT_QUESTIONS = 5


def new_session_seed() -> int:
    import secrets

    return secrets.randbelow(10**6)


def open_store():
    """The progress store (a damaged one is moved aside and reported on stderr)."""
    from mpcheck.store import Store

    return Store.open()


def recorder(store, mode: str, session: str, schedule_items: bool = True):
    """A function that commits one outcome (and the item's new FSRS schedule) in one transaction."""
    from mpcheck import schedule

    def record(outcome) -> None:
        item = outcome.problem.id
        card = schedule.review(store.card(item), item, outcome.correct, outcome.hints) if schedule_items else None
        store.record(outcome.attempt(mode, session), card)

    return record


def session_id(mode: str) -> str:
    import uuid

    return f"{mode}-{uuid.uuid4().hex[:12]}"


def quiz_problems(topic: str | None, problem_id: str | None, n: int, seed: int):
    """The quiz's problems: the topic's generators and questions mixed, or one generator."""
    from mpcheck.deck import mixed_deck
    from mpcheck.problem import Problem

    if problem_id is not None:
        pool = [lookup.generator(problem_id)]
        if topic is not None and pool[0].topic != topic:
            raise UserError(f"{problem_id} is not in topic {topic!r}")
    else:
        if topic is None:
            raise UserError("give a topic (e.g. `mpcheck quiz cnn`) or --problem ID")
        lookup.topic(topic)
        pool = [g for g in lookup.registry().generators.values() if g.topic == topic]
        if not pool:
            raise UserError(f"topic {topic!r} has no problems yet")
    return [Problem.from_seed(gen, problem_seed) for gen, problem_seed in mixed_deck(pool, n, seed)]


@app.command()
def quiz(
    topic: Annotated[Optional[str], typer.Argument(help="Topic, e.g. cnn (see `mpcheck topics`).")] = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=200, help="How many questions.")] = DEFAULT_QUESTIONS,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed for the whole quiz: the same seed asks the same questions.")] = None,
    problem: Annotated[Optional[str], typer.Option("--problem", help="Only this problem id, with fresh numbers each time.")] = None,
    no_record: Annotated[bool, typer.Option("--no-record", help="Do not store the attempts (nor update review schedules).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout (the session goes to stderr).")] = False,
) -> None:
    """Practise a topic, with feedback and worked solutions.

    At the prompt type your answer, or: hint, skip, solution, quit, help.
    A wrong answer shows the feedback (a known mistake is named), the
    expected answer and the worked solution with the numbers plugged in.
    An answer that cannot be read is explained and asked again.

    Every answer is stored as soon as it is given (see `mpcheck stats`).
    When stdin is not a terminal, one line is read per answer (multi-part
    answers: one line per part, in order), so a quiz can be scripted.

    Examples:
      mpcheck quiz cnn
      mpcheck quiz cnn -n 10 --seed 42
      mpcheck quiz --problem cnn.conv-output-size -n 3
      printf '16x15x15\\nquit\\n' | mpcheck quiz cnn --seed 7 --no-record
    """
    from mpcheck.session import LineReader, render_summary, run_practice

    out = err_console() if json else console()
    seed = new_session_seed() if seed is None else seed
    problems = quiz_problems(topic, problem, n, seed)
    store = None if no_record else open_store()
    record = recorder(store, "practice", session_id("quiz")) if store is not None else None
    label = problem or topic
    out.print(f"[bold]Quiz: {label}[/bold], {len(problems)} question{'s' if len(problems) != 1 else ''} (seed {seed}). "
              "Commands: hint, skip, solution, quit.")
    try:
        result = run_practice(problems, LineReader(out), out, record)
    finally:
        if store is not None:
            store.close()
    render_summary(out, result)
    replay = f"mpcheck quiz {topic or ''}{' --problem ' + problem if problem else ''} -n {n} --seed {seed}"
    out.print(f"Replay this quiz: {' '.join(replay.split())}", highlight=False)
    if store is None:
        out.print("Not recorded (--no-record).", style="dim")
    if json:
        print_json({"topic": topic, "problem": problem, "seed": seed, **result.to_json()})
