"""The progress store: an SQLite file with an append-only attempts log and a scheduling table.

Where: ``$MPCHECK_HOME/progress.db``, else ``platformdirs.user_data_dir("mpcheck")/progress.db``.

Why it looks the way it does:
- WAL journal and one ``BEGIN IMMEDIATE`` transaction per answer, so Ctrl-C or a kill loses at
  most the answer being typed, and two processes writing at once wait for each other (busy
  timeout) instead of failing or overwriting;
- the scheduling table (``cards``) is keyed by stable generator / question ids, never by the
  randomized text of one problem;
- each attempt carries a ``uid`` (a hash of what it is), so importing the same export twice adds
  nothing the second time;
- a file SQLite cannot read is moved aside (kept, never deleted), reported in one line, and a
  fresh store is used: the CLI never crashes on a damaged store;
- ``PRAGMA user_version`` numbers the schema; ``MIGRATIONS[i]`` takes version i to i + 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mpcheck.errors import UserError

FILENAME = "progress.db"
MODES = ("practice", "review", "exam", "code")  # code: a passed exercise (mpcheck exercise check)
BUSY_TIMEOUT_S = 30.0

MIGRATIONS: list[list[str]] = [
    [  # version 1
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            problem_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            seed INTEGER,
            params TEXT,
            answer TEXT,
            correct INTEGER NOT NULL,
            score REAL NOT NULL,
            feedback TEXT NOT NULL DEFAULT '',
            mistake TEXT,
            error TEXT,
            seconds REAL,
            hints INTEGER NOT NULL DEFAULT 0,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'review', 'exam')),
            session TEXT,
            at TEXT NOT NULL)""",
        "CREATE INDEX attempts_by_topic ON attempts (topic, at)",
        """CREATE TABLE cards (
            item_id TEXT PRIMARY KEY,
            topic TEXT NOT NULL,
            card TEXT NOT NULL,
            due REAL NOT NULL,
            last_review REAL)""",
        "CREATE INDEX cards_by_due ON cards (due)",
    ],
]
MIGRATIONS.append([  # version 2: mode "code"; SQLite cannot change a CHECK, so the table is rebuilt
    MIGRATIONS[0][0].replace("CREATE TABLE attempts (", "CREATE TABLE attempts_v2 (")
                    .replace("'exam'))", "'exam', 'code'))"),
    "INSERT INTO attempts_v2 SELECT * FROM attempts",
    "DROP TABLE attempts",
    "ALTER TABLE attempts_v2 RENAME TO attempts",
    MIGRATIONS[0][1],
])
SCHEMA_VERSION = len(MIGRATIONS)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def topic_of(item_id: str) -> str:
    return item_id.split(".", 1)[0]


@dataclass
class Attempt:
    """One graded answer. ``answer`` is None for a blank (exam) or a revealed solution."""

    problem_id: str
    answer: str | None
    correct: bool
    score: float
    mode: str
    at: str
    seed: int | None = None
    params: dict[str, Any] | None = None
    feedback: str = ""
    mistake: str | None = None
    error: str | None = None
    seconds: float | None = None
    hints: int = 0
    session: str | None = None

    @property
    def topic(self) -> str:
        return topic_of(self.problem_id)

    @property
    def uid(self) -> str:
        # what the attempt *is*: the same attempt imported twice hashes the same
        key = [self.problem_id, self.seed, self.params if self.seed is None else None,
               self.answer, self.mode, self.at]
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if self.seed is not None:
            out["params"] = None
        return out

    @classmethod
    def from_json(cls, record: Any, where: str = "attempt") -> Attempt:
        """An attempt from an export file, checked field by field (the file may be hand-edited)."""
        if not isinstance(record, dict):
            raise UserError(f"{where} is not a JSON object")
        known = {f.name for f in fields(cls)}
        missing = [k for k in ("problem_id", "answer", "correct", "mode", "at") if k not in record]
        if missing:
            raise UserError(f"{where} lacks {', '.join(missing)}")
        values = {k: v for k, v in record.items() if k in known}
        values.setdefault("score", 1.0 if record["correct"] is True else 0.0)
        attempt = cls(**values)
        _check_attempt(attempt, where)
        return attempt


