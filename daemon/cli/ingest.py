"""`ticketd ingest`: an MTA pipe. Store the mail in the spool and exit; the daemon does the rest.

It opens the spool store and nothing else (no ticket store, no templates,
no parsing), so one process per mail stays cheap. Exit 0 once stored, 75
(EX_TEMPFAIL) when it could not be, so the MTA keeps the mail and retries.
"""

from __future__ import annotations

import sys

from daemon.config import Config


def run(args, path: str, config: Config) -> int:
    if not config.spool_url.startswith("postgres"):
        # a SQLite spool with a PostgreSQL ticket store: no driver for the spool either
        sys.modules.setdefault("psycopg2", None)
    import peewee as pw

    from daemon.intake import pipe
    from daemon.store.db import SchemaError, open_spool

    try:
        inputs = pipe.read_inputs(args.files)
    except OSError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return pipe.EX_NOINPUT
    try:
        db = open_spool(config.spool_url, config.daemon.lock_timeout_seconds)
    except (pw.DatabaseError, SchemaError) as exc:  # the MTA keeps the mail and retries
        print(f"ticketd: cannot store mail now: {exc}", file=sys.stderr)
        return pipe.EX_TEMPFAIL
    try:
        return pipe.spool_inputs(db, inputs, args.queue, args.sender, tuple(args.recipient))
    finally:
        db.close()
