"""Command-line entry point. Importing this module loads no plugin and no numpy, sympy or torch."""

from __future__ import annotations

import sys

from mpcheck.cli.app import app

# Each module adds its commands to ``app``.
from mpcheck.cli import browse, grading  # noqa: E402,F401
from mpcheck.cli import quiz, ref, derive, study, exercise_cmd  # noqa: E402,F401


def main() -> None:
    """Run the CLI: plugins add their commands first; user errors become one line and exit 2."""
    from mpcheck.host import entrypoints
    from mpcheck.errors import PluginError, UserError

    try:
        if entrypoints.may_add_commands():  # known from the cache: usually no plugin is imported
            from mpcheck.host import plugins

            plugins.add_commands(app)
        app(prog_name="mpcheck")
    except UserError as exc:
        print(f"mpcheck: {exc}", file=sys.stderr)
        sys.exit(2)
    except PluginError as exc:
        print(f"mpcheck: {exc} (MPCHECK_STRICT_PLUGINS is set)", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
