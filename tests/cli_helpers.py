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


MODULES_PROBE = """
import json, sys
sys.argv = ["mpcheck", *json.loads(sys.argv[1])]
from mpcheck.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("MODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
sys.exit(code)
"""


def run_cli_modules(*args: str, env: dict[str, str] | None = None
                    ) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the CLI in a fresh interpreter, as ``run_cli`` does; also return every module it imported."""
    import os

    done = subprocess.run([sys.executable, "-c", MODULES_PROBE, json.dumps(list(args))],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES=")]
    assert line, done.stderr
    return done, set(json.loads(line[-1][len("MODULES="):]))
