"""The child process that runs a student's file (started by ``mpcheck.exercises.sandbox``).

It reads a JSON request, limits itself (CPU time, memory, file size, no core dump), draws the
cases and computes the oracle's outputs, then — with the forbidden built-ins refusing — imports
the student's file and calls the function on each case. Everything it has to say goes, one JSON
object per line, to the events file: ``{"cases": n}``, ``{"running": i}`` before and ``{"result":
…}`` after each case, then ``{"report": …}``; or ``{"error": …}`` when the file cannot run. The
student's own output goes to the stdout and stderr the parent gave it.

For a batch, ``serve`` imports torch once and forks a worker per file, which then does the same.

The limits guard against mistakes (an endless loop, a huge tensor), not against malice: the code
runs as the user, with the user's files and network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import sys
import traceback
from dataclasses import fields
from typing import Any, Callable

MiB = 2 ** 20


def _data_in_use() -> int:
    """Bytes of private writable memory in use now: what RLIMIT_DATA counts (Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _set_limit(kind: int, soft: int, hard: int | None = None) -> None:
    _, old_hard = resource.getrlimit(kind)
    hard = soft if hard is None else hard
    if old_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    resource.setrlimit(kind, (soft, hard))


def limit_process(limits: dict[str, Any]) -> None:
    """CPU seconds (SIGXCPU at the soft limit, then SIGKILL), output files (a write past the size
    fails; Python ignores SIGXFSZ) and no core files."""
    cpu = int(limits["cpu_s"]) + 1
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 5)
    _set_limit(resource.RLIMIT_FSIZE, int(limits["output_mb"] * MiB))
    _set_limit(resource.RLIMIT_CORE, 0)


def limit_memory(limits: dict[str, Any], device: str) -> None:
    """``memory_mb`` more than the interpreter, torch and the cases use now. RLIMIT_DATA, not
    RLIMIT_AS: importing torch (and CUDA above all) reserves far more address space than it uses.
    On CUDA the same budget caps the device memory."""
    budget = int(limits["memory_mb"] * MiB)
    if hasattr(resource, "RLIMIT_DATA"):
        _set_limit(resource.RLIMIT_DATA, _data_in_use() + budget, resource.RLIM_INFINITY)
    if device.startswith("cuda"):
        import torch

        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, budget / total))


