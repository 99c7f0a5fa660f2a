"""Console output shared by the commands: Rich consoles, JSON, one-line errors."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console


# Rich loads on first use: the listings and `--help` never need it.
@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_json(value: Any) -> None:
    """JSON on stdout, one document, no colour (for tools)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_json_line(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    """A one-line reason on stderr, then exit (2: usage, params or unreadable answer)."""
    sys.stderr.write(f"mpcheck: {message}\n")
    raise typer.Exit(code)


def write_text(text: str, output: str | None) -> bool:
    """``text`` to the file ``output``, or to stdout for None or "-"; True if a file was written."""
    from pathlib import Path

    from mpcheck.errors import UserError

    if output is None or output == "-":
        sys.stdout.write(text)
        return False
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from None
    return True
