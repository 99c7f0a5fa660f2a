"""The exercise commands as a user runs them: start, check (the sandbox cases: a hang, a 50 GB
allocation, a syntax or import error, sys.exit, printed output, a forbidden built-in), the TA
batch, progress, and `ref --source` without torch. On MPCHECK_DEVICE=cuda the checks run there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import exercise_files as files
from cli_helpers import assert_clean_error, run_cli

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")
# starting Python and torch takes seconds on a busy machine; a hang costs exactly this long
LIMIT = "45"
BATCH_LIMIT = "20"  # a batch forks from a server that has imported torch already


def check(path: Path, *extra: str, cwd: Path | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpcheck", "exercise", "check", str(path), "--device", DEVICE,
                           "--time-limit", LIMIT, *extra], capture_output=True, text=True, timeout=300,
                          cwd=cwd, input=input, env=os.environ.copy())


def test_start_writes_a_skeleton_once_and_never_overwrites(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mpcheck", "exercise", "start", "cnn", "conv2d"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    skeleton = (tmp_path / "conv2d.py").read_text()
    assert skeleton.startswith("# mpcheck exercise: cnn/conv2d\n") and "raise NotImplementedError" in skeleton
    (tmp_path / "conv2d.py").write_text("mine")
    again = subprocess.run([sys.executable, "-m", "mpcheck", "exercise", "start", "cnn", "conv2d"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert_clean_error(again, "conv2d.py exists; not overwriting it")
    assert (tmp_path / "conv2d.py").read_text() == "mine"
    assert_clean_error(run_cli("exercise", "start", "cnn", "conv3d"), "unknown exercise 'cnn/conv3d'")


def test_a_wrong_then_a_right_file_case_by_case_and_a_pass_is_recorded(tmp_path):
    wrong = tmp_path / "conv2d.py"
    wrong.write_text(files.FLIPPED_CONV.replace("    if bias is not None:", "    print('y', tuple(y.shape))\n"
                                                "    print('bias', bias is not None)\n    if bias is not None:"))
    done = check(wrong, "--seed", "4")
    assert done.returncode == 1, done.stderr
    assert "Recognised mistake: kernel-flipped" in done.stdout and "to try in Python:" in done.stdout
    printed = done.stdout.split("Your code printed (on stdout):\n")[1]
    assert printed.startswith("    y (1, 1, 3, 3)\n    bias True\n") and printed.endswith("(12 more lines)\n")
    snippet = [line[4:] for line in done.stdout.split("Your code printed")[0].splitlines() if line.startswith("    ")]
    replayed = subprocess.run([sys.executable, "-c", "\n".join(snippet)], capture_output=True, text=True, timeout=120)
    assert replayed.stdout.splitlines()[-1].startswith("wrong: largest error"), replayed.stderr

    wrong.write_text(files.RIGHT_CONV)
    done = check(wrong, "--json")
    record = json.loads(done.stdout)
    assert done.returncode == 0 and record["passed"] and record["cases_passed"] == record["cases_total"] == 16
    assert record["report"]["device"] == DEVICE
    listed = json.loads(run_cli("exercises", "cnn", "--json").stdout)
    assert [row["exercise"] for row in listed if row["passed"]] == ["cnn/conv2d"]
    stats = json.loads(run_cli("stats", "--json").stdout)
    assert stats["exercises_passed"] == 1 and stats["attempts"] == 0


def test_could_not_run_is_exit_2_with_one_line(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text(files.SYNTAX_ERROR)
    assert_clean_error(check(broken), "broken.py could not run: syntax error at line 2")
    plain = tmp_path / "plain.py"
    plain.write_text(files.NO_HEADER)
    assert_clean_error(check(plain), "does not say which exercise it is")
    done = check(plain, "--exercise", "cnn/conv2d", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["exercise"] == "cnn/conv2d"


def test_hint_and_solution(tmp_path):
    mine = tmp_path / "adam.py"
    mine.write_text(files.ADAM_NO_BIAS_CORRECTION.replace("return theta", "return theta("))
    done = check(mine, "--hint")
    assert done.stdout.startswith("Hint: Return the new $m$ and $v$") and done.returncode == 2
    assert_clean_error(check(mine, "--solution", input=""), "--solution asks before it shows the solution")
    shown = check(mine, "--solution", "--yes", input="")
    assert shown.returncode == 0 and "def adam_step(" in shown.stdout and "bias-corrected" in shown.stdout


BATCH = {  # name: (content, what its line says)
    "a_conv2d_right.py": (files.RIGHT_CONV, {"passed": True, "cases_passed": 16}),
    "b_conv2d_flipped.py": (files.FLIPPED_CONV, {"passed": False, "mistake": "kernel-flipped", "error": None}),
    "c_conv2d_padding.py": (files.PADDING_OFF_BY_ONE, {"passed": False, "mistake": None, "error": None}),
    "d_adam_right.py": (files.RIGHT_ADAM, {"passed": True, "exercise": "ml/adam"}),
    "e_adam_no_bias.py": (files.ADAM_NO_BIAS_CORRECTION, {"mistake": "no-bias-correction"}),
    "f_lstm.py": (files.LSTM_PYTORCH_ORDER, {"mistake": "pytorch-gate-order", "exercise": "rnn/lstm-cell"}),
    "g_pool_backward.py": (files.POOL_BACKWARD_SPREAD, {"mistake": "gradient-spread-over-window"}),
    "h_softmax_right.py": (files.RIGHT_SOFTMAX, {"passed": True}),
    "i_hangs.py": (files.HANGS, {"passed": False, "cases_total": 16,
                                 "error": f"time limit: stopped after {BATCH_LIMIT} s in case 1"}),
    "j_photo.png": (files.NOT_PYTHON, {"passed": False, "exercise": None,
                                        "error": "not a Python file: it is not UTF-8 text"}),
    "k_syntax.py": (files.SYNTAX_ERROR, {"error": "syntax error at line 2: "}),
    "l_import.py": (files.IMPORT_ERROR, {"error": "import error: ModuleNotFoundError (line 2): No module named 'numpyy'"}),
    "m_exit_at_import.py": (files.EXITS_AT_IMPORT, {"error": "the file called sys.exit(0) while it was imported",
                                                    "cases_passed": 0}),
    "n_exit_in_function.py": (files.EXITS_IN_FUNCTION, {"error": None, "passed": False, "cases_passed": 0,
                                                        "case_error": "the code called sys.exit(1)"}),
    "o_50_gb.py": (files.ALLOCATES_50_GB, {"passed": False, "error": None,
                                           "case_error": "memory limit: the code asked for 50.0"}),
    "p_prints.py": (files.PRINTING_SOFTMAX, {"passed": True}),
    "q_forbidden.py": (files.FORBIDDEN, {"passed": False, "error": None,
                                         "case_error": "torch.nn.functional.conv2d is not allowed"}),
    "r_ends_process.py": (files.ENDS_THE_PROCESS, {"error": "the process ended (exit status 0) in case 1"}),
    "s_no_header.py": (files.NO_HEADER, {"exercise": None, "error": "does not say which exercise it is"}),
}


def test_ta_batch_of_20_one_line_each_whatever_the_files_do(tmp_path):
    root = tmp_path / "submissions"
    root.mkdir()
    for name, (content, _) in BATCH.items():
        (root / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    (root / "student_t").mkdir()
    (root / "student_t" / "main.py").write_text(files.STUDENT_MAIN)
    (root / "student_t" / "helper.py").write_text(files.STUDENT_HELPER)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "mpcheck", "exercise", "check", "--batch", str(root), "--jobs", "3",
                           "--device", DEVICE, "--time-limit", BATCH_LIMIT], capture_output=True, text=True, timeout=600)
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 20 and [r["file"] for r in lines] == [*BATCH, "student_t/main.py"]
    for record in lines:
        assert {"file", "exercise", "passed", "cases_passed", "cases_total", "max_abs_error", "mistake", "error"} <= set(record)
        for key, value in BATCH.get(record["file"], ("", {"passed": True, "student": "student_t"}))[1].items():
            if key in ("error", "case_error") and value:
                assert record[key] and record[key].startswith(value), (record["file"], record[key])
            else:
                assert record[key] == value, (record["file"], key, record)
    # the hanging file cost one time limit, not a hang; nothing waits for another's limit
    assert took < 20 * float(BATCH_LIMIT)
    assert not any((root / d).exists() for d in ("__pycache__", "student_t/__pycache__"))


@pytest.mark.parametrize("content, says", [
    (files.ALLOCATES_50_GB, "memory limit: the code asked for 50.0"),  # 50.0 GiB on the CPU, 50.00 GiB on CUDA
])
def test_misbehaving_code_is_one_clear_line(tmp_path, content, says):
    mine = tmp_path / "conv2d.py"
    mine.write_text(content)
    done = check(mine)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert f"✗ all 16 cases: {says}" in done.stdout, done.stdout


def test_ref_source_needs_no_torch(tmp_path):
    (tmp_path / "torch.py").write_text("raise ImportError('no torch here')\n")
    done = run_cli("ref", "rnn", "lstm-cell", "--source", env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "def lstm_cell(x, h_prev, c_prev, W, b):" in done.stdout


def test_ref_json_reports_the_exercise_checker():
    rows = json.loads(run_cli("ref", "ml", "adam", "--device", DEVICE, "--json", "--seed", "3").stdout)
    assert rows[0]["passed"] and rows[0]["cases_passed"] == rows[0]["cases_total"] > 0 and rows[0]["seed"] == 3
    assert set(rows[0]["max_abs_error_by_dtype"]) == {"float64", "float32"}


def test_a_batch_goes_on_when_its_fork_server_is_gone(tmp_path):
    """Each file then gets a child of its own: the verdict is the same, only slower."""
    from mpcheck.host import plugins
    from mpcheck.exercises.sandbox import Forker, Limits, run_file

    mine = tmp_path / "conv2d.py"
    mine.write_text(files.FLIPPED_CONV)
    reference = plugins.registry().references["cnn/conv2d"]
    forker = Forker()
    try:
        forked = run_file(mine, reference, "cpu", 3, Limits(wall_s=float(LIMIT)), forker)
        forker.server.kill()
        forker.server.wait()
        spawned = run_file(mine, reference, "cpu", 3, Limits(wall_s=float(LIMIT)), forker)
    finally:
        forker.close()
    assert not forker.alive
    assert forked.to_json()["mistake"] == spawned.to_json()["mistake"] == "kernel-flipped"
    assert forked.report["cases"] == spawned.report["cases"]
