"""A poller's health in the database, so `ticketd status` (another process) can see it.

Written when the state changes, and on success at most every HEARTBEAT seconds,
so a quiet mailbox costs one small write a minute, not one per poll.
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

    def ok(self) -> None:
        if self.failing is False and time.monotonic() - self.last_write < HEARTBEAT:
            return
        self._write(checked_at=utcnow(), failing_since=None, last_error=None)
        self.failing = False

    def failed(self, what: str) -> None:
        if self.failing:
            return
        self._write(failing_since=utcnow(), last_error=what[:2000])
        self.failing = True

    def _write(self, **values) -> None:
        try:
            with write_transaction(self.db):
                (MailboxHealth.insert(mailbox=self.key, **values)
                 .on_conflict(conflict_target=[MailboxHealth.mailbox], update=values).execute())
        except pw.DatabaseError:
            return  # health is advice: never let it stop the poller
        self.last_write = time.monotonic()
