"""Typing answers in quiz and review: commands at every prompt, part by part, matrices row by row,
unreadable values asked again, the pause after a long solution (terminal only), Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli_helpers import Terminal, keyboard_interrupts
from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.problem import Problem
from mpcheck.study.session import LineReader, run_practice
from mpcheck.study.store import Store
from test_quiz import answer_lines

LSTM = "rnn.lstm-step"
UNPOOL = "cnn.unpooling"


def problem(problem_id: str, seed: int) -> Problem:
    return Problem.from_seed(registry().generators[problem_id], seed)


def practise(problems: list[Problem], lines: list[str], width: int = 120):
    """A piped practice session in process: the result and everything it printed."""
    out = io.StringIO()
    console = Console(file=out, width=width)
    recorded = []
    reader = LineReader(console, io.StringIO("".join(line + "\n" for line in lines)))
    result = run_practice(problems, reader, console, recorded.append)
    return result, out.getvalue(), recorded


def matrix_rows(p: Problem) -> list[str]:
    return [" ".join(str(v) for v in row) for row in p.answer]


# -- commands at every prompt -------------------------------------------------------------------

def test_hint_at_the_second_part_shows_a_hint_and_asks_that_part_again():
    lstm = problem(LSTM, 3)
    h, c = answer_lines(lstm)
    result, out, recorded = practise([lstm], [h, "hint", c])
    (outcome,) = result.outcomes
    assert outcome.correct and outcome.hints == 1
    assert "Hint:" in out and "unknown name" not in out and "Could not read" not in out
    assert out.count("c> ") == 2  # asked again for c, not for h
    assert recorded == [outcome]


@pytest.mark.parametrize("command, status, ended", [("skip", "skipped", "done"), ("solution", "revealed", "done"),
                                                     ("quit", None, "quit")])
def test_skip_solution_and_quit_work_at_the_second_part(command, status, ended):
    lstm = problem(LSTM, 4)
    result, out, recorded = practise([lstm], [answer_lines(lstm)[0], command])
    assert result.ended == ended
    assert [o.status for o in result.outcomes] == ([status] if status else [])
    assert "Could not read" not in out and "Incorrect" not in out
    assert [o.status for o in recorded] == (["revealed"] if status == "revealed" else [])


def test_help_and_hint_work_at_a_matrix_row_and_the_matrix_is_kept():
    unpool = problem(UNPOOL, 2)
    rows = matrix_rows(unpool)
    result, out, _ = practise([unpool], [rows[0], "help", rows[1], "hint", *rows[2:], ""])
    assert result.outcomes[0].correct and result.outcomes[0].hints == 1
    assert "They work at every prompt" in out


def test_the_instructions_say_how_the_answer_is_asked():
    lstm = problem(LSTM, 3)
    _, out, _ = practise([lstm], ["quit"])
    assert "asked for each part in turn (h, c)" in out
    assert "on its own line as name: value" not in out  # that is how `check --answer` reads it
    _, out, _ = practise([problem(UNPOOL, 2)], ["quit"])
    assert "one row per line, then an empty line" in out


# -- multi-part answers -------------------------------------------------------------------------

def test_every_part_may_be_given_on_the_first_line_with_labels_in_any_case():
    lstm = problem(LSTM, 5)
    h, c = answer_lines(lstm)
    result, out, _ = practise([lstm, lstm], [f"H: {h}; C: {c}", json.dumps({"h": h, "c": c})])
    assert [o.correct for o in result.outcomes] == [True, True]
    assert "c> " not in out  # nothing more was asked


def test_an_unreadable_part_is_explained_and_only_that_part_asked_again():
    lstm = problem(LSTM, 6)
    h, c = answer_lines(lstm)
    result, out, recorded = practise([lstm], [h, "maybe", "C: " + c])
    assert "Could not read that answer" in out and "not counted" in out
    assert result.outcomes[0].correct and len(recorded) == 1
    assert out.count("h> ") == 1


def test_an_empty_line_at_a_later_part_asks_again():
    lstm = problem(LSTM, 7)
    h, c = answer_lines(lstm)
    result, out, _ = practise([lstm], [h, "", c])
    assert result.outcomes[0].correct and out.count("c> ") == 2


# -- matrices row by row ------------------------------------------------------------------------

def test_a_matrix_is_read_row_by_row_until_an_empty_line():
    unpool = problem(UNPOOL, 2)
    rows = matrix_rows(unpool)
    result, out, _ = practise([unpool], [*rows, ""])
    assert result.outcomes[0].correct
    assert "answer row 2> " in out and f"answer row {len(rows) + 1}> " in out


def test_a_row_alone_is_never_graded_as_the_matrix():
    unpool = problem(UNPOOL, 2)
    result, out, recorded = practise([unpool], [matrix_rows(unpool)[0], "quit"])
    assert result.ended == "quit" and result.outcomes == [] and recorded == []
    assert "Incorrect" not in out and "Worked solution" not in out


def test_a_matrix_on_one_line_is_graded_at_once():
    unpool = problem(UNPOOL, 2)
    one_line = "; ".join(matrix_rows(unpool))
    result, out, _ = practise([unpool, unpool], [one_line, unpool.answer_text])
    assert [o.correct for o in result.outcomes] == [True, True] and "row 2> " not in out


def test_rows_of_different_lengths_are_explained_and_asked_again():
    unpool = problem(UNPOOL, 2)
    rows = matrix_rows(unpool)
    result, out, recorded = practise([unpool], [rows[0], "1 2", "", *rows, ""])
    assert "rows have different lengths" in out and result.outcomes[0].correct and len(recorded) == 1


def test_matrix_rows_work_inside_a_multi_part_answer():
    p = problem("ml.mlp-backprop", 1)
    lines = []
    for name, kind in p.generator.answer_kind.parts.items():
        if type(kind).__name__ == "Matrix":
            lines += [" ".join(repr(v) for v in row) for row in p.answer[name]] + [""]
        else:
            lines.append(kind.format(kind.from_json(p.answer[name])))
    result, out, _ = practise([p], lines)
    assert result.outcomes[0].correct, out[-2000:]
    assert "dW2 row 2> " in out


# -- on a terminal ------------------------------------------------------------------------------

def test_after_a_long_solution_the_quiz_waits_for_enter_on_a_terminal(tmp_path):
    term = Terminal("quiz", "--problem", "cnn.conv2d-forward", "-n", "2", "--seed", "3",
                    env={"MPCHECK_HOME": str(tmp_path)}, rows=30)
    try:
        term.expect("answer> ")
        term.line("1x1x1x1")  # unreadable: explained, asked again
        term.expect("Could not read")
        term.line("[[1000]]")  # a wrong 1×1 matrix
        shown = term.expect("Press Enter to go on")
        assert "Worked solution" in term.screen[:shown]
        assert "Question 2/2" not in term.quiet_for(1.0)  # it waits
        term.line()
        term.expect("Question 2/2", after=shown)
        term.line("quit")
        assert term.wait() == 0
    finally:
        term.close()


def test_piped_input_never_waits_for_enter():
    result = CliRunner().invoke(app, ["quiz", "--problem", "cnn.conv2d-forward", "-n", "2", "--seed", "3",
                                      "--no-record"], input="[[1000]]\n[[1000]]\n")
    assert result.exit_code == 0 and "Worked solution" in result.output
    assert "Press Enter" not in result.output and "Score: 0 of 2" in result.output


def test_ctrl_c_at_a_terminal_exits_130_and_keeps_every_answer(tmp_path):
    from mpcheck.cli.quiz import quiz_problems

    first = quiz_problems(None, "cnn.param-count", 2, 8)[0]
    term = Terminal("quiz", "--problem", "cnn.param-count", "-n", "2", "--seed", "8",
                    env={"MPCHECK_HOME": str(tmp_path)})
    try:
        term.expect("answer> ")
        term.line(first.answer_text)
        term.expect("Question 2/2")
        term.expect("answer> ", after=term.screen.index("Question 2/2"))
        term.idle()  # as typed keys find it: see Terminal.idle
        term.send("12")  # half typed, then Ctrl-C
        term.idle()
        term.send("\x03")
        assert term.wait() == 130
        assert "Summary" in term.screen and "Traceback" not in term.screen
    finally:
        term.close()
    with Store.open(tmp_path / "progress.db") as store:
        assert [(a.seed, a.correct) for a in store.attempts()] == [(first.seed, True)]


@pytest.mark.parametrize("command", ["quiz", "exam"])
def test_sigint_on_a_pipe_exits_130_and_keeps_every_answer(tmp_path, command):
    from mpcheck.cli.quiz import quiz_problems

    first = quiz_problems(None, "cnn.conv-output-size", 3, 2)[0]
    args = (["quiz", "--problem", "cnn.conv-output-size", "-n", "3", "--seed", "2"] if command == "quiz"
            else ["exam", "cnn.conv-output-size", "-n", "3", "--seed", "2"])
    env = {**os.environ, "MPCHECK_HOME": str(tmp_path)}
    session = subprocess.Popen([sys.executable, "-m", "mpcheck", *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               preexec_fn=keyboard_interrupts)
    try:
        session.stdin.write(first.answer_text + "\n")
        session.stdin.flush()
        deadline = time.monotonic() + 90
        count = 0
        while count < 1 and time.monotonic() < deadline:
            if (tmp_path / "progress.db").exists():
                with Store.open(tmp_path / "progress.db") as store:
                    count = store.count()
            time.sleep(0.1)
        time.sleep(0.5)  # waiting at the next prompt
        session.send_signal(signal.SIGINT)
        out, _ = session.communicate(timeout=60)
    finally:
        if session.poll() is None:
            session.kill()
    assert session.returncode == 130, out
    assert "Traceback" not in out
    with Store.open(tmp_path / "progress.db") as store:
        attempts = store.attempts()
    if command == "quiz":
        assert [(a.seed, a.correct) for a in attempts] == [(first.seed, True)]
    else:  # the paper is handed in: every question recorded, the rest blank
        assert [a.correct for a in attempts] == [True, False, False] and "Exam report" in out


def test_ctrl_c_in_derive_practice_exits_130():
    term = Terminal("derive", "softmax-gradient", "--practice")
    try:
        term.expect("= ?")
        term.idle()
        term.send("\x03")
        assert term.wait() == 130 and "Traceback" not in term.screen
    finally:
        term.close()
