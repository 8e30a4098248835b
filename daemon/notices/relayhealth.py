"""The outbound relay's health as the sender finds it: consecutive failures and the last error.

Written in the sender's own transaction after each batch, read by `ticketd status`,
so a relay refusing connections is named at once with its host:port and error, and
the alarm clears with the first mail that gets through.
"""

from __future__ import annotations

from datetime import datetime

from daemon.store.models import RelayHealth


def record_relay(where: str, now: datetime, sent: int, failed: int, error: str | None) -> None:
    """After a batch: any mail sent resets the count; transient failures add to it.
    Permanent refusals of one mail (5xx) say nothing about the relay and are not counted."""
    row = RelayHealth.get_or_none(RelayHealth.relay == where)
    if row is None:
        row = RelayHealth(relay=where, failures=0)
        created = True
    else:
        created = False
    row.checked_at = now
    if sent:
        row.failures, row.failing_since, row.last_error = 0, None, None
        row.last_success_at = now
    elif failed:
        row.failures = (row.failures or 0) + failed
        row.failing_since = row.failing_since or now
        row.last_error = (error or "")[:2000] or None
    row.save(force_insert=created)
