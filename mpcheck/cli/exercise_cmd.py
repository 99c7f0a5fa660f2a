"""exercises and exercise start/check: write a reference implementation yourself, have it checked.

The check runs your file in a child process with limits (mpcheck.exercises.sandbox); this module
imports neither torch nor your code.
"""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from mpcheck.cli.app import app
from mpcheck.cli.output import fail, print_json
from mpcheck.errors import UserError

exercise_app = typer.Typer(help="Write a reference implementation yourself: start a skeleton, check it.",
                           no_args_is_help=True)
app.add_typer(exercise_app, name="exercise")

DEVICES = ("auto", "cpu", "cuda")


def show_text(text: str) -> str:
    """Exercise texts are in the text markup (LaTeX math in $…$); shown as written for now."""
    return text


def _open_store():
    from mpcheck.cli.quiz import open_store

    return open_store()


@app.command("exercises")
def list_exercises(
    topics: Annotated[Optional[list[str]], typer.Argument(help="Only these topics (default: all).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for tools instead of a table.")] = False,
) -> None:
    """List the exercises (write a reference implementation yourself) and which you have passed."""
    from mpcheck.cli import lookup
    from mpcheck.cli.table import Cell, print_lines, print_table
    from mpcheck.exercises import exercises
    from mpcheck.exercises.progress import item_id, passes

    for topic in topics or []:
        lookup.topic(topic)
    refs = exercises(topics)
    with _open_store() as store:
        done = passes(store)
    rows = [{"exercise": r.key, "topic": r.topic, "name": r.name, "function": r.exercise.function,
             "title": r.title, "oracle": r.oracle, "mistakes": [m.name for m in r.exercise.mistakes],
             "forbidden": list(r.exercise.forbidden), "passed": item_id(r) in done,
             "passed_at": done.get(item_id(r))} for r in refs]
    if json:
        print_json(rows)
        return
    if not rows:
        raise UserError(f"no exercises{' in ' + ', '.join(topics) if topics else ''} yet")
    print_table("Exercises", ["exercise", "function", "title", "passed"],
                [[row["exercise"], row["function"], row["title"],
                  Cell("✓ " + row["passed_at"][:10], "green") if row["passed"] else ""] for row in rows],
                flexible="title")
    passed = sum(row["passed"] for row in rows)
    first = next((row for row in rows if not row["passed"]), rows[0])
    print_lines([[], [(f"{passed} of {len(rows)} passed. Next: ", ""),
                      (f"mpcheck exercise start {first['topic']} {first['name']}", "bold"), (".", "")]])


@exercise_app.command("start")
def start(
    topic: Annotated[str, typer.Argument(help="Topic, e.g. cnn.")],
    name: Annotated[str, typer.Argument(help="Exercise, e.g. conv2d (see `mpcheck exercises`).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of NAME.py "
                                                   "in the current folder.")] = None,
) -> None:
    """Write a skeleton to fill in: the signature, the formula, the imports.

    Never overwrites a file. Then: mpcheck exercise check FILE.

    Examples:
      mpcheck exercise start cnn conv2d
      mpcheck exercise start rnn lstm-cell -o my_lstm.py
    """
    from mpcheck.cli import lookup
    from mpcheck.exercises import find
    from mpcheck.exercises.skeleton import default_filename, skeleton

    lookup.topic(topic)
    reference = find(f"{topic}/{name}")
    path = output or Path(default_filename(reference))
    text = skeleton(reference, path.name)
    try:
        with open(path, "x", encoding="utf-8") as file:  # "x": never overwrite
            file.write(text)
    except FileExistsError:
        raise UserError(f"{path} exists; not overwriting it (move it away, or pick another name with -o)") from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    print(f"Wrote {path}: write {reference.exercise.function} there, then run\n"
          f"    mpcheck exercise check {path}")


def _which(path: Path, explicit: str | None):
    """The exercise a file answers: --exercise, else its header line."""
    from mpcheck.exercises import find
    from mpcheck.exercises.sandbox import read_source
    from mpcheck.exercises.skeleton import HEADER, exercise_key

    if explicit:
        return find(explicit)
    text, problem = read_source(path)
    if text is None:
        raise UserError(problem)
    key = exercise_key(text)
    if key is None:
        raise UserError(f"does not say which exercise it is: add a line "
                        f"'{HEADER.format(key='TOPIC/NAME')}' at the top, or use --exercise TOPIC/NAME")
    return find(key)


def _limits(time_limit: float, memory_limit: float):
    from mpcheck.exercises.sandbox import Limits

    return Limits(wall_s=time_limit, cpu_s=time_limit, memory_mb=memory_limit)


