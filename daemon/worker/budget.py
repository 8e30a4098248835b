"""A CPU-time budget for reading one mail, so a hostile mail cannot hold a worker.

The parsers cap every derived text; this is the guard behind them: past the
budget the work is interrupted and the mail quarantined with the reason. It
uses the process CPU timer (SIGPROF), so it works only in a process's main
thread; elsewhere (a test calling in from a thread) it does nothing. C code
that never returns to Python is not interrupted here: the supervisor kills
a worker silent for too long, and the spool's attempt count does the rest.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class OverBudget(Exception):
    """Reading the mail took more CPU than `[limits] cpu_seconds_per_mail`."""


def _interrupt(signum, frame):
    raise OverBudget()


@contextmanager
def cpu_budget(seconds: float):
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGPROF, _interrupt)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
