"""ref: run reference implementations against their oracles, or read their annotated source."""

import importlib.util
import sys
from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, print_json
from mpcheck.errors import UserError


def _selected(words: list[str]) -> list:
    """The references the arguments pick. Each word is a topic in any case (``CNN``), a reference
    name (``conv2d``), or ``topic/name``. Topics alone select all of theirs; with names, only the
    named ones within the topics given. No words: every reference."""
    registry = lookup.registry()
    folded = {t.casefold(): t for t in registry.topics}
    topics, names = [], []
    for word in lookup.topic_names(words):
        topic, slash, name = word.partition("/")
        if topic.casefold() in folded:
            topics.append(folded[topic.casefold()])
            if slash:
                names.append(name)
        elif slash:
            lookup.topic(topic)  # an unknown topic: the error suggests the nearest
        else:
            names.append(word)
    pool = [r for r in registry.references.values() if not topics or r.topic in topics]
    where = ", ".join(dict.fromkeys(topics)) or "any topic"
    for name in names:
        if not any(r.name == name for r in pool):
            if not topics:
                lookup.topic(name)  # no reference has that name: most likely a mistyped topic
            available = ", ".join(sorted({r.name for r in pool})) or "none"
            raise UserError(f"no reference {name!r} in {where}: available: {available}")
    selected = [r for r in pool if not names or r.name in names]
    if not selected:
        raise UserError(f"no reference implementations in {where} yet")
    return selected


def _require_torch() -> None:
    if importlib.util.find_spec("torch") is None:
        raise UserError("reference implementations need PyTorch: pip install 'mpcheck[torch]'")


def source_text(module_name: str) -> str:
    """A module's source, read as text: showing it needs no torch (the module imports it)."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise UserError(f"cannot find the source of {module_name}")
    with open(spec.origin, encoding="utf-8") as file:
        return file.read()


def _show_source(refs: list) -> None:
    out = console()
    shown: set[str] = set()
    for ref in refs:
        module_name = ref.source_module
        if module_name in shown:
            continue
        shown.add(module_name)
        code = source_text(module_name)
        if not out.is_terminal:  # piped or redirected: the code itself, never cropped
            sys.stdout.write(f"# {module_name}  (oracle: {ref.oracle})\n{code}\n")
            continue
        from rich.markup import escape
        from rich.syntax import Syntax

        out.rule(f"[bold]{escape(module_name)}[/bold]  (oracle: {escape(ref.oracle)})")
        out.print(Syntax(code, "python", line_numbers=True, word_wrap=True))


def _row(ref, result) -> dict:
    import math

    row = {"topic": ref.topic, "name": ref.name, "title": ref.title, "oracle": ref.oracle,
           "device": result.device, "max_abs_error": result.max_abs_error if math.isfinite(result.max_abs_error) else None,
           "tolerance": result.tolerance, "passed": result.passed, "ms": result.ms, "builtin_ms": result.builtin_ms}
    if result.report is not None:
        first = result.report.first_failure
        by_dtype = result.report.max_abs_error_by_dtype()
        row.update(max_abs_error_by_dtype={k: v if math.isfinite(v) else None for k, v in by_dtype.items()},
                   cases_passed=result.report.passed_count, cases_total=len(result.report.cases),
                   seed=result.report.seed, failure=None if first is None else f"{first.label} ({first.dtype}): "
                   f"{first.error or f'error {first.max_abs_error:.3g} at {first.where}'}")
    return row


@app.command()
def ref(
    selection: Annotated[Optional[list[str]], typer.Argument(
        metavar="[TOPIC|NAME|TOPIC/NAME]...",
        help="Topics (any case), reference names, or both as topic/name, e.g. 'gan diffusion' or 'cnn conv2d'. "
             "Default: all.")] = None,
    device: Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda. "
                                        "Default: $MPCHECK_DEVICE, else auto.")] = "",
    source: Annotated[bool, typer.Option("--source", help="Print the annotated source instead of running.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON, one object per implementation.")] = False,
    seed: Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed for the random cases "
                                                "(default: new ones each run).")] = None,
) -> None:
    """Run the reference implementations against their oracles (PyTorch built-ins, autograd,
    closed forms) and show the largest error and the time against the built-in.

    Each runs through its exercise's checker (the one `mpcheck exercise check`
    uses): fixed and random cases, in float64 and float32. Exit code 1 if any
    implementation disagrees with its oracle.

    Examples:
      mpcheck ref cnn
      mpcheck ref cnn conv2d --source
      mpcheck ref gan diffusion
      mpcheck ref --device cuda --json
    """
    refs = _selected(selection or [])
    if source:
        _show_source(refs)
        return
    _require_torch()
    from mpcheck.reference import check_reference, resolve_device

    target = resolve_device(device or None)
    rows = [_row(r, check_reference(r, target, seed)) for r in refs]
    failed = [row for row in rows if not row["passed"]]
    if json:
        print_json(rows)
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"Reference implementations on {target}", title_justify="left")
        for column in ("topic", "name", "oracle", "max |error| f64", "f32", "", "ms", "built-in ms"):
            table.add_column(column, justify="right" if "ms" in column or "error" in column or column == "f32" else "left")
        for row in rows:
            builtin = "-" if row["builtin_ms"] is None else f"{row['builtin_ms']:.3f}"
            by_dtype = row.get("max_abs_error_by_dtype") or {"float64": row["max_abs_error"]}
            f64, f32 = (("-" if by_dtype.get(k) is None else f"{by_dtype[k]:.2e}") for k in ("float64", "float32"))
            table.add_row(escape(row["topic"]), escape(row["name"]), escape(row["oracle"]), f64, f32,
                          "[green]✓[/green]" if row["passed"] else "[red]✗[/red]",
                          f"{row['ms']:.3f}", builtin)
        console().print(table)
        for row in failed:
            console().print(f"[red]✗[/red] {escape(row['name'])}: {escape(row.get('failure') or 'disagrees with its oracle')}")
        console().print(f"{len(rows) - len(failed)} of {len(rows)} agree with their oracle.")
    if failed:
        raise typer.Exit(1)
