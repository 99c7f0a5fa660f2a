"""Wall-clock limits for symbolic work, so a hard expression is a clear message, never a hang.

SymPy has no cancellation of its own; ``time_limit`` arms ``SIGALRM`` through
``signal.setitimer`` and raises ``TimeLimitExceeded`` inside the running computation. SymPy has
``except Exception`` blocks here and there, so the exception is a ``BaseException`` (as
``KeyboardInterrupt`` is) that such blocks let through, and the alarm repeats every
``REPEAT_S`` until the block ends, so even a swallowed one is followed by another. Signals can
only be handled by the main thread, so elsewhere (worker threads, some test runners) the block
simply runs without a limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


REPEAT_S = 0.05


class TimeLimitExceeded(BaseException):
    """The block ran past its time limit. A BaseException, so that library code that catches
    ``Exception`` cannot swallow it; catch it by name."""


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` if the block runs longer than ``seconds``.

    Nested limits keep the earlier deadline: an inner block never extends an outer one.
    """
    if seconds <= 0:
        raise TimeLimitExceeded("no time left")
    if not _can_use_alarm():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:
        # an enclosing limit fires first; let it
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"took longer than {seconds:g} s")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            # re-arm the enclosing limit with what it has left
            left = outer_remaining - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), REPEAT_S)
