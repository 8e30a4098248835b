"""Send what the workers queued: claim, render and compose, send, record; retry with backoff.

A row is claimed with a lease (committed) before it is sent, renewed through
a long batch, so two senders never send it at once (only one send outlasting
a whole lease could); if the process dies mid-send the lease runs out (or the
supervisor frees it) and the row is sent again with the same Message-ID and
Date, which receivers deduplicate. Rendering happens here, outside any
transaction; the rendered text is kept on the ticket's outbound message the
first time, and later tries send that text. A permanent refusal (5xx) or a
template that cannot render fails the row at once and is recorded on its ticket.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from daemon.config import Config
from daemon.notices.compose import OutgoingMail, build
from daemon.notices.notify import sender_from_config
from daemon.notices.relayhealth import record_relay
from daemon.notices.render import Renderer, TemplateError
from daemon.notices.senders import DirectorySender, PermanentFailure, RelaySender
from daemon.states import OutboxStatus
from daemon.store import repository, rows
from daemon.store.db import is_postgres, write_transaction
from daemon.store.models import Blob, Message, Outbox, Ticket, utcnow

log = logging.getLogger("ticketd.outbox")

BATCH = 50
RENEW_AFTER = 0.25  # of the lease: a sender renews it for the rest of its batch then
# Once sent, the intent has done its work: the text stays once, on the ticket's message.
SENT_SQL = ("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
            "claimed_until = NULL, claimed_by = NULL, last_error = NULL, intent = NULL, "
            "raw = NULL, subject = COALESCE(?, subject) WHERE id = ?")
RENDERED_SQL = "UPDATE message SET subject = ?, text = ? WHERE message_id = ?"
# PostgreSQL: both in one statement, which commits by itself (no BEGIN, no COMMIT)
SENT_AND_RENDERED_SQL = (f"WITH sent AS ({SENT_SQL} RETURNING message_id) UPDATE message "
                         "SET subject = ?, text = ? WHERE message_id IN (SELECT message_id "
                         "FROM sent)")


def backoff_seconds(attempts: int, initial: int, maximum: int) -> int:
    """30 s, 60 s, 120 s ... capped at `maximum`."""
    return min(maximum, initial * 2 ** max(0, attempts - 1))


@dataclass
class Tried:
    row: Outbox
    status: str  # OutboxStatus, or "retry"
    error: str | None = None
    rendered: tuple[str, str] | None = None  # (subject, body) rendered on this try


class OutboxSender:
    def __init__(self, config: Config, db: pw.Database, renderer: Renderer, owner: str):
        self.config, self.db, self.renderer, self.owner = config, db, renderer, owner
        self.o = config.outbound
        self.from_addr = sender_from_config(config).address
        self.transport = self._transport()
        self.failing: str | None = None  # the last error while nothing gets through

    def _transport(self):
        if self.o.directory:
            return DirectorySender(self.config.resolve(self.o.directory))
        host, _, port = self.o.smtp.rpartition(":")
        return RelaySender(host, int(port), self.o.timeout_seconds, self.from_addr)

    def step(self) -> int:
        """Send every due row (up to a batch); returns how many were tried."""
        rows = self.claim(BATCH)
        if not rows:
            self.transport.idle()
            return 0
        leased_at = time.monotonic()
        stored = stored_texts([r.message_id for r in rows if r.intent])
        expand_stored_messages([r.intent for r in rows
                                if r.intent and r.message_id not in stored])
        # Each send is recorded as soon as the relay took it, so a sender killed mid-batch
        # repeats at most the one notice in flight; failures, and the relay's health, wait
        # for the batch's end.
        unsent, tried, sent = [], 0, 0
        for i, row in enumerate(rows):
            if time.monotonic() - leased_at > self.o.claim_seconds * RENEW_AFTER:
                # a slow relay or a starved process: keep the lease well ahead of each send,
                # so no other sender takes a row while this one may still send it
                still = self.renew([r.id for r in rows[i:]])
                leased_at = time.monotonic()
                if row.id not in still:
                    continue  # not ours any more (the lease ran out and another took it)
            t = self.try_one(row, stored.get(row.message_id))
            tried += 1
            if t.status == OutboxStatus.SENT:
                self.record_sent(t)
                sent += 1
            else:
                unsent.append(t)
        self.record(unsent, sent_before=sent)
        return len(rows)

    def renew(self, ids: list[int]) -> set[int]:
        """A fresh lease on those of `ids` still ours and still to send; their ids."""
        until = Outbox.claimed_until.db_value(utcnow() + timedelta(seconds=self.o.claim_seconds))
        marks = ", ".join("?" * len(ids))
        with write_transaction(self.db):
            return {r[0] for r in rows.fetch_all(
                self.db, f"UPDATE outbox SET claimed_until = ? WHERE id IN ({marks}) AND "
                         "claimed_by = ? AND status = 'pending' RETURNING id",
                until, *ids, self.owner)}

    def claim(self, limit: int) -> list[Outbox]:
        now = utcnow()
        due = ((Outbox.status == OutboxStatus.PENDING) & (Outbox.next_attempt_at <= now) &
               (Outbox.claimed_until.is_null() | (Outbox.claimed_until < now)))
        lease = {"claimed_until": now + timedelta(seconds=self.o.claim_seconds),
                 "claimed_by": self.owner}
        if is_postgres(self.db):  # one statement: rows another sender holds are skipped
            pick = (Outbox.select(Outbox.id).where(due).order_by(Outbox.id).limit(limit)
                    .for_update("FOR UPDATE SKIP LOCKED"))
            return sorted(Outbox.update(**lease).where(Outbox.id.in_(pick))
                          .returning(Outbox).execute(), key=lambda r: r.id)
        with write_transaction(self.db):
            rows = list(Outbox.select().where(due).order_by(Outbox.id).limit(limit))
            if rows:
                Outbox.update(**lease).where(Outbox.id.in_([r.id for r in rows])).execute()
        return rows

    def try_one(self, row: Outbox, stored: tuple[str, str] | None) -> Tried:
        rendered = None
        try:
            if row.intent is None:  # queued by the first release, composed already
                raw = bytes(row.raw)
            else:
                text = stored or self.render(row)
                rendered = None if stored else text
                raw = build(self.mail_of(row, *text))
            self.transport.send(row.message_id, list(row.to_addrs), raw)
        except PermanentFailure as exc:
            return Tried(row, OutboxStatus.FAILED, str(exc), rendered)
        except TemplateError as exc:
            return Tried(row, OutboxStatus.FAILED, f"cannot render: {exc}", rendered)
        except Exception as exc:  # network, relay 4xx, disk: all worth a retry
            return Tried(row, "retry", f"{self.transport.where}: {type(exc).__name__}: {exc}",
                         rendered)
        return Tried(row, OutboxStatus.SENT, None, rendered)

    def render(self, row: Outbox) -> tuple[str, str]:
        out = self.renderer.render(row.intent["template"], row.intent["context"])
        return out.subject, out.body

    def mail_of(self, row: Outbox, subject: str, body: str) -> OutgoingMail:
        i = row.intent
        return OutgoingMail(
            from_name=i["from_name"], from_addr=self.from_addr, to=tuple(i["to"]),
            cc=tuple(i["cc"]), subject=subject, body=body, message_id=row.message_id,
            ticket_id=row.ticket_id, in_reply_to=i.get("in_reply_to"),
            references=tuple(i.get("references") or ()), auto_submitted=i.get("auto_submitted"),
            reply_to=i.get("reply_to"),
            attachments=attachment_data(i.get("attachments") or ()),
            date=datetime.fromisoformat(i["date"]))

    def record_sent(self, t: Tried) -> None:
        """A notice the relay took, recorded at once (on PostgreSQL in one statement)."""
        if not is_postgres(self.db):
            self.record([t], relay_health=False)
            return
        sent_at = Outbox.sent_at.db_value(utcnow())
        if t.rendered:
            rows.execute(self.db, SENT_AND_RENDERED_SQL, sent_at, t.rendered[0], t.row.id,
                         *t.rendered)
        else:
            rows.execute(self.db, SENT_SQL, sent_at, None, t.row.id)
        self._log(t)
        self.failing = None

    def record(self, tried: list[Tried], relay_health: bool = True,
               sent_before: int = 0) -> None:
        """Store what became of `tried`; with `relay_health`, also the relay's health for
        the batch (`sent_before` of it recorded already), once a batch, not once a mail."""
        now = utcnow()
        sent = [t for t in tried if t.status == OutboxStatus.SENT]
        with write_transaction(self.db):
            rows.execute_many(self.db, SENT_SQL, [
                (Outbox.sent_at.db_value(now), t.rendered[0] if t.rendered else None, t.row.id)
                for t in sent])
            rows.execute_many(self.db, RENDERED_SQL, [
                (t.rendered[0], t.rendered[1], t.row.message_id) for t in tried if t.rendered])
            for t in tried:
                if t.status != OutboxStatus.SENT:
                    self._record_failure(t, now)
            retries = [t for t in tried if t.status == "retry"]
            if relay_health:
                record_relay(self.transport.where, now, sent_before + len(sent), len(retries),
                             retries[-1].error if retries else None)
        for t in tried:
            self._log(t)
        if sent or sent_before or not tried:
            self.failing = None  # the relay took some: it is up, any others were refused
        elif retries:
            self.failing = retries[-1].error

    def _record_failure(self, t: Tried, now: datetime) -> None:
        row, values = t.row, {"attempts": t.row.attempts + 1, "claimed_until": None,
                              "claimed_by": None, "last_error": t.error}
        if t.rendered:
            values["subject"] = t.rendered[0]
        if t.status == "retry" and now - row.created_at > timedelta(
                hours=self.o.give_up_after_hours):
            t.status = OutboxStatus.FAILED
            t.error = values["last_error"] = f"gave up after {row.attempts + 1} attempts: " \
                                             f"{t.error}"
        if t.status == "retry":
            delay = backoff_seconds(row.attempts + 1, self.o.retry_initial_seconds,
                                    self.o.retry_max_seconds)
            values["next_attempt_at"] = now + timedelta(seconds=delay)
            t.error = f"{t.error}; retry in {delay}s"
        else:
            values["status"] = t.status
        Outbox.update(**values).where(Outbox.id == row.id).execute()
        if t.status == OutboxStatus.FAILED and row.ticket_id and Ticket.get_or_none(
                Ticket.id == row.ticket_id):
            repository.record(row.ticket_id, "ticketd", "delivery failed",
                              ", ".join(row.to_addrs), t.error)

    def _log(self, t: Tried) -> None:
        to = ", ".join(t.row.to_addrs)
        if t.status == OutboxStatus.SENT:
            log.info("outbox #%s (%s) sent to %s", t.row.id, t.row.kind, to)
        elif t.status == OutboxStatus.FAILED:
            log.error("outbox #%s to %s failed for good: %s", t.row.id, to, t.error)
        else:
            log.warning("outbox #%s to %s: %s", t.row.id, to, t.error)

    def close(self) -> None:
        self.transport.close()


def stored_texts(message_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Notices rendered on an earlier try: send that text again, not a new rendering."""
    if not message_ids:
        return {}
    q = (Message.select(Message.message_id, Message.subject, Message.text)
         .where(Message.message_id.in_(message_ids) & (Message.direction == "out") &
                (Message.text != "")))
    return {m.message_id: (m.subject, m.text) for m in q}


