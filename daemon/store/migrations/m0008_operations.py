"""Schema 8: what running ticketd for real needs: acknowledgements, the relay's health, and
each mail's decision in the mail log.

`spool.acknowledged_at` / `outbox.acknowledged_at`: quarantined mail and failed
notices an admin has seen (`ticketd quarantine ack`, `ticketd outbox ack`), so
`ticketd status` stops naming them. `spool.decision`: what the worker decided
and why (the `explain` reasons), for `ticketd mail show`; `spool.processing_ms`
for the metrics' histogram. `relayhealth` (ticket store): the outbound relay's
consecutive failures and last error, which the sender writes and `ticketd
status` reads. Idempotent: it checks each column, so it may run on a store that
already has them.
"""

from __future__ import annotations

import peewee as pw

VERSION = 8
SUMMARY = ("acknowledged quarantine and failed notices; the relay's health; each mail's "
           "decision in the mail log")


def frozen(db: pw.Database):
    class RelayHealth(pw.Model):
        relay = pw.TextField(primary_key=True)
        failures = pw.IntegerField(default=0)
        failing_since = pw.DateTimeField(null=True)
        last_error = pw.TextField(null=True)
        last_success_at = pw.DateTimeField(null=True)
        checked_at = pw.DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "relayhealth"

    return RelayHealth


def up(step) -> None:
    for db, adds in ((step.spool, [("spool", "acknowledged_at", pw.DateTimeField(null=True)),
                                   ("spool", "decision", pw.TextField(null=True)),
                                   ("spool", "processing_ms", pw.FloatField(null=True))]),
                     (step.tickets, [("outbox", "acknowledged_at",
                                      pw.DateTimeField(null=True))])):
        m = step.migrator(db)
        with m.migration_context():
            m.migrate(*[m.add_column(t, c, f) for t, c, f in adds
                        if c not in step.columns(db, t)])
    with step.tickets.atomic():
        step.tickets.create_tables([frozen(step.tickets)], safe=True)
