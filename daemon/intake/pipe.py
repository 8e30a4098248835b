"""`ticketd ingest`: the MTA pipe. Exit 0 once spooled, 75 to make the MTA retry."""

from __future__ import annotations

import logging

import peewee as pw

from daemon.store import spool
from daemon.store.spool import Envelope

log = logging.getLogger("ticketd.ingest")

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


def spool_inputs(db: pw.Database, inputs: list[tuple[str, bytes]], queue: str | None,
                 mail_from: str = "", rcpt_to: tuple[str, ...] = ()) -> int:
    """Store each input; the exit code is 75 if any could not be stored."""
    code = EX_OK
    for name, raw in inputs:
        if not raw.strip():
            log.error("%s: empty input, nothing stored", name)
            code = code or EX_DATAERR
            continue
        env = Envelope(source="pipe", mail_from=mail_from, rcpt_to=rcpt_to, queue_hint=queue)
        try:
            stored = spool.put(db, raw, env)
        except pw.DatabaseError as exc:
            log.error("%s: could not store the message (%s); the MTA should retry", name, exc)
            code = EX_TEMPFAIL
            continue
        log.info("%s: spooled as #%s%s", name, stored.id,
                 " (duplicate)" if stored.duplicate else "")
    return code
