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
from datetime import timedelta

import peewee as pw

from daemon.store.db import is_postgres, write_transaction
from daemon.store.models import Spool, utcnow
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
        return put_in_transaction(db, raw, env)


def put_in_transaction(db: pw.Database, raw: bytes, env: Envelope) -> Spooled:
    mailbox, key = mailbox_of(env), dedupe_key(raw)
    existing = Spool.get_or_none((Spool.mailbox == mailbox) & (Spool.dedupe_key == key))
    if existing is None:
        try:
            with db.atomic():  # a savepoint: another process may insert the same key now
                row = Spool.create(
                    source=env.source, mailbox=mailbox, dedupe_key=key,
                    mail_from=env.mail_from, rcpt_to=list(env.rcpt_to),
                    queue_hint=env.queue_hint, raw=raw, size=len(raw))
            return Spooled(row.id, False)
        except pw.IntegrityError:
            existing = Spool.get((Spool.mailbox == mailbox) & (Spool.dedupe_key == key))
    log.info("duplicate delivery of spool #%s (%s) ignored", existing.id, key)
    return Spooled(existing.id, True)


def put_many(db: pw.Database, items: list[tuple[bytes, Envelope]]) -> list[Spooled]:
    """Group commit: several messages, one durable commit."""
    with write_transaction(db):
        return [put_in_transaction(db, raw, env) for raw, env in items]


def claim_ids(db: pw.Database, limit: int, lease_seconds: int) -> list[int]:
    """Take a lease on up to `limit` new rows and count the attempt (committed).

    The count survives a crash, so a message that kills the worker is
    quarantined after MAX_ATTEMPTS; the lease keeps other workers from
    counting the same rows while this one works on them.
    """
    now = utcnow()
    with write_transaction(db):
        q = (Spool.select(Spool.id, Spool.attempts)
             .where((Spool.state == "new") &
                    (Spool.claimed_until.is_null() | (Spool.claimed_until < now)))
             .order_by(Spool.id).limit(limit))
        if is_postgres(db):
            q = q.for_update("FOR UPDATE SKIP LOCKED")
        rows = list(q)
        # A row claimed before and still new was in a batch that died (kill -9, OOM): take
        # such rows one at a time, so the count blames only the culprit, not a whole batch.
        suspects = [r.id for r in rows if r.attempts > 0]
        ids = suspects[:1] or [r.id for r in rows]
        if ids:
            Spool.update(attempts=Spool.attempts + 1,
                         claimed_until=now + timedelta(seconds=lease_seconds)).where(
                Spool.id.in_(ids)).execute()
    return ids


def unclaim(ids: list[int]) -> None:
    """Inside the processing transaction: rows claimed but not reached go back, their
    attempt uncounted (the batch stopped early, nothing went wrong with them)."""
    Spool.update(claimed_until=None, attempts=Spool.attempts - 1).where(
        Spool.id.in_(ids) & (Spool.state == "new")).execute()


def lock_rows(db: pw.Database, ids: list[int]) -> list[Spool]:
    """Inside the processing transaction: the rows of `ids` still new, locked."""
    q = Spool.select().where(Spool.id.in_(ids) & (Spool.state == "new")).order_by(Spool.id)
    if is_postgres(db):
        q = q.for_update("FOR UPDATE SKIP LOCKED")
    return list(q)


def release_claims(db: pw.Database) -> None:
    """At start-up on SQLite (one host): leases of a killed process need not run out."""
    with write_transaction(db):
        Spool.update(claimed_until=None).where(Spool.state == "new").execute()


def mark_done(spool_id: int, outcome: str, ticket_id: int | None) -> None:
    Spool.update(state="done", outcome=outcome, ticket_id=ticket_id, reason=None,
                 claimed_until=None).where(
        Spool.id == spool_id).execute()


def quarantine(db: pw.Database, spool_id: int, reason: str) -> None:
    with db.atomic():
        Spool.update(state="quarantined", reason=reason[:20000], claimed_until=None).where(
            Spool.id == spool_id).execute()
    log.warning("spool #%s quarantined: %s", spool_id, reason.splitlines()[0][:300])


def retry(db: pw.Database, spool_id: int) -> bool:
    with db.atomic():
        n = Spool.update(state="new", attempts=0, reason=None, claimed_until=None).where(
            (Spool.id == spool_id) & (Spool.state == "quarantined")).execute()
    return n == 1


def drop(db: pw.Database, spool_id: int) -> bool:
    with db.atomic():
        n = Spool.delete().where((Spool.id == spool_id) & (Spool.state == "quarantined")).execute()
    return n == 1

