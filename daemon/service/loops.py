"""Loops that cannot die, and the heartbeats that show they are alive.

Every long-running loop (worker, outbox sender, housekeeper) runs its step
through `run_loop`: any exception is caught, logged once per outage (with its
traceback; reminders every ten minutes, one line when it recovers), backed
off (1 s doubling to 60 s) and the loop goes on. Each loop keeps a row in the
spool store's heartbeat table that `ticketd status` reads: when it last went
round, and since when it fails.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable

import peewee as pw

from daemon.service.outage import Backoff, OutageLog
from daemon.store.db import write_transaction
from daemon.store.models import Heartbeat, utcnow

log = logging.getLogger("ticketd.loop")

BEAT_SECONDS = 5.0  # a heartbeat row is written at most this often


def heartbeat_name(role: str) -> str:
    return f"{socket.gethostname()}:{role}"


class Beat:
    """One loop's heartbeat row. Writing it is advice: a failure here never stops a loop."""

    def __init__(self, db: pw.Database, role: str):
        self.db, self.name, self.pid = db, heartbeat_name(role), os.getpid()
        self.last = 0.0
        self.failing_since = None
        self.error: str | None = None
        self._write(started=True)

    def ok(self) -> None:
        if self.failing_since is not None:
            self.failing_since, self.error = None, None
            self._write()
        elif time.monotonic() - self.last >= BEAT_SECONDS:
            self._write()

    def failed(self, error: str) -> None:
        first = self.failing_since is None
        if first:
            self.failing_since = utcnow()
        if first or error != self.error or time.monotonic() - self.last >= BEAT_SECONDS:
            self.error = error
            self._write()

    def stopped(self) -> None:
        self._write(stopped=True)

    def _write(self, started: bool = False, stopped: bool = False) -> None:
        values = {"pid": self.pid, "beat_at": utcnow(), "failing_since": self.failing_since,
                  "last_error": (self.error or "")[:2000] or None, "stopped": stopped}
        if started:
            values["started_at"] = values["beat_at"]
        try:
            with write_transaction(self.db):
                (Heartbeat.insert(name=self.name, **values)
                 .on_conflict(conflict_target=[Heartbeat.name], update=values).execute())
        except pw.DatabaseError as exc:
            log.debug("heartbeat %s not written: %s", self.name, exc)
            return
        self.last = time.monotonic()


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


def run_loop(name: str, step: Callable[[], bool], *, stopping: threading.Event,
             wait: Callable[[float], None], beat: Beat | None = None,
             idle_seconds: float = 1.0, after_step: Callable[[], None] = lambda: None,
             trouble: Callable[[], str | None] = lambda: None) -> None:
    """Run `step` until `stopping`: again at once when it did work, after `wait(idle)`
    when it did not, after a growing pause when it raised. Never lets an exception out.
    `trouble()` names a failure the step survived (a relay refusing): the heartbeat shows it."""
    backoff, outage = Backoff(), OutageLog(log, name)
    while not stopping.is_set():
        try:
            busy = step()
        except Exception as exc:  # every failure: logged, backed off, survived
            error, delay = describe(exc), backoff.next_delay()
            if not outage.down:
                log.error("%s: %s", name, "".join(traceback.format_exception(exc))[-4000:])
            outage.failed(error, delay)
            if beat:
                beat.failed(error)
            after_step()
            wait(delay)
            continue
        outage.recovered()
        backoff.reset()
        problem = trouble()
        if beat:
            beat.failed(problem) if problem else beat.ok()
        after_step()
        if not busy:
            wait(idle_seconds)
