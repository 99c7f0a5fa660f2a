"""Running a student's file in a child process with limits, and what came of it.

The parent never imports torch nor the student's code. It reads the file as text (something that
is not Python is reported at once), starts ``mpcheck.exercises.runner`` with ``sys.executable``
in a scratch folder of its own, waits at most the wall-clock limit (then kills the child's whole
process group), and turns what the child wrote into a ``Checked``: the report case by case, or
one line saying why there is none — a syntax or import error, ``sys.exit``, the time or memory
limit, a crash. The student's printed output is kept, trimmed. A batch may pass a ``Forker``:
then each file runs in a fork of one server child that has imported torch once.

A guard against mistakes, not against malice: the code runs as you, can read and write your
files and use the network. To grade code you do not trust, run the whole check in a container
(see docs/exercises.md).
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mpcheck.api import Reference

SHOWN_LINES = 20
SHOWN_CHARS = 2000
#: the folder mpcheck is imported from: the child finds it there even when it is not installed
MPCHECK_ROOT = str(Path(__file__).resolve().parents[2])
BOOTSTRAP = "import sys; sys.path.append(sys.argv[2]); from mpcheck.exercises.runner import main; main(sys.argv[1])"
SERVE = "import sys; sys.path.append(sys.argv[1]); from mpcheck.exercises.runner import serve; serve()"


@dataclass(frozen=True)
class Limits:
    """Wall-clock and CPU seconds for the whole run (starting Python and torch included), memory
    beyond what the interpreter, torch and the cases take, and the size of the printed output."""

    wall_s: float = 60.0
    cpu_s: float = 60.0
    memory_mb: float = 4096.0
    output_mb: float = 16.0


@dataclass
class Checked:
    """One file checked: ``report`` (a ``Report`` as JSON) once the cases ran, else ``error``;
    ``ran`` says whether the function was ever called (if not, the file could not run: exit 2).
    ``cases`` and ``total`` say how far a run that was stopped got. In JSON, ``case_error`` is
    why the first failing case failed, when it crashed rather than gave a wrong value."""

    file: str
    exercise: str | None
    report: dict[str, Any] | None = None
    error: str = ""
    ran: bool = False
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    cases: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    @property
    def passed(self) -> bool:
        return bool(self.report and self.report["passed"] and not self.error)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1 if self.ran else 2

    def to_json(self) -> dict[str, Any]:
        report = self.report or {}
        mistake = report.get("mistake")
        cases = report.get("cases", self.cases)
        failed = next((c for c in cases if not c["passed"]), None)
        return {"file": self.file, "exercise": self.exercise, "passed": self.passed,
                "cases_passed": report.get("cases_passed", sum(c["passed"] for c in self.cases)),
                "cases_total": report.get("cases_total", self.total),
                "max_abs_error": report.get("max_abs_error"),
                "mistake": mistake["name"] if mistake else None,
                "error": self.error or None, "case_error": (failed or {}).get("error") or None,
                "seconds": round(self.seconds, 3)}


def static_problem(text: str, path: str, function: str) -> str:
    """Why a file cannot be an answer, found without running it (compiling only parses), or ""."""
    try:
        tree = ast.parse(text, path)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # e.g. null bytes
        return f"not a Python file: {exc}"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == function:
            return ""
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(n, ast.Name) and n.id == function for t in targets for n in ast.walk(t)):
                return ""
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == function or a.name == "*" for a in node.names):
            return ""
    return f"the file defines no function {function}: the exercise asks for one of that name"


def read_source(path: Path) -> tuple[str | None, str]:
    """(text, "") or (None, why it cannot be read as Python source)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read the file: {exc.strerror}"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "not a Python file: it is not UTF-8 text"


def trimmed(text: str) -> str:
    """The first lines of what the student's code printed, and how much was left out."""
    lines = text.splitlines()
    shown = "\n".join(lines[:SHOWN_LINES])[:SHOWN_CHARS]
    left = len(lines) - len(shown.splitlines())
    return shown + (f"\n… ({left} more line{'s' if left != 1 else ''})" if left > 0 else "")


def _head(path: Path, size: int = 2 ** 20) -> str:
    """The start of a file the student's code wrote to (it may be as large as the output limit)."""
    with open(path, "rb") as file:
        return file.read(size).decode("utf-8", errors="replace")


def _events(path: Path) -> list[dict[str, Any]]:
    events = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return events
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            break  # the last line, cut by a kill
    return events


def _where(events: list[dict[str, Any]]) -> str:
    """" in case 3 (x 1×2×10×8…, float32)" for the case running when the child stopped."""
    labels = next((e["labels"] for e in events if "labels" in e), [])
    running = [e["running"] for e in events if "running" in e]
    done = {e["result"]["index"] for e in events if "result" in e}
    if not running:
        return " while the file was imported" if labels else " while starting"
    index = running[-1]
    if index in done:
        return " after the last case"
    dtype, label = labels[index] if index < len(labels) else ("", "")
    return f" in case {index + 1} ({label}, {dtype})"


def _stopped(returncode: int, timed_out: bool, limits: Limits, events: list[dict[str, Any]]) -> str:
    """One line for a child that ended without a verdict."""
    where = _where(events)
    if timed_out:
        return f"time limit: stopped after {limits.wall_s:g} s{where} (an endless loop?)"
    if returncode == -signal.SIGXCPU:
        return f"CPU time limit: stopped after {limits.cpu_s:g} s of CPU{where} (an endless loop?)"
    if returncode == -signal.SIGKILL:
        return f"killed{where} (past the CPU or memory limit?)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"the code crashed Python (signal {name}){where}"
    return f"the process ended (exit status {returncode}){where} before the check was done: os._exit?"


