"""The asking loop shared by quiz, review and exam.

One question at a time: show it, read the answer, grade. Input is a terminal or a pipe: on a
pipe each line read is echoed, so a scripted session reads like a typed one, and the end of
input ends the session gracefully.

Reading an answer (the same in quiz, review and exam):
- every prompt takes the commands: the first one of a question, each part of a multi-part
  answer, each row of a matrix (``hint`` at the second part shows a hint and asks that part again);
- a multi-part answer is asked part by part (``h> ``, then ``c> ``); the first line may also
  give every part at once (``h: …; c: …``, or a JSON object);
- a matrix is typed on one line (``1 2; 3 4``, ``[[1, 2], [3, 4]]``) or row by row: a line that
  is one row starts a matrix typed row by row, read until an empty line. A row alone is never
  graded as the matrix, and the expected number of rows is not used (it would give it away);
- a value that cannot be read is explained and asked again at once; it is not an attempt.

Practice (quiz, review): after a wrong answer the feedback, the expected answer and the worked
solution follow; when they fill more than half the terminal, the quiz waits for Enter before
going on, so nothing scrolls away unread (on a terminal only: piped, it stays one line per answer).

Exam: no hints, no solutions and no feedback until the end; every prompt shows the time left
(``answer (12:04 left)> ``); an empty first line leaves the question blank; ``skip`` hands it
back to the exam, which asks it again at the end; an answer given after the deadline is not graded.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from mpcheck.errors import AnswerError
from mpcheck.problem import Problem, Verdict, expected_lines
from mpcheck.store import Attempt, now_iso

PRACTICE_HELP = ("Type your answer, or: hint (a hint, one at a time), skip (next question, not "
                 "recorded), solution (give up and see it), quit (end with a summary). "
                 "They work at every prompt, parts and matrix rows too.")
EXAM_HELP = ("Type your answer, or: skip (come back to it at the end), an empty line (leave it "
             "blank), quit (hand in the paper now).")
COMMANDS = ("hint", "skip", "solution", "quit", "help", "?")
#: after feedback taller than this share of the terminal, wait for Enter (terminal only)
LONG_FEEDBACK = 0.5


class QuitSession(Exception):
    """The student typed ``quit``."""


class LeaveQuestion(Exception):
    """The student left the question: ``status`` is "skipped", "revealed", "blank" or "late"
    (exam: a line typed after the deadline, kept as ``answer``)."""

    def __init__(self, status: str, answer: str | None = None):
        super().__init__(status)
        self.status, self.answer = status, answer


class Timer(Protocol):
    """The exam clock as a question sees it (see ``mpcheck.exam.ExamTimer``)."""

    def note(self) -> str:
        """"12:04 left" for the prompt (and a warning, once, when little time is left)."""

    def late(self) -> bool:
        """True once the deadline has passed."""


class LineReader:
    """One line at a time from a terminal (with a prompt) or a pipe (echoed)."""

    def __init__(self, console: Console, stream: TextIO | None = None):
        self.console = console
        self.stream = stream if stream is not None else sys.stdin
        self.interactive = _isatty(self.stream)
        if self.interactive:
            try:  # arrow keys and history at the prompts: a long matrix can be corrected in place
                import readline  # noqa: F401
            except ImportError:
                pass

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
    body = Text(problem.prompt())
    instructions = gen.answer_kind.instructions_for(problem.answer, interactive=True)
    if instructions:
        body.append("\n\n" + instructions, style="dim")
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
    console.print(Panel(Text(problem.solution()), title="Worked solution", title_align="left",
                        border_style="green"))


def part_names(problem: Problem) -> list[str]:
    """The parts of a multi-part answer, in the order they are asked (empty otherwise)."""
    parts = getattr(problem.generator.answer_kind, "parts", None)
    return list(parts) if parts else []


class Asking:
    """Reading the answer to one question: prompts, commands, parts and matrix rows."""

    def __init__(self, problem: Problem, reader: LineReader, console: Console, exam: bool,
                 timer: Timer | None):
        self.problem, self.reader, self.console = problem, reader, console
        self.exam, self.timer = exam, timer
        self.hints = problem.hints()
        self.hints_shown = 0

    def answer(self) -> str:
        """The answer text for grading: one value, or for a multi-part answer a JSON object of
        part texts (the form ``mpcheck check`` accepts). Raises LeaveQuestion or QuitSession."""
        kind = self.problem.generator.answer_kind
        names = part_names(self.problem)
        if not names:
            return self.value(kind, "answer", first=True)
        texts: dict[str, str] = {}
        for name in names:
            text = self.value(kind.parts[name], name, first=not texts, whole=None if texts else kind)
            if not texts and _every_part(kind, text):
                return text
            texts[name] = text
        return json.dumps(texts, ensure_ascii=False)

    def value(self, kind: Any, label: str, first: bool = False, whole: Any = None) -> str:
        """One value's text, asked again until it can be read. ``whole``: the multi-part kind,
        when the line may give every part at once."""
        while True:
            line = self.line(label, first=first)
            if whole is not None and _every_part(whole, line):
                text, reading = line, whole
            else:
                text, reading = _without_label(line, label), kind
                if _starts_matrix_rows(kind, text):
                    text = self.rows(label, text)
            error = _unreadable(reading, text)
            if error is None:
                return text
            self.console.print(Text.assemble(("Could not read that answer: ", "bold yellow"), error,
                                             "\nTry again (not counted)."))

    def rows(self, label: str, first_row: str) -> str:
        """A matrix typed row by row: the rows up to an empty line, one per line."""
        rows = [first_row]
        while True:
            row = self.line(f"{label} row {len(rows) + 1}", blank_ends=True)
            if not row.strip():
                return "\n".join(rows)
            rows.append(row)

    def line(self, label: str, first: bool = False, blank_ends: bool = False) -> str:
        """One line that is not a command; commands are carried out here, at any prompt."""
        while True:
            note = self.timer.note() if self.timer is not None else ""
            line = self.reader.read(f"{label} ({note})> " if note else f"{label}> ")
            command = line.strip().lower()
            if self.timer is not None and self.timer.late():  # too late: an answer is kept, not graded
                raise LeaveQuestion("blank") if command in COMMANDS + ("",) else LeaveQuestion("late", line)
            if not command:
                if blank_ends:
                    return ""
                if first and self.exam:
                    raise LeaveQuestion("blank")
                self.console.print(EXAM_HELP if self.exam else PRACTICE_HELP, style="dim")
                continue
            if command == "quit":
                raise QuitSession
            if command in ("help", "?"):
                self.console.print(EXAM_HELP if self.exam else PRACTICE_HELP, style="dim")
            elif command == "skip":
                raise LeaveQuestion("skipped")
            elif command in ("hint", "solution") and self.exam:
                self.console.print(f"No {command}s during an exam. " + EXAM_HELP, style="yellow")
            elif command == "hint":
                self.show_hint()
            elif command == "solution":
                raise LeaveQuestion("revealed")
            else:
                return line

    def show_hint(self) -> None:
        if self.hints_shown < len(self.hints):
            self.console.print(Text.assemble(("Hint: ", "bold yellow"), self.hints[self.hints_shown]))
            self.hints_shown += 1
        else:
            self.console.print("No more hints for this one." if self.hints else "No hints for this one.",
                               style="yellow")


def _without_label(line: str, name: str) -> str:
    # "h: [0.1, 0.2]" (or "H: …") and "[0.1, 0.2]" mean the same on the line asked for h
    head, sep, rest = line.partition(":")
    return rest.strip() if sep and head.strip().casefold() == name.casefold() else line.strip()


def _every_part(kind: Any, line: str) -> bool:
    """True when the first line of a multi-part answer gives all of it: ``h: …; c: …`` or JSON."""
    return line.lstrip().startswith("{") or len(kind.names_in(line)) > 1


def _starts_matrix_rows(kind: Any, text: str) -> bool:
    """True when ``text`` reads as one row of a matrix answer (``1 2 3`` or ``[1, 2, 3]``): the
    start of a matrix typed row by row. ``[[1, 2, 3]]`` is a whole one-row matrix; a line that
    cannot be read is explained at once."""
    from mpcheck.answers.arrays import Matrix

    if not isinstance(kind, Matrix) or text.lstrip().startswith("[["):
        return False
    try:
        return len(kind.parse(text)) == 1
    except AnswerError:
        return False


def _unreadable(kind: Any, text: str) -> str | None:
    """Why ``text`` cannot be read as an answer of ``kind``, or None."""
    try:
        kind.parse(text)
    except AnswerError as exc:
        return str(exc)
    return None


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


def show_feedback(console: Console, outcome: Outcome) -> int:
    """``render_feedback``; returns how many lines it took on screen."""
    with console.capture() as capture:
        render_feedback(console, outcome)
    shown = capture.get()
    console.file.write(shown)
    console.file.flush()
    return shown.count("\n")


def pause_after(reader: LineReader, console: Console, lines: int) -> None:
    """On a terminal, wait for Enter after feedback taller than ``LONG_FEEDBACK`` of the screen."""
    if reader.interactive and lines > LONG_FEEDBACK * console.height:
        if reader.read("Press Enter to go on (or type quit) ").strip().lower() == "quit":
            raise QuitSession


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
        stop = ask_or_stop(console, pause_after, reader, console, show_feedback(console, outcome))
        if isinstance(stop, str):
            ended = stop
            break
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
