"""Capped exponential backoff and outage logging: one line down, rare reminders, one up.

A mail server or database that is down for an hour must not fill the log with
thousands of tracebacks (nobody reads them), nor stay silent (user-pain §15).
Used by every loop: IMAP pollers, workers, the outbox sender, the housekeeper.
"""

from __future__ import annotations

import logging
import random
import time

STILL_DOWN_EVERY = 600.0  # seconds between "still failing" reminders


class Backoff:
    """1 s, 2 s, 4 s ... up to `cap`, with a little jitter so mailboxes don't march in step."""

    def __init__(self, first: float = 1.0, cap: float = 60.0):
        self.first, self.cap = first, cap
        self.failures = 0

    def next_delay(self, cap: float | None = None) -> float:
        delay = min(cap or self.cap, self.first * 2 ** min(self.failures, 20))
        self.failures += 1
        return delay * random.uniform(0.9, 1.0)

    def reset(self) -> None:
        self.failures = 0


class OutageLog:
    """Remembers whether a mailbox is failing, so each outage is logged once."""

    def __init__(self, log: logging.Logger, name: str, clock=time.monotonic,
                 still_every: float = STILL_DOWN_EVERY):
        self.log, self.name, self.clock, self.still_every = log, name, clock, still_every
        self.since: float | None = None
        self.last_said = 0.0
        self.attempts = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, what: str, retry_in: float) -> None:
        now = self.clock()
        self.attempts += 1
        if self.since is None:
            self.since = self.last_said = now
            self.log.error("%s: %s; retrying in %.0f s with backoff (reminders every "
                           "%.0f min until it works again)", self.name, what, retry_in,
                           self.still_every / 60)
        elif now - self.last_said >= self.still_every:
            self.last_said = now
            self.log.error("%s: still failing after %.0f s and %d attempts: %s",
                           self.name, now - self.since, self.attempts, what)

    def recovered(self) -> None:
        if self.since is None:
            return
        self.log.warning("%s: recovered after %.0f s and %d failed attempts",
                         self.name, self.clock() - self.since, self.attempts)
        self.since, self.attempts = None, 0
