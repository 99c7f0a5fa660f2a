"""``mpcheck exercise check --batch DIR``: autograding, one JSON line per file.

DIR holds one file per student, or one folder per student (its files that name an exercise, or
with --exercise every ``.py`` file in it). Every file gets its line, in name order, whatever
happens to it: a file that is not Python, that hangs or crashes gets its ``error``; nothing one
student does stops the batch. The lines are written as the files finish, in order.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mpcheck.cli.output import fail, print_json_line
from mpcheck.errors import UserError


def _visible(name: str) -> bool:
    return not name.startswith((".", "__pycache__"))


def _student_files(folder: Path, explicit: str | None) -> list[Path]:
    from mpcheck.exercises.sandbox import read_source
    from mpcheck.exercises.skeleton import exercise_key

    files = sorted(p for p in folder.rglob("*") if p.is_file() and all(map(_visible, p.relative_to(folder).parts)))
    if explicit:
        return [p for p in files if p.suffix == ".py"]
    return [p for p in files if exercise_key(read_source(p)[0] or "") is not None]


def targets(root: Path, explicit: str | None) -> list[tuple[Path, str | None]]:
    """(file, student folder or None) for everything to check, in name order; a student folder
    without an exercise file is listed itself, to get its line with the error."""
    found: list[tuple[Path, str | None]] = []
    for entry in sorted(p for p in root.iterdir() if _visible(p.name)):
        if entry.is_dir():
            found += [(f, entry.name) for f in _student_files(entry, explicit)] or [(entry, entry.name)]
        elif entry.is_file():
            found.append((entry, None))
    return found


def _record(file: Path, student: str | None, root: Path, explicit: str | None, device: str, seed: int | None,
            limits: Any, forker: Any) -> dict[str, Any]:
    from mpcheck.cli.exercise_cmd import _which
    from mpcheck.exercises.sandbox import Checked, run_file

    shown = str(file.relative_to(root))
    try:
        if file.is_dir():
            raise UserError("no exercise file in this folder (none has a '# mpcheck exercise:' line)")
        reference = _which(file, explicit)
        record = run_file(file, reference, device, seed, limits, forker).to_json()
    except UserError as exc:
        record = Checked(shown, None, error=str(exc)).to_json()
    except Exception as exc:  # never let one file stop the batch
        record = Checked(shown, None, error=f"mpcheck failed on this file: {type(exc).__name__}: {exc}").to_json()
    record["file"] = shown
    return {"student": student, **record} if student is not None else record


def _cpu_only(device: str) -> bool:
    """Forks share the server's torch, which must not have touched CUDA: on a machine that may
    use a GPU (an NVIDIA driver is loaded) each file gets a fresh child instead."""
    return device == "cpu" or (device == "auto" and not Path("/dev/nvidiactl").exists())


def run_batch(root: Path, explicit: str | None, device: str, seed: int | None, limits: Any, jobs: int) -> None:
    if not root.is_dir():
        fail(f"--batch {root}: not a folder")
    from mpcheck.exercises import exercises, find
    from mpcheck.exercises.sandbox import Forker

    exercises()  # load the plugins once, before the threads look exercises up
    if explicit:
        find(explicit)  # an unknown exercise is a usage error, not 200 failed files
    items = targets(root, explicit)
    forker = Forker() if _cpu_only(device) and items else None
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for record in pool.map(lambda item: _record(*item, root, explicit, device, seed, limits, forker), items):
                print_json_line(record)
    finally:
        if forker is not None:
            forker.close()
