"""Exercises in process: every registered exercise is sound (its reference passes, each declared
mistake fails and is named), skeletons, the checker's verdicts, replaying a case, progress."""

from __future__ import annotations

import ast
import json
import os

import pytest
import torch

from mpcheck.host import plugins
from mpcheck.api import Case, CodeMistake, Exercise, Reference
from mpcheck.host.entrypoints import load_object
from mpcheck.exercises import replay
from mpcheck.exercises.checker import ForbiddenCall, check_implementation, forbidden_calls
from mpcheck.exercises.outputs import compare
from mpcheck.exercises.progress import item_id, passes, record_pass, suggestion
from mpcheck.exercises.sandbox import Checked
from mpcheck.exercises.skeleton import exercise_key, skeleton
from mpcheck.study.store import Attempt, Store
from mpcheck.testing import assert_exercise_sound

DEVICE = os.environ.get("MPCHECK_DEVICE", "cpu")
SEEDS = range(3)


def registered() -> list[Reference]:
    return [r for r in plugins.registry().references.values() if r.exercise is not None]


def test_every_builtin_reference_is_an_exercise():
    builtin = [r for r in plugins.registry().references.values() if r.topic in ("cnn", "rnn", "ml")]
    assert len(builtin) == 16 and all(r.exercise is not None for r in builtin)


@pytest.mark.parametrize("reference", registered(), ids=lambda r: r.key)
def test_exercise_is_sound(reference):
    """The reference passes with its forbidden built-ins refused; every mistake, written as code,
    fails and is named as itself (later topics are covered as they register)."""
    assert_exercise_sound(reference.exercise, seeds=SEEDS, device=DEVICE)


@pytest.mark.parametrize("reference", registered(), ids=lambda r: r.key)
def test_exercise_declaration(reference):
    exercise = reference.exercise
    assert exercise.mistakes, f"{reference.key}: no known mistake declared"
    assert len({m.name for m in exercise.mistakes}) == len(exercise.mistakes)
    assert exercise.doc and "$" in exercise.doc
    for text in (exercise.doc, exercise.hint, *(m.feedback for m in exercise.mistakes)):
        assert text.count("$") % 2 == 0, f"{reference.key}: unbalanced $ in {text!r}"
        assert not set(text) & set("αβγδεθλμσ≤≥√⊙∑∂"), f"{reference.key}: Unicode math in {text!r}"


@pytest.mark.parametrize("reference", registered(), ids=lambda r: r.key)
def test_skeleton_is_the_function_to_write(reference):
    text = skeleton(reference, "mine.py")
    assert exercise_key(text) == reference.key
    tree = ast.parse(text)
    defined = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [d.name for d in defined] == [reference.exercise.function]
    assert " ".join(reference.exercise.doc.split()[:4]) in " ".join(ast.get_docstring(defined[0]).split())
    namespace: dict = {}
    exec(compile(text, "mine.py", "exec"), namespace)  # our own generated text, not user input
    report = check_implementation(reference.exercise, namespace[reference.exercise.function], DEVICE, seed=0)
    assert not report.passed and report.first_failure.error.startswith("not written yet")


def test_skeleton_keeps_the_solution_signature_and_the_latex():
    conv = plugins.registry().references["cnn/conv2d"]
    text = skeleton(conv, "conv2d.py")
    assert "def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None," in text
    assert "stride: int = 1, padding: int = 0, dilation: int = 1) -> torch.Tensor:" in text
    assert 'r"""' in text and "\\lfloor" in text and "raise NotImplementedError" in text
    nesterov = skeleton(plugins.registry().references["ml/nesterov"], "n.py")
    assert "from collections.abc import Callable" in nesterov and "Tensor = torch.Tensor" in nesterov


def test_exercise_key_reads_the_header_near_the_top_only():
    assert exercise_key("# mpcheck exercise: cnn/conv2d\nimport torch\n") == "cnn/conv2d"
    assert exercise_key("#mpcheck exercise:   rnn/lstm-cell  \n") == "rnn/lstm-cell"
    assert exercise_key("\n" * 40 + "# mpcheck exercise: cnn/conv2d\n") is None
    assert exercise_key("x = 1  # mpcheck exercise: cnn/conv2d\n") is None


# --- the checker's verdicts ------------------------------------------------------------------

def _conv():
    return plugins.registry().references["cnn/conv2d"].exercise


