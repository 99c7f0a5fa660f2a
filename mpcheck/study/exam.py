"""Mock exams: a mixed, timed paper; grades and solutions only once it is handed in.

Every prompt shows the time left, and a warning is printed once when ``WARN_BEFORE_S`` remain
(on papers longer than that). On a terminal the warning and the deadline arrive while the
student types (``Alarms``: at the deadline the paper is handed in); with piped stdin the clock
is checked at each line: an answer given after the deadline is not graded and ends the paper.

``skip`` puts a question at the end of the paper: it is asked again once the others have been,
as long as time remains. An empty line leaves a question blank for good. An answer that cannot
be read is explained and asked again (it is not graded, as in the quiz).

Handing in (time up, ``quit``, end of input, Ctrl-C) leaves every question not yet answered
blank, scoring 0; every question of the paper is recorded, and the report lists them in the
order of the paper.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from mpcheck.api import Generator
from mpcheck.problem import Problem
from mpcheck.study.session import LineReader, Outcome, ask, ask_or_stop

MINUTES_PER_QUESTION = 3.0
#: the warning comes when this much time is left
WARN_BEFORE_S = 5 * 60


def build_paper(pool: list[Generator], n: int, seed: int) -> list[Problem]:
    """``n`` problems from the pool, topics interleaved; the same seed gives the same paper."""
    from mpcheck.study.deck import mixed_deck

    return [Problem.from_seed(gen, problem_seed) for gen, problem_seed in mixed_deck(pool, n, seed)]


def clock_text(seconds: float) -> str:
    """``12:05`` (minutes:seconds), or ``1:02:05`` past an hour."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class ExamResult:
    outcomes: list[Outcome]
    #: "done", "time" (the deadline passed), "quit", "eof" or "interrupted"
    ended: str
    minutes: float
    elapsed: float
    seed: int

    @property
    def score(self) -> float:
        return sum(o.score for o in self.outcomes)

    def topic_scores(self) -> list[dict[str, Any]]:
        """Per topic: questions, fully right, and points (partial credit counts)."""
        rows: dict[str, dict[str, Any]] = {}
        for o in self.outcomes:
            row = rows.setdefault(o.problem.generator.topic, {"topic": o.problem.generator.topic,
                                                              "questions": 0, "correct": 0, "score": 0.0})
            row["questions"] += 1
            row["correct"] += int(o.correct)
            row["score"] += o.score
        return list(rows.values())

    def to_json(self) -> dict[str, Any]:
        total = len(self.outcomes)
        return {"seed": self.seed, "minutes": self.minutes, "ended": self.ended,
                "elapsed_s": round(self.elapsed, 1), "questions_total": total,
                "score": round(self.score, 4), "percent": round(100 * self.score / total, 1) if total else 0.0,
                "topics": self.topic_scores(),
                "questions": [{**o.to_json(), "solution": o.problem.solution()} for o in self.outcomes]}


class ExamTimer:
    """The paper's clock, as the prompts see it: the time left, one warning when little is left,
    and whether the deadline has passed."""

    def __init__(self, console: Console, minutes: float, clock: Callable[[], float] = time.monotonic):
        self.console, self.clock = console, clock
        self.start = clock()
        self.deadline = self.start + minutes * 60
        self.warned = minutes * 60 <= WARN_BEFORE_S  # a short paper starts with little time: no alarm

    def left(self) -> float:
        return self.deadline - self.clock()

    def late(self) -> bool:
        return self.left() < 0

    def note(self) -> str:
        left = self.left()
        if self.warning_due():
            self.console.print(self.warning())
        return f"{clock_text(left)} left"

    def warning_due(self) -> bool:
        return not self.warned and self.left() <= WARN_BEFORE_S

    def warning(self) -> Text:
        self.warned = True
        return Text(f"⚠ Only {clock_text(self.left())} left. "
                    "Skipped questions come back only while time remains.", style="bold yellow")


class TimeUp(Exception):
    """The deadline passed while the student was typing (terminal only)."""


class Alarms:
    """On a terminal the warning and the deadline come while the student types, by SIGALRM: the
    warning is shown above the line being typed, and at the deadline the paper is handed in.
    Elsewhere (a pipe, no SIGALRM, not the main thread) they come with the next prompt."""

    def __init__(self, timer: ExamTimer, reader: LineReader):
        self.timer, self.reader = timer, reader
        self.on = (reader.line_editing and hasattr(signal, "setitimer")
                   and threading.current_thread() is threading.main_thread())

    def __enter__(self) -> Alarms:
        if self.on:
            self.previous = signal.signal(signal.SIGALRM, self.ring)
            self.arm()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.on:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    def arm(self) -> None:
        left = self.timer.left()
        wait = left - WARN_BEFORE_S if not self.timer.warned and left > WARN_BEFORE_S else left
        signal.setitimer(signal.ITIMER_REAL, max(wait, 0) + 0.05)

    def ring(self, signum: int, frame: Any) -> None:
        if not self.reader.waiting:  # busy grading or drawing: the next prompt tells
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            return
        if self.timer.late():
            raise TimeUp
        if self.timer.warning_due():
            self.reader.interject(self.timer.warning())
        self.arm()


def run_exam(problems: list[Problem], reader: LineReader, console: Console, minutes: float, seed: int,
             record: Callable[[Outcome], None] | None = None,
             clock: Callable[[], float] = time.monotonic) -> ExamResult:
    """Sit the paper. ``record`` gets every outcome (blanks too) as soon as it is final."""
    timer = ExamTimer(console, minutes, clock)
    final: dict[int, Outcome] = {}
    waiting = deque(range(len(problems)))  # paper positions still to ask, skipped ones at the end
    skipped: set[int] = set()
    ended = "done"

    def keep(position: int, outcome: Outcome) -> None:
        final[position] = outcome
        if record is not None:
            record(outcome)

    while waiting:
        if timer.late():
            ended = "time"
            break
        position = waiting.popleft()
        header = f"Question {position + 1}/{len(problems)}" + (" (skipped before)" if position in skipped else "")
        try:
            with Alarms(timer, reader):
                outcome = ask_or_stop(console, ask, problems[position], reader, console, header,
                                      exam=True, timer=timer, clock=clock)
        except TimeUp:
            console.print("\n⏰ Time is up.", style="bold yellow")
            ended = "time"
            break
        if isinstance(outcome, str):
            ended = outcome
            break
        if outcome.status == "skipped":
            skipped.add(position)
            waiting.append(position)
            console.print("Skipped: it comes back at the end." if len(waiting) > 1 else
                          "It is the last question left: answer it, leave it blank (empty line) "
                          "or type quit to hand in.", style="dim")
            continue
        keep(position, outcome)
        if outcome.status == "late" or timer.late():
            ended = "time"
            break
    for position, problem in enumerate(problems):
        if position not in final:
            keep(position, Outcome(problem, "blank"))
    outcomes = [final[position] for position in range(len(problems))]
    return ExamResult(outcomes, ended, minutes, clock() - timer.start, seed)
