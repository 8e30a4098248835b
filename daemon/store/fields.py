"""Named queries of form field values (table ticket_field): read, set, filter.

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


def sources_of(ticket_id: int) -> dict[str, str]:
    return dict(rows.fetch_all(_db(), "SELECT name, source FROM ticket_field "
                                      "WHERE ticket_id = ? ORDER BY name", ticket_id))


def values_for(ticket_ids: list[int]) -> dict[int, dict[str, str]]:
    """The fields of many tickets in one query per thousand: what a list shows."""
    out: dict[int, dict[str, str]] = {i: {} for i in ticket_ids}
    for start in range(0, len(ticket_ids), 1000):
        chunk = ticket_ids[start:start + 1000]
        marks = ", ".join("?" * len(chunk))
        for ticket_id, name, value in rows.fetch_all(
                _db(), f"SELECT ticket_id, name, value FROM ticket_field WHERE ticket_id IN "
                       f"({marks}) ORDER BY name", *chunk):
            out[ticket_id][name] = value
    return out


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


def matching(query: pw.ModelSelect, ticket_id_field, filters: list[tuple[str, str]]):
    """Narrow a ticket query to tickets whose fields have all these values."""
    for name, value in filters:
        query = query.where(ticket_id_field.in_(
            TicketField.select(TicketField.ticket).where(
                (TicketField.name == name) & (TicketField.value == value))))
    return query