def test_a_crash_is_the_case_error_and_a_forbidden_call_is_refused():
    import torch.nn.functional as F

    report = check_implementation(_conv(), lambda *a, **k: F.conv2d(*a, **k), DEVICE, seed=1)
    assert not report.passed and report.mistake is None
    assert all("is not allowed in this exercise" in c.error for c in report.cases)
    report = check_implementation(_conv(), lambda *a, **k: 1 / 0, DEVICE, seed=1)
    assert report.first_failure.error.startswith("ZeroDivisionError")


def test_forbidden_calls_are_restored_even_for_class_attributes():
    backward = torch.Tensor.__dict__["backward"]
    with forbidden_calls(["torch.Tensor.backward", "torch.nn.functional.conv2d", "torch.no.such.thing"]):
        with pytest.raises(ForbiddenCall):
            torch.ones(1, requires_grad=True).sum().backward()
    assert torch.Tensor.__dict__["backward"] is backward
    torch.ones(1, requires_grad=True).sum().backward()


def test_compare_names_where_and_why():
    want = torch.zeros(2, 3, dtype=torch.float64)
    got = want.clone()
    got[1, 2] = 0.5
    passed, error, _, where, problem = compare(got, want, 1e-7)
    assert not passed and error == 0.5 and where == "output[1, 2]" and not problem
    assert "shape (3, 2)" in compare(want.T, want, 1e-7)[4]
    assert "dtype float32" in compare(want.float(), want, 1e-4)[4]
    assert compare((want, 2.0), (want, torch.tensor(2.0)), 1e-7)[0]  # a Python number is its value
    assert "returned 1 tensor(s), expected 2" in compare([want], (want, want), 1e-7)[4]
    assert "not finite" in compare(want / 0, want, 1e-7)[4]


def test_a_mistake_is_named_only_when_it_fits_every_case():
    from mpcheck_cnn.references import conv

    flipped = check_implementation(_conv(), conv.conv2d_flipped_kernel, DEVICE, seed=2, forbid=False)
    assert flipped.mistake.name == "kernel-flipped"

    def flipped_but_once_wrong(x, weight, bias=None, stride=1, padding=0, dilation=1):
        y = conv.conv2d_flipped_kernel(x, weight, bias, stride, padding, dilation)
        return y + (x.shape[0] == 3)  # one case off the variant too

    assert check_implementation(_conv(), flipped_but_once_wrong, DEVICE, seed=2, forbid=False).mistake is None


def test_float32_cases_are_held_to_float32_tolerance_only():
    exercise = _conv()
    report = check_implementation(exercise, load_object(exercise.solution), DEVICE, seed=3)
    assert {c.dtype for c in report.cases} == {"float64", "float32"}
    tolerance = {(c.label, c.dtype): c.tolerance for c in report.cases}
    for label, dtype in tolerance:
        if dtype == "float32":  # the same output's scale, held to 1e-4 instead of 1e-7
            assert tolerance[label, dtype] == pytest.approx(1e3 * tolerance[label, "float64"], rel=1e-5)
    assert report.max_abs_error_by_dtype()["float64"] < 1e-10


def test_replay_rebuilds_a_case_of_a_run():
    from mpcheck_cnn.references import conv

    report = check_implementation(_conv(), conv.conv2d_flipped_kernel, DEVICE, seed=5, forbid=False)
    failure = report.first_failure
    case = replay("cnn/conv2d", seed=5, case=failure.index + 1, device=DEVICE)
    assert case.label == failure.label and case.dtype == failure.dtype
    assert case.compare(conv.conv2d_flipped_kernel(*case.args, **case.kwargs)).startswith("wrong: largest error")
    assert case.compare(conv.conv2d(*case.args, **case.kwargs)).startswith("right")


def test_reference_needs_an_exercise_or_a_run_function():
    with pytest.raises(ValueError):
        Reference("t", "n", "title", oracle="o")
    exercise = Exercise("f", "m:f", "m:g", "m:c", "doc")
    assert Reference("t", "n", "title", "o", exercise=exercise).source_module == "m"
    assert Reference("t", "n", "title", "o", run="pkg.mod:check").source_module == "pkg.mod"


def test_a_third_party_exercise_with_plain_functions(tmp_path, monkeypatch):
    """The declaration a plugin author writes (docs/plugins.md), end to end."""
    (tmp_path / "relu_ex.py").write_text(
        "import torch\nfrom mpcheck.api import Case\n"
        "def relu(x):\n    return x.clamp(min=0)\n"
        "def oracle(x):\n    return torch.relu(x)\n"
        "def leaky(x):\n    return torch.where(x > 0, x, 0.01 * x)\n"
        "def cases(generator, device, dtype):\n"
        "    return [Case(f'x of {n}', (torch.randn(n, generator=generator, dtype=torch.float64).to(device, dtype),))"
        " for n in (1, 5, 50)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    exercise = Exercise("relu", "relu_ex:relu", "relu_ex:oracle", "relu_ex:cases", "$\\max(0, x)$",
                        forbidden=("torch.relu",), mistakes=(CodeMistake("leaky", "No slope below 0.", "relu_ex:leaky"),))
    assert_exercise_sound(exercise, device=DEVICE)


