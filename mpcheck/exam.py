"""Mock exams: a mixed, timed paper; grades and solutions only once it is handed in.

The clock is checked before each question (time left is shown with it) and after each answer
(an answer given after the deadline is not graded). No threads: with piped stdin the paper simply
ends at the first answer that arrives late. Handing in (time up, ``quit``, end of input, Ctrl-C)
leaves every question not yet answered blank, scoring 0; every question of the paper is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from mpcheck.api import Generator
from mpcheck.problem import Problem
from mpcheck.session import LineReader, Outcome, ask, ask_or_stop

MINUTES_PER_QUESTION = 3.0


def build_paper(pool: list[Generator], n: int, seed: int) -> list[Problem]:
    """``n`` problems from the pool, topics interleaved; the same seed gives the same paper."""
    from mpcheck.deck import mixed_deck

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


def run_exam(problems: list[Problem], reader: LineReader, console: Console, minutes: float, seed: int,
             record: Callable[[Outcome], None] | None = None,
             clock: Callable[[], float] = time.monotonic) -> ExamResult:
    """Sit the paper. ``record`` gets every outcome (blanks too) as soon as it is final."""
    start = clock()
    deadline = start + minutes * 60
    outcomes: list[Outcome] = []
    ended = "done"

    def keep(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if record is not None:
            record(outcome)

    for number, problem in enumerate(problems, 1):
        left = deadline - clock()
        if left <= 0:
            ended = "time"
            break
        header = f"Question {number}/{len(problems)} · {clock_text(left)} left"
        outcome = ask_or_stop(console, ask, problem, reader, console, header, exam=True,
                              deadline=deadline, clock=clock)
        if isinstance(outcome, str):
            ended = outcome
            break
        keep(outcome)
        if outcome.status == "late":
            ended = "time"
            break
    for problem in problems[len(outcomes):]:
        keep(Outcome(problem, "blank"))
    return ExamResult(outcomes, ended, minutes, clock() - start, seed)
