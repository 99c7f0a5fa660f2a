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
    from mpcheck.study.store import Store

    return Store.open()


def recorder(store, mode: str, session: str, schedule_items: bool = True):
    """A function that commits one outcome (and the item's new FSRS schedule) in one transaction."""
    from mpcheck.study import schedule

    def record(outcome) -> None:
        item = outcome.problem.id
        card = schedule.review(store.card(item), item, outcome.correct, outcome.hints) if schedule_items else None
        store.record(outcome.attempt(mode, session), card)

    return record


def session_id(mode: str) -> str:
    import uuid

    return f"{mode}-{uuid.uuid4().hex[:12]}"


TopicsArgument = Annotated[Optional[list[str]], typer.Argument(
    help="Topics, e.g. cnn rnn (any case; default: all), or problem ids.", metavar="TOPIC", show_default=False)]
TopicsOption = Annotated[Optional[list[str]], typer.Option(
    "--topics", "--topic", "-t", help="Topics as an option, e.g. -t cnn,rnn (same as the TOPIC arguments).", show_default=False)]
KindOption = Annotated[str, typer.Option(
    "--kind", "-k", help="problems (generated), questions (concept) or all. All favours generated "
    "problems: two for each concept question.", case_sensitive=False)]
SeedOption = Annotated[Optional[int], typer.Option(
    "--seed", "-s", help="Seed for the whole session: the same seed asks the same questions.", show_default=False)]


def chosen_topics(arguments: list[str] | None, option: list[str] | None) -> list[str]:
    """The names typed as arguments and with -t, split at commas, without repeats."""
    return lookup.topic_names([*(arguments or []), *(option or [])])


def quiz_problems(topics: list[str] | str | None, problem_id: str | None, n: int, seed: int,
                  kind: str = "all"):
    """The quiz's problems: the topics' generators and questions mixed (see ``mpcheck.study.deck``),
    or one generator with fresh numbers each time."""
    from mpcheck.study.deck import mixed_deck
    from mpcheck.problem import Problem

    names = [topics] if isinstance(topics, str) else list(topics or [])
    if problem_id is not None:
        pool = [lookup.generator(problem_id)]
        wanted = {lookup.topic(t) for t in names}
        if wanted and pool[0].topic not in wanted:
            raise UserError(f"{pool[0].id} is not in topic {', '.join(sorted(wanted))}")
    else:
        pool = lookup.selection(names, kind.lower())
    return [Problem.from_seed(gen, problem_seed) for gen, problem_seed in mixed_deck(pool, n, seed)]


def exit_if_interrupted(ended: str) -> None:
    """Ctrl-C ends a session with what was answered kept, then exits 130 like any interrupted program."""
    if ended == "interrupted":
        raise typer.Exit(130)


def plural(count: float, noun: str, nouns: str | None = None) -> str:
    """"1 question", "2 questions", "0.5 minutes"."""
    return f"{count:g} {noun if count == 1 else nouns or noun + 's'}"


@app.command()
def quiz(
    topics: TopicsArgument = None,
    n: Annotated[int, typer.Option("-n", "--questions", min=1, max=200, help="How many questions.")] = DEFAULT_QUESTIONS,
    seed: SeedOption = None,
    problem: Annotated[Optional[str], typer.Option("--problem", help="Only this problem id, with fresh numbers each time.")] = None,
    kind: KindOption = "all",
    topic_option: TopicsOption = None,
    no_record: Annotated[bool, typer.Option("--no-record", help="Do not store the attempts (nor update review schedules).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout (the session goes to stderr).")] = False,
) -> None:
    """Practise one or more topics, with feedback and worked solutions.

    At every prompt type your answer, or: hint, skip, solution, quit, help.
    Multi-part answers are asked part by part; a matrix may be typed on one
    line (1 2; 3 4) or row by row, ending with an empty line. A wrong answer
    shows the feedback (a known mistake is named), the expected answer and
    the worked solution; an answer that cannot be read is explained and asked
    again. Positions in matrices count from 1.

    The mix: generated problems, two for each concept question (--kind to
    choose); nothing comes twice before every item of the topic was asked.
    Every answer is stored as soon as it is given (see `mpcheck stats`).
    When stdin is not a terminal, one line is read per answer (multi-part
    answers: one line per part, in order), so a quiz can be scripted.

    Examples:
      mpcheck quiz cnn
      mpcheck quiz cnn rnn -n 10 --seed 42
      mpcheck quiz rnn --kind problems
      mpcheck quiz --problem cnn.conv-output-size -n 3
      printf '16x15x15\\nquit\\n' | mpcheck quiz cnn --seed 7 --no-record
    """
    from mpcheck.study.session import LineReader, render_summary, run_practice

    out = err_console() if json else console()
    names = lookup.canonical(chosen_topics(topics, topic_option))
    seed = lookup.session_seed(seed)
    problems = quiz_problems(names, problem, n, seed, kind)
    store = None if no_record else open_store()
    record = recorder(store, "practice", session_id("quiz")) if store is not None else None
    label = problem or ", ".join(names) or "all topics"
    out.print(f"[bold]Quiz: {label}[/bold], {plural(len(problems), 'question')} (seed {seed}). "
              "Commands, at every prompt: hint, skip, solution, quit.", highlight=False)
    try:
        result = run_practice(problems, LineReader(out), out, record)
    finally:
        if store is not None:
            store.close()
    render_summary(out, result)
    replay = ["mpcheck quiz", *names, f"--problem {problem}" if problem else "",
              f"--kind {kind.lower()}" if kind.lower() != "all" else "", f"-n {n} --seed {seed}"]
    out.print(f"Replay this quiz: {' '.join(part for part in replay if part)}", highlight=False, markup=False)
    if store is None:
        out.print("Not recorded (--no-record).", style="dim")
    if json:
        print_json({"topic": names[0] if len(names) == 1 else None, "topics": names, "problem": problem, "seed": seed, "kind": kind.lower(), **result.to_json()})
    exit_if_interrupted(result.ended)
