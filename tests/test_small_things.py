"""Small things a new student trips over: --version, exit codes, one seed range, positions counted
from 1 everywhere, no digits asked of whole numbers, a title for every question, plurals, part
names in any case, reading reference code without PyTorch."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from cli_helpers import assert_clean_error, run_cli
from mpcheck.cli import app
from mpcheck.cli.lookup import registry
from mpcheck.problem import MAX_SEED, Problem
from mpcheck.questions import BankError, question_generator
from mpcheck.study.store import Store
from test_quiz import answer_lines


def test_version():
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"mpcheck {version('mpcheck')}"


def test_bare_derive_lists_and_exits_0():
    done = run_cli("derive")
    assert done.returncode == 0 and "Derivations" in done.stdout and "elbo" in done.stdout


# -- one seed range -----------------------------------------------------------------------------

def seed_error(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, input="")
    assert result.exception is not None, result.output
    return str(result.exception)


@pytest.mark.parametrize("seed", ["-1", str(MAX_SEED + 1)])
def test_every_command_refuses_the_same_seeds_with_the_same_message(seed):
    reference = seed_error(["show", "cnn.param-count", "--seed", seed])
    assert reference == f"seed must be between 0 and {MAX_SEED}, got {seed}"
    for command in (["quiz", "cnn", "--no-record"], ["exam", "cnn", "--no-record"], ["export", "cnn"],
                    ["review", "cnn"], ["check", "cnn.param-count", "-a", "1"]):
        assert seed_error([*command, "--seed", seed]) == reference, command


def test_a_refused_seed_is_a_one_line_error_with_exit_2():
    assert_clean_error(run_cli("quiz", "cnn", "--seed", str(MAX_SEED + 1), input=""), "seed must be between")
    ok = CliRunner().invoke(app, ["quiz", "cnn", "--seed", str(MAX_SEED), "-n", "1", "--no-record"], input="quit\n")
    assert ok.exit_code == 0  # the largest seed `show` takes works everywhere


# -- positions counted from 1 -------------------------------------------------------------------

ZERO_POSITION = re.compile(r"[\[(]0,|,0[\])]|window 0,|block 0,|rows 0–|cols 0–")
POSITIONED = ["cnn.unpooling", "cnn.maxpool-backward", "cnn.conv2d-forward", "cnn.conv-backward-kernel",
              "cnn.conv-backward-input", "cnn.transposed-conv"]


@pytest.mark.parametrize("problem_id", POSITIONED)
def test_worked_solutions_count_positions_from_1(problem_id):
    gen = registry().generators[problem_id]
    for seed in range(40):
        solution = Problem.from_seed(gen, seed).solution()
        assert not ZERO_POSITION.search(solution), (seed, solution)
        assert "count from 1" in solution


def test_unpooling_feedback_and_solution_name_the_same_position():
    problem = Problem.from_seed(registry().generators["cnn.unpooling"], 2)
    wrong = [list(row) for row in problem.answer]
    row, col = next((r, c) for r, line in enumerate(wrong) for c, v in enumerate(line) if v != 0)
    wrong[row][col] = 0
    verdict = problem.check(json.dumps(wrong))
    assert f"({row + 1}, {col + 1})" in verdict.feedback  # feedback counts from 1 ...
    assert f"({row + 1},{col + 1})" in problem.solution()  # ... and so does the solution
    assert "Positions (row, column) count from 1" in problem.instructions


# -- instructions -------------------------------------------------------------------------------

def test_no_digits_are_asked_of_whole_numbers():
    unpool = Problem.from_seed(registry().generators["cnn.unpooling"], 2)
    assert "significant digits" not in unpool.instructions
    real = Problem.from_params(registry().generators["cnn.unpooling"],
                               {**unpool.params, "input": [[0.5, -1.25], [1.5, 2]]})
    assert "significant digits" in real.instructions
    shown = run_cli("show", "cnn.unpooling", "--seed", "2").stdout
    assert "significant digits" not in shown
    assert Problem.from_seed(registry().generators["cnn.unpooling"], 2).to_json()["instructions"] == unpool.instructions
    count = Problem.from_seed(registry().generators["cnn.q-param-count"], 1)  # a numeric concept question
    assert count.answer == 608 and "significant digits" not in count.instructions
    half = Problem.from_seed(registry().generators["rnn.q-sigmoid-gamma"], 1)
    assert "at least 4 significant digits" in half.instructions


def test_part_names_are_read_in_any_case():
    lstm = Problem.from_seed(registry().generators["rnn.lstm-step"], 1)
    h, c = answer_lines(lstm)
    assert lstm.check(f"H: {h}\nC: {c}").correct
    assert lstm.check(json.dumps({"H": h, "C": c})).correct
    assert "given twice" in lstm.check(json.dumps({"H": h, "h": h, "c": c})).error


# -- titles -------------------------------------------------------------------------------------

def test_every_concept_question_has_a_title_of_its_own():
    questions = [g for g in registry().generators.values() if g.origin == "question"]
    assert questions
    for q in questions:
        assert q.title and len(q.title) <= 80 and "…" not in q.title, q.id  # written, not cut from the text


def test_the_bank_schema_requires_a_title():
    question = {"id": "cnn.q-x", "kind": "true-false", "text": "Is it?", "answer": True, "explanation": "Yes."}
    with pytest.raises(BankError, match="missing \\['title'\\]"):
        question_generator(question)
    with pytest.raises(BankError, match="title must be one line"):
        question_generator({**question, "title": ""})
    assert question_generator({**question, "title": "A title"}).title == "A title"


def test_the_quiz_heads_a_concept_question_with_its_title():
    result = CliRunner().invoke(app, ["quiz", "rnn", "--kind", "questions", "-n", "1", "--seed", "1",
                                      "--no-record"], input="quit\n")
    titles = {g.title for g in registry().generators.values() if g.topic == "rnn" and g.origin == "question"}
    assert any(title in result.output for title in titles) and "Concept question" not in result.output


# -- plurals ------------------------------------------------------------------------------------

def test_one_of_something_is_singular(tmp_path):
    quiz = CliRunner().invoke(app, ["quiz", "--problem", "cnn.param-count", "-n", "1", "--seed", "1"], input="7\n")
    assert "1 question (seed 1)" in quiz.output
    stats = CliRunner().invoke(app, ["stats", "--no-chart"]).output
    assert "1 attempt, 0 right" in stats
    exported = run_cli("progress", "export", "-o", str(tmp_path / "p.json"))
    assert "Exported 1 attempt and 1 schedule to" in exported.stderr
    exam = CliRunner().invoke(app, ["exam", "cnn", "-n", "1", "--minutes", "1", "--seed", "1", "--no-record"], input="")
    assert "1 question on cnn, 1 minute (seed 1)" in exam.output
    with Store.open() as store:
        assert store.count() == 1


# -- reading the references needs no PyTorch ----------------------------------------------------

NO_TORCH = """
import sys
sys.modules["torch"] = None  # import torch fails, as where PyTorch is not installed
sys.argv = ["mpcheck", *sys.argv[1:]]
from mpcheck.cli import main
main()
"""


def test_ref_source_works_without_torch():
    done = subprocess.run([sys.executable, "-c", NO_TORCH, "ref", "cnn", "conv2d", "--source"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "def conv2d" in done.stdout and "Traceback" not in done.stderr
    run = subprocess.run([sys.executable, "-c", NO_TORCH, "ref", "cnn", "conv2d"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "need PyTorch" in run.stderr  # running them does need it
