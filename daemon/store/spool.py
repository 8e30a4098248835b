"""The inbound spool: raw bytes are committed here before any transport says yes.

States: new -> done | quarantined. Workers take rows with a lease (`claim`)
that counts an attempt, so a message that kills its worker again and again is
quarantined instead of looping. Duplicate deliveries (the
same bytes below the MTAs' trace fields, in the same mailbox) are recognised on the
way in and stored once; the mail log keeps a line for each repeat.
The ticket store records which spool rows it applied (models.Applied), so a
row whose `finish` was lost in a crash is finished, not processed, next time.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from daemon.states import SpoolState
from daemon.store import rows
from daemon.store.db import is_postgres, write_transaction
from daemon.store.intake_rows import (  # noqa: F401 (Envelope, IMPORTED: used from here)
    IMPORTED,
    INSERT_SQL,
    Envelope,
    insert_values,
    mailbox_of,
)
from daemon.store.models import Spool, utcnow

log = logging.getLogger("ticketd.spool")

MAX_ATTEMPTS = 3
MAX_BATCH_BYTES = 32 * 1024 * 1024  # a claim stops adding rows past this much raw mail


@dataclass(frozen=True)
class Spooled:
    id: int
    duplicate: bool


@dataclass(frozen=True)
class Claimed:
    """A spooled mail a worker holds the lease on."""

    id: int
    raw: bytes
    envelope: Envelope
    received_at: datetime
    attempts: int


@dataclass(frozen=True)
class Finished:
    """What became of a claimed mail, written back in one batch."""

    id: int
    outcome: str  # Outcome
    summary: str = ""  # the one line logs and the mail log show
    ticket_id: int | None = None
    subject: str | None = None
    quarantined: bool = False
    decision: dict | None = None  # the `explain` of it, for `ticketd mail show`
    ms: float | None = None  # how long it took to handle


def owner_name(role: str = "", pid: int | None = None) -> str:
    """Who holds a lease: host and process, so a supervisor can free a dead child's."""
    return f"{socket.gethostname()}:{pid or os.getpid()}" + (f":{role}" if role else "")


def dead_owners(owners: list[str]) -> list[str]:
    """The lease holders of this host whose process is gone (a kill -9, a crash): their
    leases can end now. Other hosts' leases run out by themselves."""
    host, out = socket.gethostname(), []
    for owner in owners:
        parts = (owner or "").split(":")
        if len(parts) < 2 or parts[0] != host or not parts[1].isdigit():
            continue
        if not running(int(parts[1])):
            out.append(owner)
    return out


def running(pid: int) -> bool:
    """Is the process there and not a zombie (killed, waiting to be reaped)?"""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def release_dead_claims(db: pw.Database) -> int:
    """At start-up: free the leases of this host's processes that no longer run."""
    owners = [r[0] for r in rows.fetch_all(
        db, "SELECT DISTINCT claimed_by FROM spool WHERE state = 'new' AND claimed_by "
            "IS NOT NULL")]
    return sum(release_claims(db, owner) for owner in dead_owners(owners))


# --- intake --------------------------------------------------------------------------

def put(db: pw.Database, raw: bytes, env: Envelope) -> Spooled:
    """Store one message durably (own transaction); a duplicate returns the first copy."""
    with write_transaction(db):
        return put_in_transaction(db, raw, env)


def put_many(db: pw.Database, items: list[tuple[bytes, Envelope]]) -> list[Spooled]:
    """Group commit: several messages, one durable commit."""
    with write_transaction(db):
        return [put_in_transaction(db, raw, env) for raw, env in items]


def put_in_transaction(db: pw.Database, raw: bytes, env: Envelope) -> Spooled:
    values = insert_values(raw, env)
    row = rows.fetch_one(db, INSERT_SQL, Spool.received_at.db_value(utcnow()), *values)
    if row is not None:
        return Spooled(row[0], False)
    mailbox, key, mid = values[1], values[2], values[-1]
    existing = rows.fetch_one(db, "SELECT id FROM spool WHERE mailbox = ? AND dedupe_key = ?",
                              mailbox, key)
    log.info("duplicate delivery of spool #%s from %s ignored (Message-ID %s)", existing[0],
             env.source, mid, extra={"fields": {"event": "mail", "source": env.source,
                                                "spool_id": existing[0],
                                                "outcome": "duplicate", "ms": 0}})
    if not env.imported:  # a resumed import is not a second delivery
        _log_duplicate(db, existing[0], len(raw), mid, env)
    return Spooled(existing[0], True)


