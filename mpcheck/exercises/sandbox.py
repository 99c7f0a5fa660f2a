"""Running a student's file in a child process with limits, and what came of it.

The parent never imports torch nor the student's code. It reads the file as text (something that
is not Python is reported at once), starts ``mpcheck.exercises.runner`` with ``sys.executable``
in a scratch folder of its own, waits at most the wall-clock limit (then kills the child's whole
process group), and turns what the child wrote into a ``Checked``: the report case by case, or
one line saying why there is none — a syntax or import error, ``sys.exit``, the time or memory
limit, a crash. The student's printed output is kept, trimmed.

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
    ``ran`` says whether the function was ever called (if not, the file could not run: exit 2)."""

    file: str
    exercise: str | None
    report: dict[str, Any] | None = None
    error: str = ""
    ran: bool = False
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    cases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.report and self.report["passed"] and not self.error)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1 if self.ran else 2

    def to_json(self) -> dict[str, Any]:
        report = self.report or {}
        mistake = report.get("mistake")
        return {"file": self.file, "exercise": self.exercise, "passed": self.passed,
                "cases_passed": report.get("cases_passed", sum(c["passed"] for c in self.cases)),
                "cases_total": report.get("cases_total", len(self.cases)),
                "max_abs_error": report.get("max_abs_error"),
                "mistake": mistake["name"] if mistake else None,
                "error": self.error or None, "seconds": round(self.seconds, 3)}


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


def run_file(path: Path, reference: Reference, device: str = "auto", seed: int | None = None,
             limits: Limits = Limits()) -> Checked:
    """Check the file ``path`` against ``reference``'s exercise in a limited child process."""
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
                   "sys_path": [p for p in sys.path if p]}
        (base / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        with open(base / "stdout.txt", "wb") as out, open(base / "stderr.txt", "wb") as err:
            child = subprocess.Popen(
                [sys.executable, "-c", BOOTSTRAP, str(base / "request.json"), MPCHECK_ROOT],
                cwd=base / "work", stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, start_new_session=True)
            timed_out = False
            try:
                child.wait(timeout=limits.wall_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:  # the child's whole group: processes it started go too
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                child.wait()
        events = _events(base / "events.jsonl")
        checked = Checked(shown, key, seconds=time.monotonic() - start,
                          stdout=trimmed((base / "stdout.txt").read_text(encoding="utf-8", errors="replace")),
                          stderr=trimmed((base / "stderr.txt").read_text(encoding="utf-8", errors="replace")))
    checked.cases = [e["result"] for e in events if "result" in e]
    checked.ran = any("running" in e for e in events)
    final = next((e for e in events if {"report", "error", "internal"} & set(e)), None)
    if final is None:
        checked.error = _stopped(child.returncode, timed_out, limits, events)
    elif "report" in final:
        checked.report = final["report"]
    elif "error" in final:
        checked.error = final["error"] + (_where(events) if checked.ran else "")
    else:
        checked.error = "mpcheck failed while checking (a bug: please report it): " + \
            final["internal"].strip().splitlines()[-1]
    return checked
