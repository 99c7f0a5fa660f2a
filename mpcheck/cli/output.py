"""Console output shared by the commands: Rich consoles, JSON, one-line errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def print_json(value: Any) -> None:
    """JSON on stdout, one document, no colour (for tools)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_json_line(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    """A one-line reason on stderr, then exit (2: usage, params or unreadable answer)."""
    err_console.print(f"mpcheck: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)
