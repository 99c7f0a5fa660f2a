"""The asking loop shared by quiz, review and exam.

One question at a time: show it, read one line per answer (one line per part for multi-part
answers), act on the commands ``hint``, ``skip``, ``solution``, ``quit`` and ``help``, grade.
Input is a terminal or a pipe: on a pipe each line read is echoed, so a scripted session reads
like a typed one, and the end of input ends the session gracefully.

Practice (quiz, review): an answer that cannot be read is explained and asked again; it is not an
attempt. After a wrong answer the feedback, the expected answer and the worked solution follow at
once (no extra keypress, so a scripted session stays one line per answer).

Exam: no hints, no solutions and no feedback until the end; an answer that cannot be read is
graded as it stands (wrong, with the reason kept for the report), never re-asked; an empty line
leaves the question blank; an answer given after the deadline is not graded.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mpcheck.markup import render
from mpcheck.problem import Problem, Verdict, expected_lines
from mpcheck.store import Attempt, now_iso

PRACTICE_HELP = ("Type your answer, or: hint (a hint, one at a time), skip (next question, not "
                 "recorded), solution (give up and see it), quit (end with a summary).")
EXAM_HELP = "Type your answer, or: skip (leave it blank), quit (hand in the paper now)."


class QuitSession(Exception):
    """The student typed ``quit``."""


class LineReader:
    """One line at a time from a terminal (with a prompt) or a pipe (echoed)."""

    def __init__(self, console: Console, stream: TextIO | None = None):
        self.console = console
        self.stream = stream if stream is not None else sys.stdin
        self.interactive = _isatty(self.stream)

    def read(self, prompt: str) -> str:
        """The next line without its newline; EOFError at the end of input."""
        if self.interactive:
            return self.console.input(Text(prompt, style="bold cyan"))
        self.console.print(Text(prompt, style="bold cyan"), end="")
        line = self.stream.readline()
        if not line:
            self.console.print()
            raise EOFError
        line = line.rstrip("\r\n")
        self.console.print(line, markup=False, highlight=False)
        return line


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass
class Outcome:
    """What happened to one question.

    status: "answered"; "revealed" (solution asked for: counts as wrong); "skipped" (practice:
    not recorded); "blank" (exam: nothing given); "late" (exam: given after the deadline).
    """

    problem: Problem
    status: str
    answer: str | None = None
    verdict: Verdict | None = None
    hints: int = 0
    seconds: float = 0.0

    @property
    def correct(self) -> bool:
        return self.verdict is not None and self.verdict.correct

    @property
    def score(self) -> float:
        return self.verdict.score if self.verdict is not None else 0.0

    def attempt(self, mode: str, session: str | None = None) -> Attempt:
        v = self.verdict
        feedback = v.feedback if v else {"revealed": "Solution shown before answering.",
                                         "late": "Answered after the time was up.",
                                         }.get(self.status, "Left blank.")
        return Attempt(problem_id=self.problem.id, answer=self.answer, correct=self.correct,
                       score=self.score, mode=mode, at=now_iso(), seed=self.problem.seed,
                       params=self.problem.params if self.problem.seed is None else None,
                       feedback=feedback, mistake=v.mistake if v else None,
                       error=v.error if v else None, seconds=round(self.seconds, 3), hints=self.hints,
                       session=session)

    def to_json(self) -> dict[str, Any]:
        v = self.verdict
        return {"id": self.problem.id, "topic": self.problem.generator.topic, "seed": self.problem.seed,
                "status": self.status, "answer": self.answer, "correct": self.correct,
                "score": self.score, "mistake": v.mistake if v else None,
                "error": v.error if v else None, "feedback": v.feedback if v else None,
                "expected": self.problem.answer, "expected_text": self.problem.answer_text,
                "hints": self.hints, "seconds": round(self.seconds, 1)}


def render_question(console: Console, problem: Problem, header: str) -> None:
    gen = problem.generator
    body = Text(render(problem.prompt()))
    if gen.answer_kind.instructions:
        body.append("\n\n" + render(gen.answer_kind.instructions), style="dim")
    console.print()
    # a concept question's title is the start of its text: the panel shows the text already
    title = "Concept question" if gen.origin == "question" else gen.title
    console.print(Panel(body, title=Text.assemble((header + "  ", "bold cyan"), (title, "bold")),
                        subtitle=f"{gen.id} · seed {problem.seed}", title_align="left",
                        subtitle_align="right"))


def render_verdict(console: Console, v: Verdict) -> None:
    for line in v.lines():
        console.print(Text.assemble(*line))


def render_feedback(console: Console, outcome: Outcome) -> None:
    """After a practice answer: the verdict; after a wrong one, the expected answer and the
    worked solution with the numbers plugged in."""
    v, problem = outcome.verdict, outcome.problem
    if v is not None:
        render_verdict(console, v)
        if v.correct:
            return
    for line in expected_lines(problem.answer_text):
        console.print(Text.assemble(*line))
    console.print(Panel(Text(render(problem.solution())), title="Worked solution", title_align="left",
                        border_style="green"))


def part_names(problem: Problem) -> list[str]:
    """The parts of a multi-part answer, in the order they are asked (empty otherwise)."""
    parts = getattr(problem.generator.answer_kind, "parts", None)
    return list(parts) if parts else []


def read_answer(reader: LineReader, problem: Problem, first: str) -> str:
    """The answer text for grading: the line itself, or for a multi-part answer one more line per
    part, joined as a JSON object of part texts (the form ``mpcheck check`` accepts)."""
    names = part_names(problem)
    if not names:
        return first
    texts = {names[0]: _without_label(first, names[0])}
    for name in names[1:]:
        texts[name] = _without_label(reader.read(f"{name}> "), name)
    return json.dumps(texts, ensure_ascii=False)


def _without_label(line: str, name: str) -> str:
    # "h: [0.1, 0.2]" and "[0.1, 0.2]" mean the same on the line asked for h
    head, sep, rest = line.partition(":")
    return rest.strip() if sep and head.strip() == name else line.strip()


def ask(problem: Problem, reader: LineReader, console: Console, header: str, *, exam: bool = False,
        deadline: float | None = None, clock: Callable[[], float] = time.monotonic) -> Outcome:
    """Ask one question until it is answered, skipped or given up. Raises QuitSession on
    ``quit`` and EOFError at the end of input."""
    render_question(console, problem, header)
    names = part_names(problem)
    prompt = f"{names[0]}> " if names else "answer> "
    start, hints_shown = clock(), 0
    hints = problem.hints()
    while True:
        line = reader.read(prompt)
        command = line.strip().lower()
        elapsed = clock() - start
        if command == "quit":
            raise QuitSession
        if command in ("help", "?"):
            console.print(EXAM_HELP if exam else PRACTICE_HELP, style="dim")
            continue
        if command == "skip":
            return Outcome(problem, "blank" if exam else "skipped", hints=hints_shown, seconds=elapsed)
        if command in ("hint", "solution") and exam:
            console.print(f"No {command}s during an exam. " + EXAM_HELP, style="yellow")
            continue
        if command == "hint":
            if hints_shown < len(hints):
                console.print(Text.assemble(("Hint: ", "bold yellow"), render(hints[hints_shown])))
                hints_shown += 1
            else:
                console.print("No more hints for this one." if hints else "No hints for this one.",
                              style="yellow")
            continue
        if command == "solution":
            return Outcome(problem, "revealed", hints=hints_shown, seconds=elapsed)
        if not command:
            if exam:
                return Outcome(problem, "blank", seconds=elapsed)
            console.print(PRACTICE_HELP, style="dim")
            continue
        text = read_answer(reader, problem, line)
        elapsed = clock() - start
        if exam and deadline is not None and clock() > deadline:
            return Outcome(problem, "late", answer=text, seconds=elapsed)
        verdict = problem.check(text)
        if verdict.error and not exam:
            console.print(Text.assemble(("Could not read that answer: ", "bold yellow"), verdict.error,
                                        "\nTry again (not counted)."))
            continue
        return Outcome(problem, "answered", answer=text, verdict=verdict, hints=hints_shown,
                       seconds=elapsed)


@dataclass
class SessionResult:
    outcomes: list[Outcome]
    #: why it ended: "done", "quit", "eof" (end of input) or "interrupted" (Ctrl-C)
    ended: str

    @property
    def answered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("answered", "revealed")]

    def to_json(self) -> dict[str, Any]:
        answered = self.answered
        return {"asked": len(self.outcomes), "answered": len(answered),
                "correct": sum(o.correct for o in answered), "ended": self.ended,
                "questions": [o.to_json() for o in self.outcomes]}


def ask_or_stop(console: Console, ask_fn: Callable[..., Outcome], *args: Any, **kwargs: Any) -> Outcome | str:
    """``ask_fn(*args, **kwargs)``, or why the session stops: "quit", "eof" or "interrupted"."""
    try:
        return ask_fn(*args, **kwargs)
    except QuitSession:
        return "quit"
    except EOFError:
        return "eof"
    except KeyboardInterrupt:
        console.print()
        return "interrupted"


def run_practice(problems: list[Problem], reader: LineReader, console: Console,
                 record: Callable[[Outcome], None] | None = None) -> SessionResult:
    """Ask each problem in turn with feedback after each answer. ``record`` is called for every
    answered (or revealed) question before its feedback is shown, so it is already stored when
    the student reads the solution."""
    outcomes: list[Outcome] = []
    ended = "done"
    for number, problem in enumerate(problems, 1):
        outcome = ask_or_stop(console, ask, problem, reader, console, f"Question {number}/{len(problems)}")
        if isinstance(outcome, str):
            ended = outcome
            break
        outcomes.append(outcome)
        if outcome.status == "skipped":
            console.print("Skipped (not recorded).", style="dim")
            continue
        if record is not None:
            record(outcome)
        render_feedback(console, outcome)
    return SessionResult(outcomes, ended)


def render_summary(console: Console, result: SessionResult, title: str = "Summary") -> None:
    from rich.table import Table

    if not result.outcomes:
        console.print("No questions answered.")
        return
    table = Table(title=title, title_justify="left")
    for column in ("#", "problem", "seed", "result", "hints", "time"):
        table.add_column(column, justify="right" if column in ("#", "hints", "time", "seed") else "left")
    for number, o in enumerate(result.outcomes, 1):
        if o.status == "answered":
            label = "[green]✓ right[/green]" if o.correct else (
                f"[red]✗ {o.verdict.mistake}[/red]" if o.verdict.mistake else "[red]✗ wrong[/red]")
        else:
            label = {"revealed": "[red]✗ solution shown[/red]"}.get(o.status, f"[dim]{o.status}[/dim]")
        table.add_row(str(number), o.problem.id, str(o.problem.seed), label, str(o.hints),
                      f"{o.seconds:.0f} s")
    console.print()
    console.print(table)
    answered = result.answered
    right = sum(o.correct for o in answered)
    share = f" ({100 * right / len(answered):.0f}%)" if answered else ""
    console.print(Text(f"Score: {right} of {len(answered)} answered right{share}.", style="bold"))
