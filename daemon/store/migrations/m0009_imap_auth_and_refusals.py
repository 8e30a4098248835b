"""Schema 9: IMAP messages the server refuses to deliver, and a mailbox's OAuth2 problem.

`imapstate.refused_fetches` keeps, beside the cursor, the UIDs whose FETCH the
server refused and how often, so a message skipped after three refusals stays
skipped (and is never flagged, moved or deleted) after a restart.
`mailboxhealth.auth_problem` says why a mailbox needs the admin (a revoked
OAuth2 grant), for `ticketd status`.
"""

from __future__ import annotations

import peewee as pw

VERSION = 9
SUMMARY = ("IMAP: UIDs the server refuses to FETCH kept with the cursor; a mailbox's OAuth2 "
           "problem (revoked grant) for `ticketd status`")


def up(step) -> None:
    db = step.spool
    m = step.migrator(db)
    adds = [("imapstate", "refused_fetches", pw.TextField(default="{}")),
            ("mailboxhealth", "auth_problem", pw.TextField(null=True)),
            ("mailboxhealth", "auth_problem_since", pw.DateTimeField(null=True))]
    with m.migration_context():
        m.migrate(*[m.add_column(t, c, f) for t, c, f in adds if c not in step.columns(db, t)])
