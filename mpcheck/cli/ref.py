"""ref: run reference implementations against their oracles, or read their annotated source."""

import importlib.util
import sys
from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, print_json
from mpcheck.errors import UserError


def _selected(topic: str | None, name: str | None) -> list:
    refs = list(lookup.registry().references.values())
    if topic is not None:
        lookup.topic(topic)
        refs = [r for r in refs if r.topic == topic]
    if name is not None:
        names = [r.name for r in refs]
        refs = [r for r in refs if r.name == name]
        if not refs:
            raise UserError(f"no reference {name!r} in {topic}: available: {', '.join(names) or 'none'}")
    if not refs:
        raise UserError(f"no reference implementations{' in ' + topic if topic else ''} yet")
    return refs


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
    topic: Annotated[Optional[str], typer.Argument(help="Only this topic, e.g. cnn.")] = None,
    name: Annotated[Optional[str], typer.Argument(help="Only this implementation, e.g. conv2d.")] = None,
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
      mpcheck ref --device cuda --json
    """
    refs = _selected(topic, name)
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
