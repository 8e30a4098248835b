"""A poller's health in the database, so `ticketd status` (another process) can see it.

Written when the state changes, and on success at most every HEARTBEAT seconds,
so a quiet mailbox costs one small write a minute, not one per poll. An auth
problem (a revoked OAuth2 grant) is kept apart from the failure of the moment:
it stays named until the admin mends it, whatever else fails meanwhile.
"""

from __future__ import annotations

import time

import peewee as pw

from daemon.store.db import write_transaction
from daemon.store.models import MailboxHealth, utcnow

HEARTBEAT = 60.0


class HealthRecord:
    def __init__(self, db: pw.Database, key: str):
        self.db, self.key = db, key
        self.failing = None  # unknown until the first write
        self.last_write = 0.0
        self.auth_problem: str | None = ""  # "" = unknown until the first write

    def ok(self) -> None:
        if self.failing is False and time.monotonic() - self.last_write < HEARTBEAT:
            return
        if self._write(checked_at=utcnow(), failing_since=None, last_error=None):
            self.last_write = time.monotonic()
        self.failing = False

    def failed(self, what: str) -> None:
        if self.failing:
            return
        if self._write(failing_since=utcnow(), last_error=what[:2000]):
            self.last_write = time.monotonic()
        self.failing = True

    def auth(self, problem: str | None) -> None:
        """The mailbox's auth problem now (None: none); written only when it changes."""
        if problem == self.auth_problem:
            return
        since = utcnow() if problem else None
        if self._write(auth_problem=problem and problem[:2000], auth_problem_since=since):
            self.auth_problem = problem

    def _write(self, **values) -> bool:
        try:
            with write_transaction(self.db):
                (MailboxHealth.insert(mailbox=self.key, **values)
                 .on_conflict(conflict_target=[MailboxHealth.mailbox], update=values).execute())
        except pw.DatabaseError:
            return False  # health is advice: never let it stop the poller
        return True
