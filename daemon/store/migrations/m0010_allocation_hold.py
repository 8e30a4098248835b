"""Schema 10: least_open picks held in a table of their own while the picking transaction
runs, so concurrent workers on PostgreSQL count each other's picks without waiting on a
lock held across a batch."""

from __future__ import annotations

from datetime import UTC, datetime

import peewee as pw

VERSION = 10
SUMMARY = "least_open picks held while their transaction runs (PostgreSQL workers)"


def up(step) -> None:
    db = step.tickets

    class AllocationHold(pw.Model):
        email = pw.TextField()
        created_at = pw.DateTimeField(default=lambda: datetime.now(UTC), index=True)

        class Meta:
            database = db
            table_name = "allocationhold"

    with step.migrator(db).migration_context():
        db.create_tables([AllocationHold], safe=True)