def expand_stored_messages(intents: list[dict]) -> None:
    """Fill in the subject and texts of the stored mails the intents name (one query).
    An automatic answer to a customer quotes a short excerpt only: a forged sender
    must not make us mail a stranger 25 MB of somebody else's text."""
    named = [(i["template"], i["context"]["message"]) for i in intents
             if isinstance(i["context"].get("message"), dict)
             and "stored" in i["context"]["message"]]
    if not named:
        return
    found = {m.id: m for m in Message.select(Message.id, Message.subject, Message.text,
                                             Message.visible_text)
             .where(Message.id.in_([n["stored"] for _, n in named]))}
    for template, n in named:
        m = found.get(n["stored"])
        text, visible = (m.text, m.visible_text or m.text) if m else ("", "")
        if template in EXCERPT_ONLY:
            text, visible = excerpt(text), excerpt(visible)
        n.update(subject=m.subject if m else "", text=text, visible_text=visible)


EXCERPT_ONLY = ("ack", "status_reopened", "fields_missing", "attachments_omitted")
EXCERPT_CHARS = 500


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    return (text[:limit].rsplit(None, 1) or [""])[0].rstrip() + " [...]\n"


def attachment_data(refs) -> tuple[tuple[str, str, bytes], ...]:
    """Files a relayed reply carries, read from the blob store by their sha256."""
    if not refs:
        return ()
    blobs = {b.sha256: bytes(b.data) for b in
             Blob.select().where(Blob.sha256.in_([r["sha256"] for r in refs]))}
    return tuple((r["filename"], r["content_type"], blobs[r["sha256"]])
                 for r in refs if r["sha256"] in blobs)