def _device(device: str) -> str:
    import os

    from mpcheck.reference import DEVICE_ENV

    chosen = (device or os.environ.get(DEVICE_ENV) or "auto").lower()
    if chosen not in DEVICES:
        raise UserError(f"unknown device {chosen!r}: use auto, cpu or cuda")
    return chosen


@exercise_app.command("check")
def check(
    file: Annotated[Optional[Path], typer.Argument(help="Your file (from `mpcheck exercise start`).")] = None,
    exercise: Annotated[Optional[str], typer.Option("--exercise", "-e", help="TOPIC/NAME, when the file has no "
                                                    "'# mpcheck exercise:' line.")] = None,
    device: Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda. "
                                        "Default: $MPCHECK_DEVICE, else auto.")] = "",
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    hint: Annotated[bool, typer.Option("--hint", help="Show the exercise's hint first.")] = False,
    solution: Annotated[bool, typer.Option("--solution", help="Show the reference solution (asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="With --solution: do not ask.")] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed of the random cases "
                                                "(default: new ones each run).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="Check every file (or student folder) in DIR; "
                                                  "one JSON line each.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="With --batch: files checked at once.")] = 1,
    time_limit: Annotated[float, typer.Option("--time-limit", min=1, help="Seconds of wall-clock and CPU time "
                                              "per file, starting Python included.")] = 60.0,
    memory_limit: Annotated[float, typer.Option("--memory-limit", min=64, help="Megabytes the code may "
                                                "allocate.")] = 4096.0,
    no_record: Annotated[bool, typer.Option("--no-record", help="Do not record a pass in your progress.")] = False,
) -> None:
    """Check your implementation against the oracle, case by case.

    Your file runs in a child process with a time and a memory limit; the
    built-ins the exercise asks you to write yourself raise an error there.
    The cases: fixed ones, then random shapes drawn anew each run, in float64
    and float32. A known bug is named. Exit code 0: all cases pass, 1: some
    fail, 2: the file could not run (syntax or import error, no such function).

    The limits guard against mistakes, not against malice: to grade code you
    do not trust, run mpcheck in a container (see docs/exercises.md).

    Examples:
      mpcheck exercise check conv2d.py
      mpcheck exercise check my_conv.py --exercise cnn/conv2d --device cuda
      mpcheck exercise check --batch submissions/ --jobs 4 > results.jsonl
    """
    limits = _limits(time_limit, memory_limit)
    target = _device(device)
    if batch is not None:
        from mpcheck.cli.exercise_batch import run_batch

        run_batch(batch, exercise, target, seed, limits, jobs)
        return
    if file is None:
        fail("give your FILE (or --batch DIR)")
    try:
        reference = _which(file, exercise)
    except UserError as exc:
        raise UserError(f"{file}: {exc}") from None
    if solution:
        _show_solution(reference, yes)
        return
    if hint:
        print(f"Hint: {show_text(reference.exercise.hint or 'no hint for this one.')}\n")
    from mpcheck.exercises.sandbox import run_file

    checked = run_file(file, reference, target, seed, limits)
    if json:
        print_json({**checked.to_json(), "report": checked.report, "stdout": checked.stdout,
                    "stderr": checked.stderr})
    else:
        from mpcheck.cli.exercise_report import render

        render(checked, reference, file, show_text, verdict=checked.exit_code != 2)
    if checked.passed and not no_record:
        from mpcheck.exercises.progress import record_pass

        with _open_store() as store:
            record_pass(store, reference, checked)
        if not json:
            print("Recorded in your progress (`mpcheck exercises` lists what you have passed).")
    if checked.exit_code == 2 and not json:
        fail(f"{file} could not run: {checked.error}")
    raise typer.Exit(checked.exit_code)


def _show_solution(reference: Any, yes: bool) -> None:
    import sys

    from mpcheck.cli.ref import source_text

    if not yes:
        if not sys.stdin.isatty():
            raise UserError("--solution asks before it shows the solution: run it in a terminal, or add --yes")
        sys.stderr.write(f"Show the reference solution of {reference.key}? Trying a little longer teaches more. [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            sys.stderr.write("Not shown.\n")
            return
    module = reference.source_module
    code = source_text(module)
    from mpcheck.cli.output import console

    out = console()
    if not out.is_terminal:
        sys.stdout.write(f"# {module}: {reference.exercise.function} is the solution of {reference.key}\n{code}")
        return
    from rich.syntax import Syntax

    out.rule(f"{module}: {reference.exercise.function}")
    out.print(Syntax(code, "python", line_numbers=True, word_wrap=True))
