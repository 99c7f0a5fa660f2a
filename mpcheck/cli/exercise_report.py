"""How ``mpcheck exercise check`` shows a result: case by case, the largest error and where, a
recognised mistake, the first failing case as lines to paste into Python, what the code printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mpcheck.api import Reference
from mpcheck.exercises.sandbox import Checked

Line = list[tuple[str, str]]


def _detail(case: dict[str, Any]) -> str:
    if case["error"]:
        return case["error"]
    error = case["max_abs_error"]
    if case["passed"]:
        return f"error {error:.1e}"
    return f"error {error:.3g} at {case['where']} (tolerance {case['tolerance']:.1g})"


def case_lines(cases: list[dict[str, Any]]) -> list[Line]:
    """One line per case; when every case failed the same way, that error once."""
    errors = {c["error"] for c in cases}
    if len(cases) > 1 and len(errors) == 1 and "" not in errors:
        return [[("✗ ", "red"), (f"all {len(cases)} cases: {cases[0]['error']}", "")]]
    width = max(len(c["label"]) for c in cases)
    return [[("✓ " if c["passed"] else "✗ ", "green" if c["passed"] else "red"),
             (f"{c['index'] + 1:>2} {c['dtype']:<7} {c['label']:<{width}}  ", ""),
             (_detail(c), "" if c["passed"] else "yellow")] for c in cases]


def snippet(checked: Checked, reference: Reference, file: Path, case: dict[str, Any]) -> list[str]:
    """Python lines that rebuild the case and run the student's function on it."""
    report = checked.report
    device = "" if report["device"] == "cpu" else f", device={report['device']!r}"
    function = reference.exercise.function
    return ["import runpy",
            "from mpcheck.exercises import replay",
            f"{function} = runpy.run_path({str(file.resolve())!r})[{function!r}]",
            f"case = replay({reference.key!r}, seed={report['seed']}, case={case['index'] + 1}{device})"
            f"  # {case['dtype']}: {case['label']}",
            f"got = {function}(*case.args, **case.kwargs)",
            "print(case.compare(got))  # case.expected is the oracle's output"]


def result_lines(checked: Checked, reference: Reference, file: Path, show_text) -> list[Line]:
    report = checked.report
    lines: list[Line] = []
    if report is None:
        lines.append([(f"{reference.key} · {file}", "bold")])
        done = sum(c["passed"] for c in checked.cases)
        if checked.cases:
            lines.append([(f"{done} case{'s' if done != 1 else ''} passed before it stopped.", "")])
        lines.append([("✗ ", "red"), (checked.error, "")])
        return lines
    cases = report["cases"]
    lines.append([(f"{reference.key} · {file} · {report['device']} · seed {report['seed']}", "bold")])
    lines += case_lines(cases)
    lines.append([])
    if report["passed"]:
        lines.append([("✓ ", "green"), (f"All {len(cases)} cases pass (largest error {report['max_abs_error']:.1e}).", "")])
        return lines
    first = next(c for c in cases if not c["passed"])
    worst = max((c for c in cases if c["max_abs_error"] is not None and not c["passed"]),
                key=lambda c: c["max_abs_error"], default=None)
    summary = f"{report['cases_passed']} of {len(cases)} cases pass"
    if worst is not None:
        summary += f"; the largest error is {worst['max_abs_error']:.3g} at {worst['where']} in case {worst['index'] + 1}"
    lines.append([("✗ ", "red"), (summary + ".", "")])
    if report["mistake"]:
        lines.append([("Recognised mistake: ", "bold"), (report["mistake"]["name"], "yellow"),
                      (" — " + show_text(report["mistake"]["feedback"]), "")])
    lines.append([(f"Case {first['index'] + 1}, the first that fails, to try in Python:", "")])
    lines += [[("    " + line, "dim")] for line in snippet(checked, reference, file, first)]
    return lines


def render(checked: Checked, reference: Reference, file: Path, show_text=lambda text: text,
           verdict: bool = True) -> None:
    """The result (unless ``verdict`` is False: a file that could not run gets one line on
    stderr instead), then what the code printed."""
    from mpcheck.cli.table import print_lines

    lines = result_lines(checked, reference, file, show_text) if verdict else []
    for stream, text in (("stdout", checked.stdout), ("stderr", checked.stderr)):
        if text:
            lines += [[] if lines else None, [(f"Your code printed (on {stream}):", "bold")], *[[("    " + t, "")] for t in text.splitlines()]]
    print_lines([line for line in lines if line is not None])