def _log_duplicate(db: pw.Database, first: int, size: int, mid: str | None,
                   env: Envelope) -> None:
    """A line in the mail log for the second delivery (no bytes: they are the first's)."""
    now = utcnow()
    Spool.insert(received_at=now, processed_at=now, source=env.source, mailbox=mailbox_of(env),
                 dedupe_key=f"dup:{first}:{uuid.uuid4().hex}", mail_from=env.mail_from,
                 rcpt_to=list(env.rcpt_to), queue_hint=env.queue_hint, raw=None, size=size,
                 message_id=mid, state=SpoolState.DONE, outcome="duplicate",
                 reason=f"duplicate delivery of mail #{first}: stored once").execute()


# --- the worker's side ---------------------------------------------------------------

CLAIM_SQL = ("SELECT id, attempts, size FROM spool WHERE state = ? "
             "AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id LIMIT ?")


def claim(db: pw.Database, owner: str, limit: int, lease_seconds: int) -> list[Claimed]:
    """Take a lease on up to `limit` new rows and count the attempt (committed), then read
    their bytes outside the transaction.

    The count survives a crash, so a message that kills its worker is quarantined after
    MAX_ATTEMPTS; the lease keeps other workers off the rows meanwhile.
    """
    now = utcnow()
    with write_transaction(db):
        locking = " FOR UPDATE SKIP LOCKED" if is_postgres(db) else ""
        found = rows.fetch_all(db, CLAIM_SQL + locking, Spool.state.db_value(SpoolState.NEW),
                               Spool.claimed_until.db_value(now), limit)
        # A row claimed before and still new was in a batch that died (kill -9, OOM): take
        # such rows one at a time, so the count blames only the culprit, not a whole batch.
        suspects = [r[0] for r in found if r[1] > 0]
        ids = suspects[:1] or _within_bytes(found)
        if ids:
            until = Spool.claimed_until.db_value(now + timedelta(seconds=lease_seconds))
            rows.execute(db, "UPDATE spool SET attempts = attempts + 1, claimed_by = ?, "
                             f"claimed_until = ? WHERE id IN ({', '.join('?' * len(ids))})",
                         owner, until, *ids)
    return _read(ids) if ids else []


def _read(ids: list[int]) -> list[Claimed]:
    q = (Spool.select(Spool.id, Spool.raw, Spool.source, Spool.mail_from, Spool.rcpt_to,
                      Spool.queue_hint, Spool.received_at, Spool.attempts, Spool.mailbox)
         .where(Spool.id.in_(ids)).order_by(Spool.id))
    return [Claimed(r.id, bytes(r.raw or b""),
                    Envelope(r.source, r.mail_from or "", tuple(r.rcpt_to or ()), r.mailbox,
                             r.queue_hint), r.received_at, r.attempts) for r in q]


def put_leased(db: pw.Database, items: list[tuple[bytes, Envelope]], owner: str,
               lease_seconds: int) -> tuple[list[Spooled], list[Claimed]]:
    """Spool messages and lease the ones still to process to `owner`, in one commit: the
    importer processes its mail itself, in order, and no worker takes it meanwhile. A copy
    stored before (a resumed import) that is still new is leased too, unless a live
    process holds it."""
    now = utcnow()
    with write_transaction(db):
        stored = [put_in_transaction(db, raw, env) for raw, env in items]
        ids = [s.id for s in stored]
        Spool.update(attempts=Spool.attempts + 1, claimed_by=owner,
                     claimed_until=now + timedelta(seconds=lease_seconds)).where(
            Spool.id.in_(ids) & (Spool.state == SpoolState.NEW) &
            (Spool.claimed_by.is_null() | (Spool.claimed_by == owner) |
             (Spool.claimed_until < now))).execute()
        leased = [r[0] for r in Spool.select(Spool.id).where(
            Spool.id.in_(ids) & (Spool.claimed_by == owner) &
            (Spool.state == SpoolState.NEW)).tuples()]
    return stored, _read(leased) if leased else []


def claim_one(db: pw.Database, owner: str, spool_id: int, lease_seconds: int) -> Claimed | None:
    """A lease on one given row (`quarantine retry`), unless a worker holds it already."""
    now = utcnow()
    with write_transaction(db):
        n = Spool.update(attempts=Spool.attempts + 1, claimed_by=owner,
                         claimed_until=now + timedelta(seconds=lease_seconds)).where(
            (Spool.id == spool_id) & (Spool.state == SpoolState.NEW) &
            (Spool.claimed_until.is_null() | (Spool.claimed_until < now))).execute()
    return next(iter(_read([spool_id])), None) if n else None


