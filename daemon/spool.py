"""The inbound spool: raw bytes are committed here before any transport says yes.

States: new -> done | quarantined. `attempts` counts claims, so a message
that kills the worker again and again is quarantined instead of looping.
Duplicates (same Message-ID, or same bytes, in the same mailbox) are
recognised on the way in and stored once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import peewee as pw

from daemon.db import is_postgres, write_transaction
from daemon.models import Spool
from parsers.references import raw_message_id

log = logging.getLogger("ticketd.spool")

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Envelope:
    source: str  # smtp | pipe | imap:<name>
    mail_from: str = ""
    rcpt_to: tuple[str, ...] = ()
    mailbox: str = ""  # dedupe scope; default: the recipients
    queue_hint: str | None = None


@dataclass(frozen=True)
class Spooled:
    id: int
    duplicate: bool


def dedupe_key(raw: bytes) -> str:
    mid = raw_message_id(raw)
    return f"mid:{mid}"[:255] if mid else "sha:" + hashlib.sha256(raw).hexdigest()


def mailbox_of(env: Envelope) -> str:
    if env.mailbox:
        return env.mailbox
    return (env.source.split(":")[0] + ":" + ",".join(sorted(a.lower() for a in env.rcpt_to)))[:255]


def put(db: pw.Database, raw: bytes, env: Envelope) -> Spooled:
    """Store one message durably (own transaction); a duplicate returns the first copy."""
    with write_transaction(db):
        return put_in_transaction(raw, env)


def put_in_transaction(raw: bytes, env: Envelope) -> Spooled:
    mailbox, key = mailbox_of(env), dedupe_key(raw)
    existing = Spool.get_or_none((Spool.mailbox == mailbox) & (Spool.dedupe_key == key))
    if existing is not None:
        log.info("duplicate delivery of spool #%s (%s) ignored", existing.id, key)
        return Spooled(existing.id, True)
    row = Spool.create(
        source=env.source, mailbox=mailbox, dedupe_key=key, mail_from=env.mail_from,
        rcpt_to=list(env.rcpt_to), queue_hint=env.queue_hint, raw=raw, size=len(raw),
    )
    return Spooled(row.id, False)


def put_many(db: pw.Database, items: list[tuple[bytes, Envelope]]) -> list[Spooled]:
    """Group commit: several messages, one durable commit."""
    with write_transaction(db):
        return [put_in_transaction(raw, env) for raw, env in items]


def pending_ids(limit: int) -> list[int]:
    q = Spool.select(Spool.id).where(Spool.state == "new").order_by(Spool.id).limit(limit)
    return [r.id for r in q]


def claim(db: pw.Database, ids: list[int]) -> list[Spool]:
    """Inside a write transaction: the rows of `ids` still new, locked for this worker."""
    q = Spool.select().where(Spool.id.in_(ids) & (Spool.state == "new")).order_by(Spool.id)
    if is_postgres(db):
        q = q.for_update("FOR UPDATE SKIP LOCKED")
    return list(q)


def count_attempt(db: pw.Database, ids: list[int]) -> None:
    """Commit the claim count before work starts, so a crash is remembered."""
    with write_transaction(db):
        Spool.update(attempts=Spool.attempts + 1).where(Spool.id.in_(ids)).execute()


def mark_done(spool_id: int, outcome: str, ticket_id: int | None) -> None:
    Spool.update(state="done", outcome=outcome, ticket_id=ticket_id, reason=None).where(
        Spool.id == spool_id).execute()


def quarantine(db: pw.Database, spool_id: int, reason: str) -> None:
    with db.atomic():
        Spool.update(state="quarantined", reason=reason[:20000]).where(
            Spool.id == spool_id).execute()
    log.warning("spool #%s quarantined: %s", spool_id, reason.splitlines()[0][:300])


def retry(db: pw.Database, spool_id: int) -> bool:
    with db.atomic():
        n = Spool.update(state="new", attempts=0, reason=None).where(
            (Spool.id == spool_id) & (Spool.state == "quarantined")).execute()
    return n == 1


def drop(db: pw.Database, spool_id: int) -> bool:
    with db.atomic():
        n = Spool.delete().where((Spool.id == spool_id) & (Spool.state == "quarantined")).execute()
    return n == 1

