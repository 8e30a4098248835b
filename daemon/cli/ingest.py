"""`ticketd ingest`: an MTA pipe. Store the mail in the spool and exit; the daemon does the rest.

The everyday case (a SQLite spool, mail not seen before) goes through
intake/pipe_fast.py before the config is even loaded: tomllib and sqlite3, no
schema, no peewee. Anything else comes to `run`, which opens the spool store
and nothing else (no ticket store, no templates, no parsing). Exit 0 once
stored, 75 (EX_TEMPFAIL) when it could not be, so the MTA keeps the mail and
retries.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daemon.config import Config

EX_NOINPUT = 66


def quickly(args, path: str) -> int | None:
    """Read the mail, and store it the quick way if it can be (None: it could not)."""
    from daemon.intake.pipe_fast import ingest_quickly, read_inputs

    try:
        args.inputs = read_inputs(args.files)
    except OSError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EX_NOINPUT
    return ingest_quickly(args, path, args.inputs)


def run(args, path: str, config: Config) -> int:
    if not config.spool_url.startswith("postgres"):
        # a SQLite spool with a PostgreSQL ticket store: no driver for the spool either
        sys.modules.setdefault("psycopg2", None)
    import peewee as pw

    from daemon.intake import pipe
    from daemon.store.db import SchemaError, open_spool

    try:
        db = open_spool(config.spool_url, config.daemon.lock_timeout_seconds)
    except (pw.DatabaseError, SchemaError) as exc:  # the MTA keeps the mail and retries
        print(f"ticketd: cannot store mail now: {exc}", file=sys.stderr)
        return pipe.EX_TEMPFAIL
    try:
        return pipe.spool_inputs(db, args.inputs, args.queue, args.sender,
                                 tuple(args.recipient))
    finally:
        db.close()
