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


def dues_for(ticket_ids: list[int]) -> dict[int, SlaClock]:
    out: dict[int, SlaClock] = {}
    for start in range(0, len(ticket_ids), 1000):
        chunk = ticket_ids[start:start + 1000]
        out.update({c.ticket_id: c for c in SlaClock.select().where(SlaClock.ticket.in_(chunk))})
    return out


def lock_clock(ticket_id: int) -> None:
    """PostgreSQL: hold the clock row until commit, so a second housekeeper waits and then
    sees the actions this one took."""
    rows.fetch_one(SlaClock._meta.database, "SELECT ticket_id FROM sla_clock WHERE "
                                            "ticket_id = ? FOR UPDATE", ticket_id)