def _within_bytes(rows: list[tuple]) -> list[int]:
    ids, total = [], 0
    for spool_id, _, size in rows:
        if ids and total + (size or 0) > MAX_BATCH_BYTES:
            break
        ids.append(spool_id)
        total += size or 0
    return ids


def finish(db: pw.Database, results: list[Finished]) -> None:
    """Record each mail's outcome and end its lease, in one transaction."""
    if not results:
        return
    now = Spool.processed_at.db_value(utcnow())
    with write_transaction(db):
        rows.execute_many(db, FINISH_SQL, [
            (SpoolState.QUARANTINED if r.quarantined else SpoolState.DONE, r.outcome,
             r.summary[:20000] or None, r.ticket_id, (r.subject or "")[:2000] or None,
             Spool.decision.db_value(r.decision) if r.decision is not None else None, r.ms,
             now, r.id)
            for r in results])


FINISH_SQL = ("UPDATE spool SET state = ?, outcome = ?, reason = ?, ticket_id = ?, subject = ?, "
              "decision = ?, processing_ms = ?, acknowledged_at = NULL, processed_at = ?, "
              "claimed_until = NULL, claimed_by = NULL WHERE id = ?")


def release(db: pw.Database, ids: list[int], delay_seconds: float = 0) -> None:
    """Give rows back uncounted (nothing went wrong with them: the database was busy, or
    they wait for a mail they answer); with a delay, no worker takes them before it."""
    if not ids:
        return
    until = utcnow() + timedelta(seconds=delay_seconds) if delay_seconds else None
    with write_transaction(db):
        Spool.update(claimed_until=until, claimed_by=None,
                     attempts=pw.Case(None, [(Spool.attempts > 0, Spool.attempts - 1)], 0)
                     ).where(Spool.id.in_(ids) & (Spool.state == SpoolState.NEW)).execute()


def release_claims(db: pw.Database, owner: str | None = None) -> int:
    """Leases of a process that died (or, with no owner, of every process: at start-up on
    SQLite, one host) end now instead of when they run out. The attempt stays counted."""
    cond = Spool.state == SpoolState.NEW
    cond &= Spool.claimed_by == owner if owner else Spool.claimed_until.is_null(False)
    with write_transaction(db):
        return Spool.update(claimed_until=None, claimed_by=None).where(cond).execute()


def waiting_for(db: pw.Database, message_ids: tuple[str, ...], besides: int) -> bool:
    """Is a mail with one of these Message-IDs still waiting to be processed? Then a reply
    to it waits too, instead of racing it into a ticket of its own."""
    if not message_ids:
        return False
    q = Spool.select(Spool.id).where(Spool.message_id.in_(list(message_ids)[:200]) &
                                     (Spool.state == SpoolState.NEW) & (Spool.id != besides))
    return q.exists()


def has_new(db: pw.Database) -> bool:
    now = utcnow()
    return (Spool.select(Spool.id).where(
        (Spool.state == SpoolState.NEW) &
        (Spool.claimed_until.is_null() | (Spool.claimed_until < now))).exists())


# --- the admin's side ----------------------------------------------------------------

def quarantine(db: pw.Database, spool_id: int, reason: str) -> None:
    finish(db, [Finished(spool_id, "quarantined", reason, quarantined=True)])
    log.warning("spool #%s quarantined: %s", spool_id, reason.splitlines()[0][:300])


def retry(db: pw.Database, spool_id: int) -> bool:
    with write_transaction(db):
        n = Spool.update(state=SpoolState.NEW, attempts=0, reason=None, outcome=None,
                         claimed_until=None, claimed_by=None).where(
            (Spool.id == spool_id) & (Spool.state == SpoolState.QUARANTINED)).execute()
    return n == 1


def acknowledge(db: pw.Database, spool_id: int | None) -> int:
    """`ticketd quarantine ack [ID]`: quarantined mail the admin has seen stops alarming
    status (it stays, for a retry, until [retention] quarantine_days)."""
    cond = (Spool.state == SpoolState.QUARANTINED) & Spool.acknowledged_at.is_null()
    if spool_id is not None:
        cond &= Spool.id == spool_id
    with write_transaction(db):
        return Spool.update(acknowledged_at=utcnow()).where(cond).execute()


def drop(db: pw.Database, spool_id: int) -> bool:
    with write_transaction(db):
        n = Spool.delete().where((Spool.id == spool_id) &
                                 (Spool.state == SpoolState.QUARANTINED)).execute()
    return n == 1
