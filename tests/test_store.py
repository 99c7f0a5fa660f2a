"""The progress store: round trips, schema version, damaged files, concurrent writers."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.errors import UserError
from mpcheck.study.store import SCHEMA_VERSION, Attempt, CardRow, Store, default_path, now_iso


def attempt(problem_id: str = "cnn.conv-output-size", correct: bool = True, **extra) -> Attempt:
    values = dict(problem_id=problem_id, answer="16x15x15", correct=correct, score=float(correct),
                  mode="practice", at=now_iso(), seed=7)
    values.update(extra)
    return Attempt(**values)


def test_store_lives_in_mpcheck_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPCHECK_HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / "progress.db"
    with Store.open() as store:
        store.record(attempt())
    assert (tmp_path / "home" / "progress.db").is_file()


def test_attempts_round_trip_through_the_store(tmp_path):
    written = [attempt(correct=True, hints=1, seconds=3.5),
               attempt("rnn.lstm-step", correct=False, seed=None, params={"x": [1, 2]}, answer=None,
                       mistake="forgot-bias", error=None, mode="exam", session="exam-1")]
    with Store.open(tmp_path / "p.db") as store:
        for a in written:
            store.record(a)
        read = store.attempts()
        assert store.count() == 2
        assert [a.problem_id for a in store.attempts("rnn")] == ["rnn.lstm-step"]
    assert read == written


def test_schema_is_versioned_and_journal_is_wal(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store.open(tmp_path / "p.db") as again:  # opening twice migrates nothing twice
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_mpcheck_is_refused_not_damaged(tmp_path):
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        store.record(attempt())
        store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(UserError, match="newer"):
        Store.open(path)
    assert path.exists()
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_garbage_file_is_moved_aside_reported_and_replaced(tmp_path):
    path = tmp_path / "progress.db"
    garbage = os.urandom(4096)
    path.write_bytes(garbage)
    report = io.StringIO()
    with Store.open(path, report=report) as store:
        store.record(attempt())
        assert store.count() == 1
    kept = list(tmp_path.glob("progress.db.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    message = report.getvalue()
    assert message.count("\n") == 1 and "moved to" in message and str(kept[0]) in message


def test_cli_survives_a_damaged_store_with_one_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.db").write_bytes(b"this is not a database" * 100)
    done = subprocess.run([sys.executable, "-m", "mpcheck", "stats", "--json"], capture_output=True,
                          text=True, env={**os.environ, "MPCHECK_HOME": str(home)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if "moved to" in line]
    assert '"attempts": 0' in done.stdout
    assert len(list(home.glob("progress.db.corrupt-*"))) == 1


def test_a_folder_in_place_of_the_store_is_a_clear_error(tmp_path):
    (tmp_path / "progress.db").mkdir()
    with pytest.raises(UserError, match="not a file"):
        Store.open(tmp_path / "progress.db")


WRITER = textwrap.dedent("""
    import sys
    from mpcheck.study.store import Attempt, Store, now_iso
    from mpcheck.study.schedule import review
    path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Store.open(path) as store:
        for i in range(count):
            item = f"cnn.item-{i % 5}"
            card = review(store.card(item), item, i % 3 != 0, 0)
            store.record(Attempt(problem_id=item, answer=f"{tag}-{i}", correct=i % 3 != 0,
                                 score=1.0, mode="practice", at=now_iso(), seed=i), card)
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "p.db"
    Store.open(path).close()
    count = 150
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, str(count)],
                                stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    with Store.open(path) as store:
        answers = [a.answer for a in store.attempts()]
        assert len(answers) == 2 * count
        assert set(answers) == {f"{tag}-{i}" for tag in "ab" for i in range(count)}
        assert {c.item_id for c in store.cards()} == {f"cnn.item-{i}" for i in range(5)}


def test_reset_one_topic_keeps_the_others(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        for problem_id in ("cnn.a", "cnn.b", "rnn.c"):
            store.record(attempt(problem_id), CardRow(problem_id, "{}", 0.0, None))
        assert store.reset("cnn") == 2
        assert [a.problem_id for a in store.attempts()] == ["rnn.c"]
        assert [c.item_id for c in store.cards()] == ["rnn.c"]
        assert store.reset() == 1
        assert store.count() == 0 and store.cards() == []


def test_importing_twice_adds_once_and_keeps_the_later_schedule(tmp_path):
    batch = [attempt(seed=s) for s in range(5)]
    old, new = CardRow("cnn.a", '{"v": "old"}', 10.0, 1.0), CardRow("cnn.a", '{"v": "new"}', 20.0, 2.0)
    with Store.open(tmp_path / "p.db") as store:
        assert store.import_attempts(batch, [new]) == 5
        assert store.import_attempts(batch, [old]) == 0
        assert store.count() == 5
        assert store.card("cnn.a").card == '{"v": "new"}'


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    with Store.open(tmp_path / "p.db") as store:
        with pytest.raises(sqlite3.IntegrityError):
            store.record(attempt(mode="holiday"))  # the CHECK constraint refuses it
        assert store.count() == 0
        store.record(attempt())
        assert store.count() == 1


@settings(max_examples=60, deadline=None)
@given(problem=st.sampled_from(["cnn.a", "rnn.lstm-step"]), answer=st.none() | st.text(max_size=30),
       correct=st.booleans(), seed=st.none() | st.integers(0, 2**63 - 1),
       mode=st.sampled_from(["practice", "review", "exam"]))
def test_attempt_json_round_trip_keeps_identity(problem, answer, correct, seed, mode):
    a = attempt(problem, correct=correct, answer=answer, seed=seed, mode=mode,
                params=None if seed is not None else {"k": 3})
    back = Attempt.from_json(a.to_json())
    assert back == a and back.uid == a.uid


@pytest.mark.parametrize("change, fragment", [
    ({"mode": "holiday"}, "mode"), ({"correct": "yes"}, "correct"), ({"at": "yesterday"}, "ISO 8601"),
    ({"seed": None, "params": None}, "seed or params"), ({"problem_id": 3}, "problem_id"),
    ({"score": 2}, "score"),
])
def test_bad_attempt_records_are_named(change, fragment):
    record = {**attempt().to_json(), **change}
    with pytest.raises(UserError, match=fragment):
        Attempt.from_json(record, "attempt 4")
