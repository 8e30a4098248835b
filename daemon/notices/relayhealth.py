"""The outbound relay's health as the sender finds it: consecutive failures and the last error.

Written in the sender's own transaction after each batch, read by `ticketd status`,
so a relay refusing connections is named at once with its host:port and error, and
the alarm clears with the first mail that gets through.
"""

from __future__ import annotations

from datetime import datetime

from daemon.store.db import is_postgres
from daemon.store.models import RelayHealth


def record_relay(where: str, now: datetime, sent: int, failed: int, error: str | None) -> None:
    """After a batch: any mail sent resets the count; transient failures add to it.
    Permanent refusals of one mail (5xx) say nothing about the relay and are not counted.

    Several senders (daemons on one PostgreSQL) share the row: it is made if missing in
    one statement that cannot collide, then read locked, so none fails its transaction
    (which records the mail just sent) and none writes over another's count."""
    RelayHealth.insert(relay=where, failures=0).on_conflict_ignore().execute()
    q = RelayHealth.select().where(RelayHealth.relay == where)
    row = (q.for_update() if is_postgres(RelayHealth._meta.database) else q).get()
    row.checked_at = now
    if sent:
        row.failures, row.failing_since, row.last_error = 0, None, None
        row.last_success_at = now
    elif failed:
        row.failures = (row.failures or 0) + failed
        row.failing_since = row.failing_since or now
        row.last_error = (error or "")[:2000] or None
    row.save()
