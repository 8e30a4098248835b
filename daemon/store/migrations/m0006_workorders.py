"""Schema 6: work orders — form field values, circulation clocks, the first response time.

New tables `ticket_field` (one row per ticket and field, indexed by name and
value for `tickets list --field`) and `sla_clock` (due times and the next
moment the housekeeper looks, indexed); `ticket.first_response_at`. Tickets
made before keep no field values and get a clock at their next change.
"""

from __future__ import annotations

import peewee as pw

VERSION = 6
SUMMARY = "form field values, circulation (SLA) clocks, ticket.first_response_at"


def frozen(db: pw.Database):
    """The tables this step creates, as they are at schema 6."""

    class Base(pw.Model):
        class Meta:
            database = db

    class Ticket(Base):
        class Meta:
            table_name = "ticket"

    class TicketField(Base):
        ticket = pw.ForeignKeyField(Ticket, on_delete="CASCADE")
        name = pw.TextField()
        value = pw.TextField()
        source = pw.TextField(default="")
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "ticket_field"
            indexes = ((("ticket", "name"), True), (("name", "value", "ticket"), False))

    class SlaClock(Base):
        ticket = pw.ForeignKeyField(Ticket, primary_key=True, on_delete="CASCADE")
        rule = pw.TextField(null=True)
        started_at = pw.DateTimeField()
        paused_since = pw.DateTimeField(null=True)
        paused_seconds = pw.DoubleField(default=0.0)
        due_first_response = pw.DateTimeField(null=True)
        due_resolution = pw.DateTimeField(null=True)
        next_check_at = pw.DateTimeField(null=True, index=True)
        fired = pw.TextField(default="[]")

        class Meta:
            table_name = "sla_clock"

    return TicketField, SlaClock


def up(step) -> None:
    db = step.tickets
    m = step.migrator(db)
    with m.migration_context():
        if "first_response_at" not in step.columns(db, "ticket"):
            m.migrate(m.add_column("ticket", "first_response_at",
                                   pw.DateTimeField(null=True)))
        db.create_tables(frozen(db), safe=True)
