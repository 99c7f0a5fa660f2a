"""Mock exams: the clock, blanks, unreadable answers, recording, and the graded report."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time

from rich.console import Console
from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.cli.exam_cmd import exam_pool
from mpcheck.cli.lookup import registry
from mpcheck.study.exam import build_paper, clock_text, run_exam
from mpcheck.study.session import LineReader
from mpcheck.study.store import Store

CONV = "cnn.conv-output-size"


class TickingReader(LineReader):
    """Feeds lines and moves a fake clock on by ``step`` seconds for each line read."""

    def __init__(self, console: Console, lines: list[str], step: float):
        super().__init__(console, io.StringIO("".join(line + "\n" for line in lines)))
        self.now, self.step = 0.0, step

    def read(self, prompt: str) -> str:
        self.now += self.step
        return super().read(prompt)


def conv_paper(n: int, seed: int = 1):
    return build_paper([registry().generators[CONV]], n, seed)


def test_time_out_hands_in_and_every_question_is_recorded():
    paper = conv_paper(4)
    out = io.StringIO()
    console = Console(file=out, width=100)
    reader = TickingReader(console, [p.answer_text for p in paper], step=40)
    recorded = []
    result = run_exam(paper, reader, console, minutes=1, seed=1, record=recorded.append, clock=lambda: reader.now)
    assert [o.status for o in result.outcomes] == ["answered", "late", "blank", "blank"]
    assert result.ended == "time" and result.score == 1.0
    assert recorded == result.outcomes  # blanks too
    assert "1:00 left" in out.getvalue() and "0:20 left" in out.getvalue()
    assert "Correct" not in out.getvalue()  # no feedback during the exam


def test_blank_and_wrong_answers_are_graded_and_an_unreadable_one_is_asked_again():
    paper = conv_paper(5, seed=2)
    out = io.StringIO()
    console = Console(file=out, width=100)
    lines = [paper[0].answer_text, "", "not a shape at all", paper[2].answer_text, "hint", "1x1x1", ""]
    reader = TickingReader(console, lines, step=1)
    recorded = []
    result = run_exam(paper, reader, console, minutes=30, seed=2, record=recorded.append, clock=lambda: reader.now)
    assert [o.status for o in result.outcomes] == ["answered", "blank", "answered", "answered", "blank"]
    assert [o.correct for o in result.outcomes] == [True, False, True, False, False]
    assert "Could not read that answer" in out.getvalue() and "No hints during an exam" in out.getvalue()
    assert all(o.verdict is None or not o.verdict.error for o in result.outcomes)  # never graded unreadable
    assert len(recorded) == 5  # the unreadable line was not an attempt
    assert result.ended == "done" and result.topic_scores() == [
        {"topic": "cnn", "questions": 5, "correct": 2, "score": 2.0}]


def prompts(text: str) -> list[str]:
    """The prompt lines of a piped session (each ends with the echoed input)."""
    return [line for line in text.splitlines() if "> " in line and not line.startswith(" ")]


def test_every_prompt_shows_the_time_left_parts_and_retries_too():
    lstm = registry().generators["rnn.lstm-step"]
    paper = build_paper([lstm], 2, 4)
    from test_quiz import answer_lines

    first = answer_lines(paper[0])
    lines = ["maybe", first[0], "help", first[1], "skip", *answer_lines(paper[1])]
    out = io.StringIO()
    console = Console(file=out, width=120)
    reader = TickingReader(console, lines, step=30)
    result = run_exam(paper, reader, console, minutes=20, seed=4, clock=lambda: reader.now)
    shown = prompts(out.getvalue())
    assert len(shown) == len(lines) and all(" left)> " in p for p in shown), shown
    assert shown[0].startswith("h (20:00 left)> ") and shown[3].startswith("c (18:30 left)> ")
    assert [o.correct for o in result.outcomes] == [True, True]


def test_a_warning_comes_once_when_five_minutes_remain():
    paper = conv_paper(4, seed=3)
    out = io.StringIO()
    console = Console(file=out, width=100)
    reader = TickingReader(console, [p.answer_text for p in paper], step=150)  # 2.5 minutes per answer
    run_exam(paper, reader, console, minutes=10, seed=3, clock=lambda: reader.now)
    text = out.getvalue()
    assert text.count("⚠") == 1
    warning = text.index("⚠")
    assert text[warning:].startswith("⚠ Only 5:00 left.")  # at the prompt where 5 minutes remain
    assert "7:30 left" in text[:warning] and "2:30 left" in text[warning:]
    short = io.StringIO()
    console = Console(file=short, width=100)
    reader = TickingReader(console, [p.answer_text for p in paper[:2]], step=30)
    run_exam(paper[:2], reader, console, minutes=4, seed=3, clock=lambda: reader.now)
    assert "⚠" not in short.getvalue()  # a 4-minute paper starts with less than 5 minutes: no alarm


def test_skip_puts_a_question_at_the_end_while_time_remains():
    paper = conv_paper(3, seed=5)
    out = io.StringIO()
    console = Console(file=out, width=100)
    recorded = []
    lines = ["skip", paper[1].answer_text, "skip", paper[0].answer_text, paper[2].answer_text]
    reader = TickingReader(console, lines, step=10)
    result = run_exam(paper, reader, console, minutes=30, seed=5, record=recorded.append, clock=lambda: reader.now)
    assert [(o.problem.seed, o.status, o.correct) for o in result.outcomes] == [
        (p.seed, "answered", True) for p in paper]  # the report keeps the order of the paper
    assert "Question 1/3 (skipped before)" in out.getvalue() and "Question 3/3 (skipped before)" in out.getvalue()
    assert len(recorded) == 3 and result.score == 3.0


def test_a_question_skipped_until_the_time_is_up_is_recorded_blank():
    paper = conv_paper(2, seed=6)
    console = Console(file=io.StringIO(), width=100)
    recorded = []
    reader = TickingReader(console, [paper[0].answer_text, "skip", "skip", "skip"], step=25)
    result = run_exam(paper, reader, console, minutes=1, seed=6, record=recorded.append, clock=lambda: reader.now)
    assert [o.status for o in result.outcomes] == ["answered", "blank"] and result.ended == "time"
    assert [o.status for o in recorded] == ["answered", "blank"]


def test_the_cli_exam_records_every_question_with_mode_exam_and_keeps_schedules():
    paper = build_paper(exam_pool(["cnn"]), 3, 6)
    result = CliRunner().invoke(app, ["exam", "-t", "cnn", "-n", "3", "--seed", "6", "--json"],
                                input=paper[0].answer_text + "\n\nquit\n")
    report = json.loads(result.stdout)
    assert report["ended"] == "quit" and report["questions_total"] == 3
    assert [q["status"] for q in report["questions"]] == ["answered", "blank", "blank"]
    assert report["score"] == 1.0 and all(q["solution"] for q in report["questions"])
    assert sum(t["questions"] for t in report["topics"]) == 3
    with Store.open() as store:
        attempts = store.attempts()
        assert [(a.mode, a.correct, a.score) for a in attempts] == [("exam", True, 1.0), ("exam", False, 0.0),
                                                                      ("exam", False, 0.0)]
        assert store.cards() == []  # no rescheduling without --schedule


def test_schedule_option_feeds_the_review_schedule():
    paper = build_paper(exam_pool(["cnn"]), 2, 7)
    CliRunner().invoke(app, ["exam", "-t", "cnn", "-n", "2", "--seed", "7", "--schedule"],
                       input=paper[0].answer_text + "\n" + paper[1].answer_text + "\n")
    with Store.open() as store:
        assert {c.item_id for c in store.cards()} == {p.id for p in paper}


def test_report_shows_solutions_and_scores_per_topic():
    result = CliRunner().invoke(app, ["exam", "-t", "cnn", "-n", "2", "--seed", "3", "--no-record"], input="1x1x1\n")
    assert "Exam report" in result.output and "By topic" in result.output
    assert result.output.count("Expected:") == 2 and "Score: 0.0 of 2" in result.output


def test_answers_that_look_like_markup_are_shown_verbatim():
    result = CliRunner().invoke(app, ["exam", "-t", "cnn", "-n", "1", "--seed", "1", "--no-record"],
                                input="[/x] [bold]\n")
    assert result.exit_code == 0 and "[/x] [bold]" in result.output
    assert "Could not read that answer" in result.output and "Traceback" not in result.output


def test_a_tiny_time_limit_submits_through_a_real_pipe(tmp_path):
    env = {**os.environ, "MPCHECK_HOME": str(tmp_path / "home")}
    exam = subprocess.Popen([sys.executable, "-m", "mpcheck", "exam", "-t", "cnn", "-n", "3", "--seed", "5",
                             "--minutes", "0.01", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = ""
        while "left)> " not in seen:  # the paper is on screen: the clock runs
            chunk = exam.stderr.read(1)
            assert chunk, seen
            seen += chunk
        time.sleep(1.0)  # 0.01 minutes is 0.6 s
        out, _ = exam.communicate("1x1x1\n1x1x1\n1x1x1\n", timeout=60)
    finally:
        if exam.poll() is None:
            exam.kill()
    report = json.loads(out)
    assert report["ended"] == "time"
    assert [q["status"] for q in report["questions"]] == ["late", "blank", "blank"]
    with Store.open(tmp_path / "home" / "progress.db") as store:
        assert [a.mode for a in store.attempts()] == ["exam"] * 3


def test_clock_text():
    assert clock_text(0) == "0:00" and clock_text(65.9) == "1:05" and clock_text(3725) == "1:02:05"
    assert clock_text(-3) == "0:00"


def test_the_report_shows_a_multi_part_answer_one_part_per_line():
    from test_quiz import answer_lines

    paper = build_paper([registry().generators["rnn.lstm-step"]], 1, 2)
    h, _ = answer_lines(paper[0])
    result = CliRunner().invoke(app, ["exam", "rnn.lstm-step", "-n", "1", "--seed", "2", "--no-record"],
                                 input=f"{h}\n[9, 9]\n")
    assert f"h: {h[:12]}" in result.output and '{"h"' not in result.output



def test_on_a_terminal_the_warning_comes_while_typing_and_the_deadline_hands_in(monkeypatch):
    import pytest

    from mpcheck.study import exam as exam_module
    from mpcheck.study.exam import WARN_BEFORE_S, Alarms, ExamTimer, TimeUp

    armed = []
    monkeypatch.setattr(exam_module.signal, "setitimer", lambda which, seconds: armed.append(seconds))
    now = [0.0]
    timer = ExamTimer(Console(file=io.StringIO()), minutes=10, clock=lambda: now[0])

    class Typing:  # a terminal reader with a half-typed line
        line_editing, waiting, shown = True, "answer (5:01 left)> ", []

        def interject(self, message):
            self.shown.append(message.plain)

    reader = Typing()
    alarms = Alarms(timer, reader)
    now[0] = 600 - WARN_BEFORE_S + 0.1
    alarms.ring(0, None)
    assert reader.shown == ["⚠ Only 4:59 left. Skipped questions come back only while time remains."]
    assert armed[-1] == pytest.approx(WARN_BEFORE_S - 0.1 + 0.05)  # next: the deadline
    reader.waiting = ""
    now[0] = 601
    alarms.ring(0, None)  # busy drawing: the next prompt will tell
    assert armed[-1] == 0.5 and len(reader.shown) == 1
    reader.waiting = "answer> "
    with pytest.raises(TimeUp):
        alarms.ring(0, None)


def test_at_a_terminal_the_paper_is_handed_in_at_the_deadline(tmp_path):
    from cli_helpers import Terminal

    term = Terminal("exam", "cnn", "-n", "2", "--minutes", "0.1", "--seed", "1", env={"MPCHECK_HOME": str(tmp_path)})
    try:
        term.expect("left)> ")
        term.send("16x1")  # typing, never finished
        term.expect("Time is up", timeout=60)
        assert term.wait() == 0 and "Exam report" in term.screen
    finally:
        term.close()
    with Store.open(tmp_path / "progress.db") as store:
        assert [(a.correct, a.answer) for a in store.attempts()] == [(False, None), (False, None)]
