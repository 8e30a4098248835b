"""Named queries of form field values (table ticket_field): read and set (`tickets list`
and `show` read them in store/reads.py).

One row per ticket and field; the index on (name, value, ticket_id) answers
`tickets list --field NAME=VALUE` without touching the ticket table's rows.
"""

from __future__ import annotations

from datetime import datetime

import peewee as pw

from daemon.store import rows
from daemon.store.models import TicketField


def _db() -> pw.Database:
    return TicketField._meta.database


def values_of(ticket_id: int) -> dict[str, str]:
    return dict(rows.fetch_all(_db(), "SELECT name, value FROM ticket_field "
                                      "WHERE ticket_id = ? ORDER BY name", ticket_id))


def set_value(ticket_id: int, name: str, value: str, source: str, at: datetime) -> str | None:
    """Store a value; returns the one it replaced (None when the field was empty)."""
    old = rows.fetch_one(_db(), "SELECT value FROM ticket_field WHERE ticket_id = ? AND "
                                "name = ?", ticket_id, name)
    if old is None:
        rows.add(_db(), TicketField, ticket=ticket_id, name=name, value=value, source=source,
                 updated_at=at)
        return None
    rows.execute(_db(), "UPDATE ticket_field SET value = ?, source = ?, updated_at = ? "
                        "WHERE ticket_id = ? AND name = ?", value, source,
                 TicketField.updated_at.db_value(at), ticket_id, name)
    return old[0]