# --- progress --------------------------------------------------------------------------------

def _passed(reference: Reference) -> Checked:
    report = {"seed": 7, "device": "cpu", "passed": True, "cases_passed": 3, "cases_total": 3,
              "max_abs_error": 0.0, "mistake": None, "cases": []}
    return Checked("conv2d.py", reference.key, report=report, ran=True, seconds=1.5)


def test_a_pass_is_recorded_with_mode_code_and_round_trips_an_export(tmp_path):
    from mpcheck.study.progress_file import dump, load

    conv = plugins.registry().references["cnn/conv2d"]
    with Store.open(tmp_path / "a.db") as store:
        assert suggestion(store, registered(), "cnn").startswith("Write one yourself: mpcheck exercise start cnn conv2d")
        record_pass(store, conv, _passed(conv))
        assert set(passes(store)) == {"cnn.exercise.conv2d"} == {item_id(conv)}
        assert "cnn conv2d-backward" in suggestion(store, registered(), "cnn")
        first = registered()[0]
        assert f"start {first.topic} {first.name} " in suggestion(store, registered())
        document = json.loads(json.dumps(dump(store)))
    assert document["attempts"][0]["mode"] == "code"
    with Store.open(tmp_path / "b.db") as other:
        attempts, cards = load(document)
        assert other.import_attempts(attempts, cards) == 1 and other.import_attempts(attempts, cards) == 0
        assert passes(other) == {"cnn.exercise.conv2d": attempts[0].at}


def test_a_version_1_store_migrates_and_keeps_its_attempts(tmp_path):
    import sqlite3

    from mpcheck.study.store import MIGRATIONS, SCHEMA_VERSION, now_iso

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO attempts (uid, problem_id, topic, seed, answer, correct, score, mode, at)"
               " VALUES ('u1', 'cnn.param-count', 'cnn', 3, '10', 1, 1.0, 'practice', ?)", (now_iso(),))
    db.commit()
    with pytest.raises(sqlite3.IntegrityError):  # version 1 refuses the new mode
        db.execute("INSERT INTO attempts (uid, problem_id, topic, seed, answer, correct, score, mode, at)"
                   " VALUES ('u2', 'cnn.exercise.conv2d', 'cnn', 3, 'f.py', 1, 1.0, 'code', 'x')")
    db.close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [a.problem_id for a in store.attempts()] == ["cnn.param-count"]
        store.record(Attempt("cnn.exercise.conv2d", "f.py", True, 1.0, "code", now_iso(), seed=1))
        assert [a.mode for a in store.attempts()] == ["practice", "code"]


def test_stats_count_passed_exercises_apart_from_answers():
    from mpcheck.study.stats import compute
    from mpcheck.study.store import now_iso

    attempts = [Attempt("cnn.param-count", "3", False, 0.0, "practice", now_iso(), seed=1),
                Attempt("cnn.exercise.conv2d", "c.py", True, 1.0, "code", now_iso(), seed=2),
                Attempt("cnn.exercise.conv2d", "c.py", True, 1.0, "code", now_iso(), seed=3)]
    data = compute(attempts, [], {"cnn": "CNN"}, {"cnn": 13}, exercises_per_topic={"cnn": 6})
    assert data["attempts"] == 1 and data["correct"] == 0 and data["exercises_passed"] == 1
    assert data["topics"][0]["exercises_passed"] == 1 and data["topics"][0]["exercises"] == 6
    assert data["by_mode"] == {"practice": 1, "code": 2}


def test_cases_are_the_same_for_a_seed_and_differ_between_seeds():
    from mpcheck.exercises.checker import draw_cases

    exercise = _conv()
    first, again, other = (draw_cases(exercise, "cpu", s) for s in (11, 11, 12))
    assert [c.label for _, c in first] == [c.label for _, c in again]
    assert all(torch.equal(a.args[0], b.args[0]) for (_, a), (_, b) in zip(first, again))
    assert [c.label for _, c in first] != [c.label for _, c in other]
    assert isinstance(first[0][1], Case)