def _module_name(path: str) -> str:
    """The file's own name, as the student would import it, unless that would hide a real module."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.isidentifier() and stem not in sys.modules and importlib.util.find_spec(stem) is None:
        return stem
    return "student_solution"


def load_function(path: str, function: str, forbidden: tuple[str, ...], emit: Callable[..., None]) -> Any:
    """Import the student's file with the forbidden built-ins refusing; the function, or None
    after emitting why not (the file could not run)."""
    from mpcheck.exercises.checker import describe_error, forbidden_calls

    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with forbidden_calls(forbidden):
            spec.loader.exec_module(module)
    except SyntaxError as exc:
        emit(error=f"syntax error at line {exc.lineno}: {exc.msg}")
        return None
    except ImportError as exc:
        emit(error=f"import error: {describe_error(exc, path)}")
        return None
    except SystemExit as exc:
        emit(error=f"the file called sys.exit({exc.code!r}) while it was imported")
        return None
    except BaseException as exc:  # the student's file, failing at import: report it, never crash
        emit(error=f"the file failed while it was imported: {describe_error(exc, path)}")
        return None
    found = getattr(module, function, None)
    if found is None:
        emit(error=f"the file defines no {function}: the exercise asks for a function of that name")
        return None
    if not callable(found):
        emit(error=f"{function} in the file is a {type(found).__name__}, not a function")
        return None
    return found


def _exercise(record: dict[str, Any]):
    from mpcheck.api import CodeMistake, Exercise

    known = {f.name for f in fields(Exercise)}
    values = {k: v for k, v in record.items() if k in known}
    values["mistakes"] = tuple(CodeMistake(**m) for m in values.get("mistakes", ()))
    return Exercise(**values)


def check(request: dict[str, Any], emit: Callable[..., None]) -> None:
    import torch

    from mpcheck.exercises.checker import compare, full_precision, judge, prepare, rtol_for, run_cases

    torch.set_num_threads(1)
    device = request["device"]
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device == "cuda" and not torch.cuda.is_available():
        emit(error="--device cuda: no CUDA device is available here (use cpu or auto)")
        return
    exercise = _exercise(request["exercise"])
    with full_precision(device):
        prepared = prepare(exercise, device, request["seed"])
        emit(cases=len(prepared.drawn), device=device, seed=prepared.seed,
             labels=[[dtype, case.label] for dtype, case in prepared.drawn])
        limit_memory(request["limits"], device)
        # the student's helper modules beside the file come first, as when running it as a script;
        # torch and mpcheck are imported by now, so a file named like one of theirs hides nothing
        sys.path.insert(0, os.path.dirname(request["file"]))
        function = load_function(request["file"], exercise.function, tuple(exercise.forbidden), emit)
        if function is None:
            return

        def result(index: int, outcome) -> None:
            dtype, case = prepared.drawn[index]
            if outcome.error:
                emit(result={"index": index, "passed": False, "error": outcome.error})
                return
            passed, error, _, where, problem = compare(outcome.output, prepared.expected[index], rtol_for(exercise, dtype))
            emit(result={"index": index, "passed": passed, "error": problem, "where": where,
                         "max_abs_error": error if error != float("inf") else None})

        outcomes = run_cases(function, prepared, on_case=lambda i, *_: emit(running=i), on_result=result,
                             source_file=request["file"])
        emit(report=judge(prepared, outcomes).to_json())


def run_request(request: dict[str, Any]) -> None:
    """Everything the child does for one file, its events written to ``request["events"]``."""
    events = open(request["events"], "a", encoding="utf-8")

    def emit(**record: Any) -> None:
        events.write(json.dumps(record) + "\n")
        events.flush()

    limit_process(request["limits"])
    # what the parent could import (plugins on a path of its own), after everything of ours
    sys.path += [p for p in request["sys_path"] if p not in sys.path]
    try:
        check(request, emit)
    except MemoryError:
        emit(error="memory limit: the check itself ran out of memory")
    except BaseException:  # a bug of mpcheck's: say so, with the trace for the report
        emit(internal=traceback.format_exc())
    finally:
        events.close()


def main(request_path: str) -> None:
    """One file: the child ``mpcheck.exercises.sandbox`` starts for it."""
    with open(request_path, encoding="utf-8") as file:
        run_request(json.load(file))


# --- batches: import torch once, then fork a worker per file ---------------------------------

def _worker(job: dict[str, Any]) -> None:
    """In the fork: a session of its own (the parent kills its group at the time limit), the scratch
    folder, the job's files as stdin/stdout/stderr, then the same run as a spawned child's."""
    try:
        os.setsid()
        os.chdir(job["work"])
        for fd, path, mode in ((0, os.devnull, os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_CREAT),
                               (2, job["stderr"], os.O_WRONLY | os.O_CREAT)):
            opened = os.open(path, mode, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        run_request(job)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(0)


def serve() -> None:
    """The batch server: reads one JSON job per line on stdin, forks a worker for each, and
    writes ``{"started": id, "pid": …}`` and ``{"exited": id, "status": …}`` lines on stdout.
    Single-threaded (forking a threaded process is unsafe); torch is imported but never used
    here, so no thread pool and no CUDA context is inherited."""
    import select

    import torch  # noqa: F401 (imported once, for every worker)

    import mpcheck.exercises.checker  # noqa: F401

    def say(**record: Any) -> None:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()

    running: dict[int, Any] = {}
    pending, open_input = b"", True
    say(ready=True)
    while open_input or running:
        if open_input and select.select([0], [], [], 0.02)[0]:
            chunk = os.read(0, 65536)
            open_input = bool(chunk)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                job = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _worker(job)
                running[pid] = job["id"]
                say(started=job["id"], pid=pid)
        elif not open_input:
            select.select([], [], [], 0.02)
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            say(exited=running.pop(pid), status=os.waitstatus_to_exitcode(status))
