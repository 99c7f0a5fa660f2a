"""progress export / import / reset: the JSON contract, idempotent merging, careful deletion."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from mpcheck.cli import app
from mpcheck.study.schedule import review
from mpcheck.study.store import Attempt, Store, now_iso


def fill(store: Store) -> None:
    for i, (item, correct, mode) in enumerate([("cnn.conv-output-size", True, "practice"),
                                               ("cnn.param-count", False, "review"),
                                               ("rnn.lstm-step", True, "exam")]):
        card = review(store.card(item), item, correct, 0)
        store.record(Attempt(problem_id=item, answer=f"answer {i}", correct=correct, score=float(correct),
                             mode=mode, at=now_iso(), seed=i if i != 2 else None,
                             params={"x": [1, 2]} if i == 2 else None), card)


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def test_export_follows_the_documented_contract():
    with Store.open() as store:
        fill(store)
    document = json.loads(cli("progress", "export").stdout)
    assert len(document["attempts"]) == 3 and len(document["cards"]) == 3
    for record in document["attempts"]:
        assert {"problem_id", "seed", "params", "answer", "correct", "mode", "at"} <= set(record)
        assert record["mode"] in ("practice", "review", "exam")
        assert (record["seed"] is None) != (record["params"] is None)
    assert document["attempts"][2]["params"] == {"x": [1, 2]}


def test_import_twice_is_import_once_on_another_machine(tmp_path, monkeypatch):
    with Store.open() as store:
        fill(store)
        mine = store.attempts()
    exported = tmp_path / "progress.json"
    assert cli("progress", "export", "-o", str(exported)).exit_code == 0
    monkeypatch.setenv("MPCHECK_HOME", str(tmp_path / "laptop"))
    first = cli("progress", "import", str(exported))
    assert "Imported 3 new attempts" in first.output
    second = cli("progress", "import", str(exported))
    assert "Imported 0 new attempts (3 already present)" in second.output
    with Store.open() as store:
        assert store.attempts() == mine
        assert len(store.cards()) == 3


def test_import_merges_with_local_progress_without_duplicates(tmp_path):
    with Store.open() as store:
        fill(store)
    exported = cli("progress", "export").stdout
    with Store.open() as store:
        store.record(Attempt(problem_id="cnn.param-count", answer="7", correct=False, score=0.0,
                             mode="practice", at=now_iso(), seed=99))
    cli("progress", "import", "-", input=exported)
    with Store.open() as store:
        assert store.count() == 4


def test_a_bad_file_is_refused_with_the_record_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"attempts": [{"problem_id": "cnn.x", "answer": "1", "correct": True,
                                             "mode": "practice", "at": "not a time", "seed": 1}]}))
    env = {**os.environ, "MPCHECK_HOME": str(tmp_path / "home")}
    for path, fragment in ((bad, "attempt 1"), (tmp_path / "missing.json", "cannot read")):
        done = subprocess.run([sys.executable, "-m", "mpcheck", "progress", "import", str(path)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 2 and "Traceback" not in done.stderr and fragment in done.stderr


def test_reset_needs_confirmation_and_can_target_one_topic(tmp_path):
    with Store.open() as store:
        fill(store)
    env = {**os.environ}
    refused = subprocess.run([sys.executable, "-m", "mpcheck", "progress", "reset"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    with Store.open() as store:
        assert store.count() == 3
    assert cli("progress", "reset", "--topic", "cnn", "--yes").exit_code == 0
    with Store.open() as store:
        assert [a.topic for a in store.attempts()] == ["rnn"]
        assert [c.topic for c in store.cards()] == ["rnn"]
    assert cli("progress", "reset", "--yes").exit_code == 0
    with Store.open() as store:
        assert store.count() == 0 and store.cards() == []
