"""Bounds on the SMTP listener: sessions in all and per client, idle time, log volume.

1,100 idle connections once blocked all mail and wrote 362 MB of log in two
minutes. A client past its share is answered 421 (try later) and closed; a
session silent for `idle_timeout_seconds` is closed; aiosmtpd's per-command
log lines stay below WARNING and what is logged is rate-limited.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

log = logging.getLogger("ticketd.smtp")

S421_BUSY = b"421 4.7.0 Too many connections, please try again later\r\n"


class SessionLimits:
    """Counts open sessions; `admit` says whether one more may start."""

    def __init__(self, total: int, per_client: int):
        self.total, self.per_client = total, per_client
        self.open: Counter[str] = Counter()
        self.refused = 0

    def admit(self, client: str) -> bool:
        if sum(self.open.values()) >= self.total or self.open[client] >= self.per_client:
            self.refused += 1
            log.warning("refused a connection from %s: %d sessions open (%d from it); "
                        "%d refused so far", client, sum(self.open.values()),
                        self.open[client], self.refused)
            return False
        self.open[client] += 1
        return True

    def release(self, client: str) -> None:
        self.open[client] -= 1
        if self.open[client] <= 0:
            del self.open[client]


def limited(cls, limits: SessionLimits):
    """An aiosmtpd protocol class that keeps to `limits` and treats the timeout as idle
    time (aiosmtpd's own runs from the last command, so a DATA upload had to finish
    within it)."""

    class Limited(cls):
        client: str | None = None

        def connection_made(self, transport) -> None:
            peer = transport.get_extra_info("peername")
            client = peer[0] if peer else "?"
            if self.client is None and not limits.admit(client):
                transport.write(S421_BUSY)
                transport.close()
                return
            if self.client is None:
                self.client = client
            super().connection_made(transport)

        def connection_lost(self, error) -> None:
            if self.client is None:
                return  # refused: aiosmtpd never saw it
            limits.release(self.client)
            super().connection_lost(error)

        def data_received(self, data: bytes) -> None:
            self._reset_timeout()  # a byte arrived: not idle
            super().data_received(data)

    Limited.__name__ = f"Limited{cls.__name__}"
    return Limited


class RateLimit(logging.Filter):
    """At most `burst` records per `window` seconds; then one line saying how many
    were left out."""

    def __init__(self, burst: int = 20, window: float = 60.0):
        super().__init__()
        self.burst, self.window = burst, window
        self.started, self.count, self.dropped = time.monotonic(), 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.started >= self.window:
            if self.dropped:
                record.msg = f"({self.dropped} similar log lines left out) {record.msg}"
            self.started, self.count, self.dropped = now, 0, 0
        self.count += 1
        if self.count > self.burst:
            self.dropped += 1
            return False
        return True


def quiet_logs() -> None:
    """aiosmtpd logs every command at INFO: keep its warnings, rate-limited, and ours."""
    mail_log = logging.getLogger("mail.log")
    mail_log.setLevel(logging.WARNING)
    mail_log.addFilter(RateLimit())
    log.addFilter(RateLimit())