def _check_attempt(a: Attempt, where: str) -> None:
    def bad(what: str) -> UserError:
        return UserError(f"{where}: {what}")

    if not isinstance(a.problem_id, str) or "." not in a.problem_id:
        raise bad("problem_id must be an id like 'cnn.conv-output-size'")
    if a.answer is not None and not isinstance(a.answer, str):
        raise bad("answer must be a string or null")
    if not isinstance(a.correct, bool):
        raise bad("correct must be true or false")
    if isinstance(a.score, bool) or not isinstance(a.score, (int, float)) or not 0 <= a.score <= 1:
        raise bad("score must be a number from 0 to 1")
    if a.mode not in MODES:
        raise bad(f"mode must be one of {', '.join(MODES)}")
    if a.seed is not None and (isinstance(a.seed, bool) or not isinstance(a.seed, int)):
        raise bad("seed must be an integer or null")
    if a.seed is None and not isinstance(a.params, dict):
        raise bad("an attempt needs a seed or params")
    if not isinstance(a.hints, int) or isinstance(a.hints, bool) or a.hints < 0:
        raise bad("hints must be a count")
    try:
        parse_time(a.at)
    except (TypeError, ValueError):
        raise bad(f"at must be an ISO 8601 time, got {a.at!r}") from None


def parse_time(text: str) -> datetime:
    """ISO 8601 -> aware datetime (a time without zone is taken as UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass
class CardRow:
    """The FSRS state of one item (``card`` is ``fsrs.Card.to_json()``)."""

    item_id: str
    card: str
    due: float
    last_review: float | None

    @property
    def topic(self) -> str:
        return topic_of(self.item_id)


def default_path() -> Path:
    home = os.environ.get("MPCHECK_HOME")
    if home:
        return Path(home) / FILENAME
    import platformdirs

    return Path(platformdirs.user_data_dir("mpcheck")) / FILENAME


class Store:
    """An open progress store. Use ``Store.open()``; every write is its own transaction."""

    def __init__(self, path: Path, connection: sqlite3.Connection):
        self.path = path
        self.db = connection

    # -- opening, with migrations and recovery -----------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, report: Any = None) -> Store:
        """Open (creating or migrating) the store; a damaged file is moved aside and replaced."""
        path = Path(path) if path is not None else default_path()
        if path.exists() and not path.is_file():
            raise UserError(f"the progress store {path} is not a file; move it away or set MPCHECK_HOME")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the progress folder {path.parent}: {exc.strerror}") from None
        try:
            return cls(path, _connect(path))
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise UserError(f"the progress store {path} is busy (another mpcheck is writing); "
                                "try again") from None
            kept = _move_aside(path)
            print(f"mpcheck: the progress store {path} could not be read ({exc}); it was moved to "
                  f"{kept} and a fresh store is used.", file=report or sys.stderr)
            try:
                return cls(path, _connect(path))
            except sqlite3.DatabaseError as again:
                raise UserError(f"cannot create a progress store at {path}: {again}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the write lock is taken at once, so concurrent writers queue."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- attempts --------------------------------------------------------------------------------

    def record(self, attempt: Attempt, card: CardRow | None = None) -> None:
        """Append one attempt (and the item's new schedule) in a single transaction."""
        with self.transaction() as db:
            _insert_attempt(db, attempt)
            if card is not None:
                _put_card(db, card)

    def attempts(self, topic: str | None = None) -> list[Attempt]:
        sql = "SELECT * FROM attempts" + (" WHERE topic = ?" if topic else "") + " ORDER BY at, id"
        return [_attempt_from_row(row) for row in self.db.execute(sql, (topic,) if topic else ())]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]

    def import_attempts(self, attempts: Iterable[Attempt], cards: Iterable[CardRow] = ()) -> int:
        """Merge attempts (skipping ones already here) and newer schedules; returns how many
        attempts were new. All or nothing: one transaction."""
        added = 0
        with self.transaction() as db:
            for attempt in attempts:
                added += _insert_attempt(db, attempt)
            for card in cards:
                mine = _get_card(db, card.item_id)
                if mine is None or (card.last_review or 0) > (mine.last_review or 0):
                    _put_card(db, card)
        return added

    def reset(self, topic: str | None = None) -> int:
        """Forget the attempts and schedules of one topic (or all); returns attempts removed."""
        where, args = (" WHERE topic = ?", (topic,)) if topic else ("", ())
        with self.transaction() as db:
            removed = db.execute("DELETE FROM attempts" + where, args).rowcount
            db.execute("DELETE FROM cards" + where, args)
        return removed

    # -- schedules -------------------------------------------------------------------------------

    def card(self, item_id: str) -> CardRow | None:
        return _get_card(self.db, item_id)

    def cards(self, topic: str | None = None) -> list[CardRow]:
        sql = "SELECT item_id, card, due, last_review FROM cards" + (" WHERE topic = ?" if topic else "")
        return [CardRow(*row) for row in self.db.execute(sql + " ORDER BY due", (topic,) if topic else ())]


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are ours (BEGIN IMMEDIATE ... COMMIT), not implicit
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("the integrity check failed")
        _migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UserError(f"the progress store has schema version {version}, newer than this mpcheck "
                        f"understands ({SCHEMA_VERSION}); upgrade mpcheck")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            if db.execute("PRAGMA user_version").fetchone()[0] < target:
                for statement in MIGRATIONS[target - 1]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _move_aside(path: Path) -> Path:
    """Rename a damaged store (and its WAL files) to ``progress.db.corrupt-<time>``; keep it."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        if path.exists():
            path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
    except OSError as exc:
        raise UserError(f"the progress store {path} cannot be read, nor moved aside: {exc.strerror}") from None
    return target


def _insert_attempt(db: sqlite3.Connection, a: Attempt) -> int:
    cursor = db.execute(
        # only a repeat of the same attempt is skipped; any other constraint still fails loudly
        "INSERT INTO attempts (uid, problem_id, topic, seed, params, answer, correct, score,"
        " feedback, mistake, error, seconds, hints, mode, session, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
        (a.uid, a.problem_id, a.topic, a.seed,
         None if a.seed is not None or a.params is None else json.dumps(a.params),
         a.answer, int(a.correct), float(a.score), a.feedback, a.mistake, a.error, a.seconds,
         a.hints, a.mode, a.session, a.at))
    return cursor.rowcount


def _attempt_from_row(row: sqlite3.Row) -> Attempt:
    return Attempt(problem_id=row["problem_id"], answer=row["answer"], correct=bool(row["correct"]),
                   score=row["score"], mode=row["mode"], at=row["at"], seed=row["seed"],
                   params=json.loads(row["params"]) if row["params"] else None,
                   feedback=row["feedback"], mistake=row["mistake"], error=row["error"],
                   seconds=row["seconds"], hints=row["hints"], session=row["session"])


def _get_card(db: sqlite3.Connection, item_id: str) -> CardRow | None:
    row = db.execute("SELECT item_id, card, due, last_review FROM cards WHERE item_id = ?",
                     (item_id,)).fetchone()
    return CardRow(*row) if row else None


def _put_card(db: sqlite3.Connection, card: CardRow) -> None:
    db.execute("INSERT OR REPLACE INTO cards (item_id, topic, card, due, last_review)"
               " VALUES (?, ?, ?, ?, ?)", (card.item_id, card.topic, card.card, card.due, card.last_review))