def retry_now(db: pw.Database, outbox_id: int | None) -> int:
    """`ticketd outbox retry [ID]`: make failed or waiting rows due now."""
    with write_transaction(db):
        q = Outbox.update(status=OutboxStatus.PENDING, next_attempt_at=utcnow(),
                          claimed_until=None, claimed_by=None, acknowledged_at=None)
        cond = Outbox.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED])
        if outbox_id is not None:
            cond &= Outbox.id == outbox_id
        return q.where(cond).execute()


def drop(db: pw.Database, outbox_id: int, actor: str) -> Outbox | None:
    """`ticketd outbox drop ID`: a notice failed or still waiting is not sent; its ticket
    keeps an event saying so. A sent one stays (it is history)."""
    with write_transaction(db):
        row = Outbox.get_or_none((Outbox.id == outbox_id) &
                                 (Outbox.status != OutboxStatus.SENT))
        if row is None:
            return None
        Outbox.delete().where(Outbox.id == outbox_id).execute()
        if row.ticket_id and Ticket.get_or_none(Ticket.id == row.ticket_id):
            repository.record(row.ticket_id, actor, "notice dropped", ", ".join(row.to_addrs),
                              row.last_error)
    return row


def acknowledge(db: pw.Database, outbox_id: int | None) -> int:
    """`ticketd outbox ack [ID]`: failed notices the admin has seen stop alarming status."""
    cond = (Outbox.status == OutboxStatus.FAILED) & Outbox.acknowledged_at.is_null()
    if outbox_id is not None:
        cond &= Outbox.id == outbox_id
    with write_transaction(db):
        return Outbox.update(acknowledged_at=utcnow()).where(cond).execute()


def release_claims(db: pw.Database, owner: str | None = None) -> int:
    """A mail in flight when its sender died goes out again now (same Message-ID)."""
    cond = Outbox.status == OutboxStatus.PENDING
    cond &= Outbox.claimed_by == owner if owner else Outbox.claimed_until.is_null(False)
    with write_transaction(db):
        return Outbox.update(claimed_until=None, claimed_by=None).where(cond).execute()


def release_dead_claims(db: pw.Database) -> int:
    """At start-up: free the leases of this host's sender processes that no longer run."""
    from daemon.store.spool import dead_owners

    owners = [r[0] for r in rows.fetch_all(
        db, "SELECT DISTINCT claimed_by FROM outbox WHERE status = 'pending' AND claimed_by "
            "IS NOT NULL")]
    return sum(release_claims(db, owner) for owner in dead_owners(owners))


def has_due(db: pw.Database) -> bool:
    now = utcnow()
    return (Outbox.select(Outbox.id).where(
        (Outbox.status == OutboxStatus.PENDING) & (Outbox.next_attempt_at <= now) &
        (Outbox.claimed_until.is_null() | (Outbox.claimed_until < now))).exists())