CHILD_ENV = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _kill_group(pid: int) -> None:
    """The child and whatever it started (it leads a session of its own)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _spawn(request: dict[str, Any], base: Path, limits: Limits) -> tuple[int, bool]:
    """A fresh child for one file: (exit status, whether the wall-clock limit stopped it)."""
    (base / "request.json").write_text(json.dumps(request), encoding="utf-8")
    with open(base / "stdout.txt", "wb") as out, open(base / "stderr.txt", "wb") as err:
        child = subprocess.Popen([sys.executable, "-c", BOOTSTRAP, str(base / "request.json"), MPCHECK_ROOT],
                                 cwd=base / "work", stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 env={**os.environ, **CHILD_ENV}, start_new_session=True)
        timed_out = False
        try:
            child.wait(timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(child.pid)
            child.wait()
    return child.returncode, timed_out


def run_file(path: Path, reference: Reference, device: str = "auto", seed: int | None = None,
             limits: Limits = Limits(), forker: Forker | None = None) -> Checked:
    """Check the file ``path`` against ``reference``'s exercise in a limited child process (a fork
    of ``forker``'s server when given, which has torch imported already)."""
    key, exercise = reference.key, reference.exercise
    shown = str(path)
    text, problem = read_source(path)
    if text is not None:
        problem = static_problem(text, shown, exercise.function)
    if problem:
        return Checked(shown, key, error=problem)
    import secrets

    seed = secrets.randbits(31) if seed is None else seed
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mpcheck-exercise-") as folder:
        base = Path(folder)
        (base / "work").mkdir()
        request = {"file": str(path.resolve()), "exercise": asdict(exercise), "device": device, "seed": seed,
                   "limits": asdict(limits), "events": str(base / "events.jsonl"),
                   "sys_path": [p for p in sys.path if p], "work": str(base / "work"),
                   "stdout": str(base / "stdout.txt"), "stderr": str(base / "stderr.txt")}
        ran = forker.run(request, limits) if forker is not None else None
        returncode, timed_out = ran if ran is not None else _spawn(request, base, limits)
        events = _events(base / "events.jsonl")
        checked = Checked(shown, key, seconds=time.monotonic() - start,
                          stdout=trimmed(_head(base / "stdout.txt")), stderr=trimmed(_head(base / "stderr.txt")))
    return _verdict(checked, events, returncode, timed_out, limits)


def _verdict(checked: Checked, events: list[dict[str, Any]], returncode: int, timed_out: bool,
             limits: Limits) -> Checked:
    checked.cases = [e["result"] for e in events if "result" in e]
    checked.total = next((e["cases"] for e in events if "cases" in e), 0)
    checked.ran = any("running" in e for e in events)
    final = next((e for e in events if {"report", "error", "internal"} & set(e)), None)
    if not events and not timed_out:  # before the student's code: the checker itself could not start
        checked.error = "the checker could not start: " + (checked.stderr.strip().splitlines() or ["?"])[-1]
        checked.stderr = ""
    elif final is None:
        checked.error = _stopped(returncode, timed_out, limits, events)
    elif "report" in final:
        checked.report = final["report"]
    elif "error" in final:
        checked.error = final["error"] + (_where(events) if checked.ran else "")
    else:
        checked.error = "mpcheck failed while checking (a bug: please report it): " + \
            final["internal"].strip().splitlines()[-1]
    return checked


class Forker:
    """For a batch: one server child imports torch once, and each file runs in a fork of it
    (``mpcheck.exercises.runner.serve``) — the same run as a spawned child's, without paying for
    torch's import each time. Not for CUDA, which a fork cannot use. If the server is gone,
    ``run`` returns None and the file gets a child of its own."""

    def __init__(self) -> None:
        import threading

        self.server = subprocess.Popen([sys.executable, "-c", SERVE, MPCHECK_ROOT], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       env={**os.environ, **CHILD_ENV}, start_new_session=True)
        self.changed = threading.Condition()
        self.jobs: dict[int, dict[str, Any]] = {}
        self.alive = json.loads(self.server.stdout.readline() or "{}").get("ready", False)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Each ``started`` and ``exited`` line updates its job; the end of the output, the server's death."""
        for line in self.server.stdout:
            record = json.loads(line)
            with self.changed:
                self.jobs[record.get("started", record.get("exited"))].update(record)
                self.changed.notify_all()
        with self.changed:
            self.alive = False
            self.changed.notify_all()

    def _until(self, job: dict[str, Any], key: str, deadline: float | None = None) -> bool:
        with self.changed:
            while key not in job and self.alive:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self.changed.wait(left)
            return key in job

    def run(self, request: dict[str, Any], limits: Limits) -> tuple[int, bool] | None:
        """(exit status, whether the wall-clock limit stopped it), or None if the server is gone."""
        with self.changed:
            if not self.alive:
                return None
            number, job = len(self.jobs), {}
            self.jobs[number] = job
            try:
                self.server.stdin.write((json.dumps({**request, "id": number}) + "\n").encode())
                self.server.stdin.flush()
            except OSError:
                return None
        deadline = time.monotonic() + limits.wall_s
        if not self._until(job, "pid"):
            return None
        timed_out = not self._until(job, "exited", deadline)
        _kill_group(job["pid"])
        self._until(job, "exited")
        return job.get("status", -signal.SIGKILL), timed_out

    def close(self) -> None:
        try:
            self.server.stdin.close()
            self.server.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _kill_group(self.server.pid)
        self.server.wait()
