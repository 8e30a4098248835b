"""Schema 11: an index for the per-ticket staff-notice limit (ticket, kind, since).

Without it PostgreSQL met `ticket_id = ? AND created_at >= ?` by ANDing the
ticket's index with a scan of every notice of the last hour: fine when idle,
but the cost of each new ticket grew with the hour's traffic.
"""

from __future__ import annotations

VERSION = 11
SUMMARY = "index on outbox (ticket_id, kind, created_at) for the staff-notice limit"
COLUMNS = ("ticket_id", "kind", "created_at")


def up(step) -> None:
    db = step.tickets
    m = step.migrator(db)
    with m.migration_context():
        if f"outbox_{'_'.join(COLUMNS)}" not in {i.name for i in db.get_indexes("outbox")}:
            m.migrate(m.add_index("outbox", COLUMNS))
