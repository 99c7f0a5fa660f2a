"""Running the real CLI in a subprocess, as a user would."""

from __future__ import annotations

import json
import re
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


def keyboard_interrupts() -> None:
    """Let Ctrl-C reach the process: a shell that starts the tests in the background without job
    control makes them ignore SIGINT, and an ignored signal stays ignored across exec."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """The CLI run on a pseudo-terminal, as a student at a real terminal runs it: stdin, stdout and
    stderr are a tty of ``rows`` × ``cols`` that is the process's controlling terminal, so that
    Ctrl-C (``\\x03``) interrupts it as the keyboard would."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, rows: int = 40, cols: int = 100):
        import fcntl
        import os
        import pty
        import struct
        import termios

        environment = {**os.environ, "TERM": "xterm", **(env or {})}
        environment.pop("COLUMNS", None)
        environment.pop("LINES", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: size the terminal, then become the CLI
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            keyboard_interrupts()
            os.execvpe(sys.executable, [sys.executable, "-m", "mpcheck", *args], environment)
        self.raw = b""
        self.code: int | None = None

    @property
    def screen(self) -> str:
        """Everything shown so far, without colours and cursor codes."""
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        import os
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            chunk = b""
        self.raw += chunk
        return bool(chunk)

    def expect(self, text: str, after: int = 0, timeout: float = 90) -> int:
        """Wait until ``text`` is on screen (past position ``after``); its position."""
        import time

        deadline = time.monotonic() + timeout
        while text not in self.screen[after:]:
            if time.monotonic() > deadline or not self._read(0.2) and self._exited():
                raise AssertionError(f"{text!r} never came; the screen shows:\n{self.screen[-3000:]}")
        return self.screen.index(text, after)

    def quiet_for(self, seconds: float) -> str:
        """What appears within ``seconds`` (the process may be waiting for input)."""
        import time

        before = len(self.screen)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(0.1):
            pass
        return self.screen[before:]

    def idle(self, settle: float = 0.3, timeout: float = 30) -> None:
        """Wait until the process has been asleep (waiting for input) for ``settle`` seconds, as a
        person's keystroke would find it. A Ctrl-C sent between the prompt being drawn and the
        wait for a key starting is taken by CPython before the wait, which then never wakes: on a
        loaded machine a test that sends at once can land in that gap."""
        import time

        deadline, asleep_since = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            self._read(0.02)
            try:
                with open(f"/proc/{self.pid}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
            except OSError:  # no /proc here: a pause does the same, less surely
                time.sleep(settle)
                return
            if state != "S":
                asleep_since = None
            elif asleep_since is None:
                asleep_since = time.monotonic()
            elif time.monotonic() - asleep_since >= settle:
                return

    def send(self, text: str) -> None:
        import os

        os.write(self.fd, text.encode())

    def line(self, text: str = "") -> None:
        self.send(text + "\r")

    def _exited(self) -> bool:
        import os

        if self.code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code is not None

    def wait(self, timeout: float = 90) -> int:
        """The exit code, once the process has ended (reading what it still prints)."""
        import os
        import signal
        import time

        deadline = time.monotonic() + timeout
        while not self._exited():
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError(f"still running; the screen shows:\n{self.screen[-3000:]}")
            self._read(0.1)
        while self._read(0.05):
            pass
        os.close(self.fd)
        return self.code

    def close(self) -> None:
        import os
        import signal

        if not self._exited():
            os.kill(self.pid, signal.SIGKILL)
            self.wait()
