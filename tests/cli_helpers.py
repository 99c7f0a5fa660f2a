"""Running the real CLI in a subprocess, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "mpcheck", *args], input=input, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def cli_json(*args: str, **kwargs: Any) -> Any:
    done = run_cli(*args, **kwargs)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def assert_clean_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit 2, a short reason on stderr that contains ``fragments``, and no traceback."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr
