"""The time limit on symbolic work cannot be swallowed by library code: a hang is never an option."""

from __future__ import annotations

import time

import pytest

from mpcheck.limits import TimeLimitExceeded, time_limit


def busy() -> None:
    while True:
        pass


def test_except_exception_in_library_code_does_not_swallow_the_limit():
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            while True:
                try:
                    busy()
                except Exception:  # as SymPy does in places
                    pass
    assert time.monotonic() - started < 2


def test_a_swallowed_alarm_is_followed_by_another():
    swallowed = 0
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            try:
                busy()
            except BaseException:  # a careless library eats the first alarm …
                swallowed += 1
            busy()  # … and carries on: the next alarm still ends it
    assert swallowed == 1 and time.monotonic() - started < 2


def test_no_alarm_is_left_behind():
    import signal

    with time_limit(0.5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
