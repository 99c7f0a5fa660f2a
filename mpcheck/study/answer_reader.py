"""Reading answers at the prompt, the same in quiz, review and exam.

- Every prompt takes the commands: the first one of a question, each part of a multi-part
  answer, each row of a matrix (``hint`` at the second part shows a hint and asks that part again).
- A multi-part answer is asked part by part (``h> ``, then ``c> ``); the first line may also
  give every part at once (``h: …; c: …``, or a JSON object).
- A matrix is typed on one line (``1 2; 3 4``, ``[[1, 2], [3, 4]]``) or row by row: a line that
  reads as one row starts a matrix typed row by row, read until an empty line. A row alone is
  never graded as the matrix, and the expected number of rows is not used (it would give it away).
- A value that cannot be read is explained and asked again at once; it is not an attempt.

Input is a terminal (with line editing) or a pipe: on a pipe each line read is echoed, so a
scripted session reads like a typed one.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Protocol, TextIO

from rich.console import Console
from rich.text import Text

from mpcheck.markup import render
from mpcheck.errors import AnswerError
from mpcheck.problem import Problem

PRACTICE_HELP = ("Type your answer, or: hint (a hint, one at a time), skip (next question, not "
                 "recorded), solution (give up and see it), quit (end with a summary). "
                 "They work at every prompt, parts and matrix rows too.")
EXAM_HELP = ("Type your answer, or: skip (come back to it at the end), an empty line (leave it "
             "blank), quit (hand in the paper now).")
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = ("hint", "skip", "solution", "quit", "help", "?")
class QuitSession(Exception):
    """The student typed ``quit``."""


class LeaveQuestion(Exception):
    """The student left the question: ``status`` is "skipped", "revealed", "blank" or "late"
    (exam: a line typed after the deadline, kept as ``answer``)."""

    def __init__(self, status: str, answer: str | None = None):
        super().__init__(status)
        self.status, self.answer = status, answer


class Timer(Protocol):
    """The exam clock as a question sees it (see ``mpcheck.study.exam.ExamTimer``)."""

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
        self.line_editing = False
        self.waiting = ""  # the prompt on screen while input() waits for a line, else ""
        if self.interactive and self.console.file is sys.stdout and _isatty(sys.stdout):
            try:  # arrow keys and history at the prompts: a long matrix can be corrected in place
                import readline  # noqa: F401

                self.line_editing = True
            except ImportError:
                pass

    def read(self, prompt: str) -> str:
        """The next line without its newline; EOFError at the end of input."""
        if self.line_editing:
            # readline draws the prompt itself, so that it knows where the line starts; colour
            # codes are marked (\x01 … \x02) as taking no room on screen
            with self.console.capture() as capture:
                self.console.print(Text(prompt, style="bold cyan"), end="")
            self.waiting = capture.get()
            try:
                return input(ESCAPE.sub("\x01\\g<0>\x02", self.waiting))
            finally:
                self.waiting = ""
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


    def interject(self, message: Text) -> None:
        """Show ``message`` while a line is being typed (from a signal handler), then draw the
        prompt again with what was typed so far, and let the student go on typing."""
        import readline

        prompt = self.waiting
        sys.stdout.write("\n")
        self.console.print(message)
        sys.stdout.write(prompt + readline.get_line_buffer())
        sys.stdout.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


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
            self.console.print(Text.assemble(("Hint: ", "bold yellow"), render(self.hints[self.hints_shown])))
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
