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
        topic = lookup.topic(topic)
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


def _module_source(module_name: str) -> str:
    """The code of a module, read from its file without importing it: reference modules import
    torch at their top, and reading them must not need PyTorch."""
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise UserError(f"cannot find the source of {module_name}")
    with open(spec.origin, encoding="utf-8") as source:
        return source.read()


def _show_source(refs: list) -> None:
    from rich.syntax import Syntax

    out = console()
    shown: set[str] = set()
    for ref in refs:
        module_name = ref.source or ref.run.partition(":")[0]
        if module_name in shown:
            continue
        shown.add(module_name)
        code = _module_source(module_name)
        from rich.markup import escape

        if not out.is_terminal:  # piped or redirected: the code itself, never cropped
            sys.stdout.write(f"# {module_name}  (oracle: {ref.oracle})\n{code}\n")
            continue
        out.rule(f"[bold]{escape(module_name)}[/bold]  (oracle: {escape(ref.oracle)})")
        out.print(Syntax(code, "python", line_numbers=True, word_wrap=True))


@app.command()
def ref(
    topic: Annotated[Optional[str], typer.Argument(help="Only this topic, e.g. cnn.")] = None,
    name: Annotated[Optional[str], typer.Argument(help="Only this implementation, e.g. conv2d.")] = None,
    device: Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda. "
                                        "Default: $MPCHECK_DEVICE, else auto.")] = "",
    source: Annotated[bool, typer.Option("--source", help="Print the annotated source instead of running (no PyTorch needed).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON, one object per implementation.")] = False,
) -> None:
    """Run the reference implementations against their oracles (PyTorch built-ins, autograd,
    closed forms) and show the largest error and the time against the built-in.

    Exit code 1 if any implementation disagrees with its oracle.

    Examples:
      mpcheck ref cnn
      mpcheck ref cnn conv2d --source
      mpcheck ref --device cuda --json
    """
    refs = _selected(topic, name)
    if source:  # reading the code needs no PyTorch
        _show_source(refs)
        return
    _require_torch()
    from mpcheck.entrypoints import load_object
    from mpcheck.reference import resolve_device

    target = resolve_device(device or None)
    rows = []
    for r in refs:
        result = load_object(r.run)(target)
        rows.append({"topic": r.topic, "name": r.name, "title": r.title, "oracle": r.oracle,
                     "device": result.device, "max_abs_error": result.max_abs_error,
                     "tolerance": result.tolerance, "passed": result.passed, "ms": result.ms,
                     "builtin_ms": result.builtin_ms})
    failed = [row for row in rows if not row["passed"]]
    if json:
        print_json(rows)
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=f"Reference implementations on {target}", title_justify="left")
        for column in ("topic", "name", "oracle", "max |error|", "", "ms", "built-in ms"):
            table.add_column(column, justify="right" if "ms" in column or "error" in column else "left")
        for row in rows:
            builtin = "-" if row["builtin_ms"] is None else f"{row['builtin_ms']:.3f}"
            table.add_row(escape(row["topic"]), escape(row["name"]), escape(row["oracle"]), f"{row['max_abs_error']:.2e}",
                          "[green]✓[/green]" if row["passed"] else "[red]✗[/red]",
                          f"{row['ms']:.3f}", builtin)
        console().print(table)
        console().print(f"{len(rows) - len(failed)} of {len(rows)} agree with their oracle.")
    if failed:
        raise typer.Exit(1)
