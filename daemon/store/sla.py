"""Named queries of circulation clocks (table sla_clock)."""

from __future__ import annotations

from datetime import datetime

from daemon.store import rows
from daemon.store.models import SlaClock


def due_ticket_ids(now: datetime, limit: int) -> list[int]:
    """Tickets whose next circulation moment has come, earliest first (an index range)."""
    db = SlaClock._meta.database
    return [r[0] for r in rows.fetch_all(
        db, "SELECT ticket_id FROM sla_clock WHERE next_check_at <= ? "
            "ORDER BY next_check_at LIMIT ?", SlaClock.next_check_at.db_value(now), limit)]


def lock_clock(ticket_id: int) -> None:
    """PostgreSQL: hold the clock row until commit, so a second housekeeper waits and then
    sees the actions this one took."""
    rows.fetch_one(SlaClock._meta.database, "SELECT ticket_id FROM sla_clock WHERE "
                                            "ticket_id = ? FOR UPDATE", ticket_id)
