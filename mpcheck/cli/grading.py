"""show and check: render one problem, grade one answer, or do either for a batch of JSON lines."""

import json as jsonlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, fail, print_json, print_json_line
from mpcheck.errors import UserError
from mpcheck.limits import TimeLimitExceeded

if TYPE_CHECKING:
    from mpcheck.problem import Problem, Verdict

MAX_BATCH_LINE = 200_000

IdArgument = Annotated[Optional[str], typer.Argument(
    help="Problem id, e.g. cnn.conv-output-size (see `mpcheck problems`).", show_default=False)]
SeedOption = Annotated[Optional[int], typer.Option(
    "--seed", "-s", help="Seed: the same seed gives the same problem on any machine.")]
ParamsOption = Annotated[Optional[str], typer.Option(
    "--params", "-p", help="Explicit params as a JSON object, e.g. '{\"kernel\": 3, ...}'.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for tools.")]
BatchOption = Annotated[Optional[str], typer.Option(
    "--batch", help="Read JSON lines {\"id\", \"seed\" | \"params\", ...} from FILE or - (stdin); "
    "write one JSON result per line, in order.", metavar="FILE|-")]


def render_problem(problem: "Problem", solution: bool = False) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from mpcheck.markup import render

    gen = problem.generator
    origin = f"seed {problem.seed}" if problem.seed is not None else "given params"
    body = Text(render(problem.prompt()))
    if problem.instructions:
        body.append("\n\n" + render(problem.instructions), style="dim")
    out = console()
    out.print(Panel(body, title=f"[bold]{gen.title}[/bold]", subtitle=f"{gen.id} · {origin}",
                    title_align="left", subtitle_align="right"))
    if solution:
        out.print(Text.assemble(("Answer: ", "bold green"), problem.answer_text))
        out.print(Panel(Text(render(problem.solution())), title="Worked solution", title_align="left",
                        border_style="green"))


def print_verdict(verdict: "Verdict") -> None:
    """Plain lines, coloured on a terminal: Rich is not needed to grade one answer."""
    from mpcheck.cli.table import print_lines
    from mpcheck.problem import expected_lines

    lines = verdict.lines()
    if not verdict.correct and not verdict.error:
        lines += expected_lines(verdict.expected_text)
    print_lines(lines)


def _batch_lines(source: str) -> Iterator[tuple[int, str]]:
    try:
        stream = sys.stdin if source == "-" else open(source, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read batch file {source!r}: {exc.strerror}")
    with stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield number, line


def _run_batch(source: str, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    for number, line in _batch_lines(source):
        record: dict[str, Any] = {}
        try:
            if len(line) > MAX_BATCH_LINE:
                raise UserError(f"line {number} is too long ({len(line)} characters)")
            try:
                record = jsonlib.loads(line)
            except (ValueError, RecursionError):
                raise UserError(f"line {number} is not a JSON object") from None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise UserError(f"line {number} needs an object with a string \"id\"")
            seed = record.get("seed")
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                raise UserError(f"line {number}: seed must be an integer")
            print_json_line(handle(record))
        except Exception as exc:  # one bad line, whatever went wrong, never ends the batch
            print_json_line({"id": record.get("id") if isinstance(record, dict) else None,
                             "line": number, "correct": False, "score": 0.0, "error": _why(exc, number)})
        except TimeLimitExceeded:  # (a BaseException, so that library code cannot swallow it)
            print_json_line({"id": record.get("id") if isinstance(record, dict) else None,
                             "line": number, "correct": False, "score": 0.0,
                             "error": f"line {number}: the problem took too long to compute"})


def _why(exc: Exception, number: int) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    return f"line {number}: could not be handled ({type(exc).__name__}: {exc})"


def _problem_from(record: dict[str, Any]) -> "Problem":
    # a line must say which problem: a random one would be graded against nonsense
    if record.get("seed") is None and record.get("params") is None:
        raise UserError("each line needs \"seed\" or \"params\" (the problem it answers)")
    return lookup.problem(record["id"], record.get("seed"), record.get("params"))


@app.command()
def show(
    problem_id: IdArgument = None,
    seed: SeedOption = None,
    params: ParamsOption = None,
    solution: Annotated[bool, typer.Option("--solution", help="Also show the answer and a worked solution.")] = False,
    json: JsonOption = False,
    batch: BatchOption = None,
) -> None:
    """Show a problem. With --solution, also its answer and worked solution.

    Examples:
      mpcheck show cnn.conv-output-size --seed 7
      mpcheck show cnn.param-count --params '{"in_channels": 3, "out_channels": 16, "kernel": 3, "bias": true}' --solution
    """
    if batch is not None:
        _run_batch(batch, lambda r: _problem_from(r).to_json(solution=solution))
        return
    if problem_id is None:
        fail("missing problem id (see `mpcheck problems`), or use --batch")
    problem = lookup.problem(problem_id, seed, params)
    if json:
        print_json(problem.to_json(solution=solution))
    else:
        render_problem(problem, solution)


@app.command()
def check(
    problem_id: IdArgument = None,
    answer: Annotated[Optional[str], typer.Option("--answer", "-a", help="Your answer, e.g. '32x29x29' or '[[1, 2], [3, 4]]'.")] = None,
    seed: SeedOption = None,
    params: ParamsOption = None,
    json: JsonOption = False,
    batch: BatchOption = None,
) -> None:
    """Grade one answer. Exit code 0: correct, 1: incorrect, 2: the answer could not be read.

    Multi-part answers: a JSON object of parts, e.g. --answer '{"h": "[0.1, 0.2]", "c": "[0.3, 0.4]"}',
    or one "name: value" per line.

    Example:
      mpcheck check cnn.conv-output-size --seed 7 --answer '16x51x35'
    """
    if batch is not None:
        def grade(record: dict[str, Any]) -> dict[str, Any]:
            if not isinstance(record.get("answer"), str):
                raise UserError("each line needs \"answer\" as a string")
            problem = _problem_from(record)
            return {**problem.check(record["answer"]).to_json(), "seed": problem.seed}
        _run_batch(batch, grade)
        return
    if problem_id is None:
        fail("missing problem id (see `mpcheck problems`), or use --batch")
    if answer is None:
        fail("missing --answer (e.g. --answer '16x15x15')")
    if seed is None and params is None:
        fail("give --seed or --params so that the problem is the one you solved")
    problem = lookup.problem(problem_id, seed, params)
    verdict = problem.check(answer)
    if json:
        print_json({**verdict.to_json(), "seed": problem.seed, "params": problem.params})
    if verdict.error:  # like every usage error: one line on stderr, exit 2
        fail(f"could not read the answer: {verdict.error}")
    if not json:
        print_verdict(verdict)
    raise typer.Exit(verdict.exit_code)
