"""The quiz: reproducible decks, scripted sessions through stdin, what is (not) recorded, kills."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from mpcheck.api import Generator, Integer, Parts
from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.cli.quiz import quiz_problems
from mpcheck.problem import Problem
from mpcheck.study.session import LineReader, run_practice
from mpcheck.study.store import Store

CONV = "cnn.conv-output-size"


def answer_lines(problem: Problem) -> list[str]:
    """The right answer as the quiz reads it: one line, or one line per part."""
    kind = problem.generator.answer_kind
    if isinstance(kind, Parts):
        return [part.format(part.from_json(problem.answer[name])) for name, part in kind.parts.items()]
    return [problem.answer_text]


def run_quiz(*args: str, lines: list[str]):
    result = CliRunner().invoke(app, ["quiz", *args], input="".join(line + "\n" for line in lines))
    assert "Traceback" not in result.output, result.output
    return result


def stored() -> list:
    with Store.open() as store:
        return store.attempts()


def test_the_same_seed_asks_the_same_quiz_and_mixes_the_whole_topic():
    reg = registry()
    topic = max(reg.topics, key=lambda t: sum(g.topic == t for g in reg.generators.values()))
    pool = {g.id for g in reg.generators.values() if g.topic == topic}
    first = quiz_problems(topic, None, len(pool), 11)
    again = quiz_problems(topic, None, len(pool), 11)
    assert [(p.id, p.seed, p.params) for p in first] == [(p.id, p.seed, p.params) for p in again]
    generated = {g.id for g in reg.generators.values() if g.topic == topic and g.origin != "question"}
    assert generated <= {p.id for p in first}  # every generator before any repeat
    other = quiz_problems(topic, None, len(pool), 12)
    assert [(p.id, p.seed) for p in other] != [(p.id, p.seed) for p in first]
    longer = quiz_problems(topic, None, len(pool) + 3, 11)
    assert len({p.seed for p in longer}) == len(longer)  # a repeated item gets new numbers


def test_piped_quiz_grades_records_and_names_the_mistake():
    problems = quiz_problems(None, CONV, 3, 5)
    right = [p.answer_text for p in problems]
    trap = next(m for m in problems[2].generator.mistakes if problems[2].mistake_answer(m) is not None)
    kind = problems[2].generator.answer_kind
    wrong = kind.format(problems[2].mistake_answer(trap))
    result = run_quiz("--problem", CONV, "-n", "3", "--seed", "5", lines=[right[0], "hint", right[1], wrong])
    assert result.exit_code == 0
    assert "Hint:" in result.output and "Worked solution" in result.output
    assert f"Recognised mistake: {trap.name}" in result.output
    assert "Score: 2 of 3" in result.output and "--seed 5" in result.output
    attempts = stored()
    assert [(a.problem_id, a.seed, a.correct, a.hints, a.mode) for a in attempts] == [
        (CONV, problems[0].seed, True, 0, "practice"), (CONV, problems[1].seed, True, 1, "practice"),
        (CONV, problems[2].seed, False, 0, "practice")]
    assert attempts[2].mistake == trap.name and attempts[2].answer == wrong
    with Store.open() as store:
        assert store.card(CONV) is not None  # practice feeds the review schedule too


def test_an_unreadable_answer_is_explained_asked_again_and_not_recorded():
    problem = quiz_problems(None, CONV, 1, 3)[0]
    result = run_quiz("--problem", CONV, "-n", "1", "--seed", "3", lines=["sixteen by fifteen", "", problem.answer_text])
    assert "Could not read that answer" in result.output and "not counted" in result.output
    assert [(a.correct, a.answer) for a in stored()] == [(True, problem.answer_text)]


def test_skip_solution_and_quit_work_through_a_pipe():
    result = run_quiz("--problem", CONV, "-n", "5", "--seed", "4", lines=["help", "skip", "solution", "quit", "1x1x1"])
    assert result.exit_code == 0
    assert "Skipped (not recorded)" in result.output and "Worked solution" in result.output
    assert "Score: 0 of 1" in result.output and "Question 3/5" in result.output
    assert "Question 4/5" not in result.output  # quit ended it; the last line was never read
    (revealed,) = stored()
    assert revealed.answer is None and not revealed.correct


def test_end_of_input_ends_the_quiz_with_a_summary():
    problems = quiz_problems("cnn", None, 4, 8)
    result = run_quiz("cnn", "-n", "4", "--seed", "8", lines=answer_lines(problems[0]))
    assert result.exit_code == 0 and "Summary" in result.output and "Score: 1 of 1" in result.output
    assert len(stored()) == 1


def test_no_record_stores_nothing_and_json_summarises():
    problems = quiz_problems(None, CONV, 2, 9)
    result = run_quiz("--problem", CONV, "-n", "2", "--seed", "9", "--no-record", "--json",
                      lines=[problems[0].answer_text, "1x1x1"])
    summary = json.loads(result.stdout)
    assert summary["seed"] == 9 and summary["answered"] == 2 and summary["correct"] == 1
    assert [q["correct"] for q in summary["questions"]] == [True, False]
    assert stored() == []


def test_multi_part_answers_are_read_one_line_per_part():
    # a two-part problem built here, so the test does not depend on which topics exist
    gen = Generator(id="cnn.sum-and-product", title="Sum and product", answer_kind=Parts({"s": Integer(), "p": Integer()}),
                    sample_params=lambda rng: {"a": int(rng.integers(2, 9)), "b": int(rng.integers(2, 9))},
                    validate_params=lambda p: None, solve=lambda p: {"s": p["a"] + p["b"], "p": p["a"] * p["b"]},
                    prompt=lambda p: f"a = {p['a']}, b = {p['b']}: give a + b and a·b.", solution=lambda p: "Add; multiply.")
    problems = [Problem.from_seed(gen, seed) for seed in (1, 2)]
    first, second = (answer_lines(p) for p in problems)
    lines = [first[0], "p: " + first[1], second[0], str(problems[1].answer["p"] + 1)]
    out = io.StringIO()
    from rich.console import Console

    console = Console(file=out, width=100)
    result = run_practice(problems, LineReader(console, io.StringIO("\n".join(lines) + "\n")), console)
    assert [(o.status, o.correct) for o in result.outcomes] == [("answered", True), ("answered", False)]
    assert result.outcomes[1].verdict.parts["s"]["correct"] and not result.outcomes[1].verdict.parts["p"]["correct"]
    assert "p> " in out.getvalue()


def test_unknown_topic_is_a_clean_error():
    done = subprocess.run([sys.executable, "-m", "mpcheck", "quiz", "cnnn"], input="", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "unknown topic 'cnnn'" in done.stderr and "cnn" in done.stderr


def test_a_killed_quiz_keeps_every_answered_attempt(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "MPCHECK_HOME": str(home)}
    problems = quiz_problems(None, CONV, 5, 21)
    quiz = subprocess.Popen([sys.executable, "-m", "mpcheck", "quiz", "--problem", CONV, "-n", "5", "--seed", "21"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    try:
        quiz.stdin.write(problems[0].answer_text + "\n1x1x1\n")
        quiz.stdin.flush()
        deadline = time.monotonic() + 90
        count = 0
        while time.monotonic() < deadline:
            if (home / "progress.db").exists():
                with Store.open(home / "progress.db") as store:
                    count = store.count()
            if count >= 2:
                break
            time.sleep(0.1)
        assert count == 2
        quiz.stdin.write(problems[2].answer_text[:2])  # the third answer, half typed
        quiz.stdin.flush()
        quiz.send_signal(signal.SIGKILL)
        quiz.wait(timeout=30)
    finally:
        if quiz.poll() is None:
            quiz.kill()
    with Store.open(home / "progress.db") as store:
        assert [(a.seed, a.correct) for a in store.attempts()] == [(problems[0].seed, True), (problems[1].seed, False)]


@pytest.mark.parametrize("command", [["quiz"], ["review"], ["exam"], ["stats"], ["export"], ["progress"],
                                     ["progress", "export"], ["progress", "import"], ["progress", "reset"]])
def test_help_teaches_with_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "mpcheck " + command[0] in result.output
