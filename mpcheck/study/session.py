"""The asking loop shared by quiz, review and exam.

One question at a time: show it, read the answer (``mpcheck.study.answer_reader``: commands at every
prompt, part by part, matrices row by row, unreadable values asked again), grade. The end of
input ends the session gracefully.

Practice (quiz, review): after a wrong answer the feedback, the expected answer and the worked
solution follow; when the next question (or the summary) would push them off the screen, the
quiz first waits for Enter (on a terminal only: piped, it stays one line per answer).

Exam: no hints, no solutions and no feedback until the end; every prompt shows the time left
(``answer (12:04 left)> ``); an empty first line leaves the question blank; ``skip`` hands it
back to the exam, which asks it again at the end; an answer given after the deadline is not graded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mpcheck.study.answer_reader import Asking, LeaveQuestion, LineReader, QuitSession, Timer
from mpcheck.markup import render
from mpcheck.problem import Problem, Verdict, expected_lines
from mpcheck.study.store import Attempt, now_iso

#: the lines of a session summary besides one per question
SUMMARY_LINES = 8


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
    instructions = problem.kind.instructions_for(problem.answer, interactive=True)
    if instructions:
        body.append("\n\n" + render(instructions), style="dim")
    console.print()
    console.print(Panel(body, title=Text.assemble((header + "  ", "bold cyan"), (gen.title, "bold")),
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


def ask(problem: Problem, reader: LineReader, console: Console, header: str, *, exam: bool = False,
        timer: Timer | None = None, clock: Callable[[], float] = time.monotonic) -> Outcome:
    """Ask one question until it is answered, skipped or given up. Raises QuitSession on
    ``quit`` and EOFError at the end of input."""
    render_question(console, problem, header)
    asking = Asking(problem, reader, console, exam, timer)
    start = clock()
    while True:
        try:
            text = asking.answer()
        except LeaveQuestion as leave:
            return Outcome(problem, leave.status, answer=leave.answer, hints=asking.hints_shown,
                           seconds=clock() - start)
        elapsed = clock() - start
        verdict = problem.check(text)
        if not verdict.error:
            return Outcome(problem, "answered", answer=text, verdict=verdict, hints=asking.hints_shown,
                           seconds=elapsed)
        console.print(Text.assemble(("Could not read that answer: ", "bold yellow"), verdict.error,
                                    "\nTry again (not counted)."))


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


def ask_or_stop(console: Console, ask_fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
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


def _height(console: Console, render: Callable[..., None], *args: Any) -> int:
    """How many lines ``render(console, *args)`` takes on screen (rendered, not shown)."""
    with console.capture() as capture:
        render(console, *args)
    return capture.get().count("\n")


def show_feedback(console: Console, outcome: Outcome) -> int:
    """``render_feedback``; returns how many lines it took on screen."""
    with console.capture() as capture:
        render_feedback(console, outcome)
    shown = capture.get()
    console.file.write(shown)
    console.file.flush()
    return shown.count("\n")


def pause_after(reader: LineReader, console: Console, shown: int, coming: int) -> None:
    """On a terminal, wait for Enter when the ``coming`` lines would push the ``shown`` lines of
    feedback off the screen before they are read."""
    if reader.interactive and shown + coming + 1 > console.height:
        if reader.read("Press Enter to go on (or type quit) ").strip().lower() == "quit":
            raise QuitSession


def run_practice(problems: list[Problem], reader: LineReader, console: Console,
                 record: Callable[[Outcome], None] | None = None) -> SessionResult:
    """Ask each problem in turn with feedback after each answer. ``record`` is called for every
    answered (or revealed) question before its feedback is shown, so it is already stored when
    the student reads the solution."""
    outcomes: list[Outcome] = []
    ended, feedback = "done", 0
    for number, problem in enumerate(problems, 1):
        header = f"Question {number}/{len(problems)}"
        if feedback and reader.interactive:
            coming = _height(console, render_question, problem, header)
            if isinstance(stop := ask_or_stop(console, pause_after, reader, console, feedback, coming), str):
                ended = stop
                break
        feedback = 0
        outcome = ask_or_stop(console, ask, problem, reader, console, header)
        if isinstance(outcome, str):
            ended = outcome
            break
        outcomes.append(outcome)
        if outcome.status == "skipped":
            console.print("Skipped (not recorded).", style="dim")
            continue
        if record is not None:
            record(outcome)
        feedback = show_feedback(console, outcome)
    if feedback and ended == "done":  # the summary comes next: a row per question and a few more
        ended = ask_or_stop(console, pause_after, reader, console, feedback, len(outcomes) + SUMMARY_LINES) or ended
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
