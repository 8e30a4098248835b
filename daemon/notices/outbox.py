"""Send what the pipeline queued: claim, send, record; retry with backoff.

A row is claimed with a lease (committed) before it is sent, so two workers
never send it at once; if the process dies mid-send the lease runs out and
the row is sent again with the same Message-ID, which receivers deduplicate.
A permanent refusal (5xx) fails the row at once and is recorded on its ticket.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from pathlib import Path

import peewee as pw

from daemon.config import Config
from daemon.store import repository
from daemon.store.db import is_postgres, write_transaction
from daemon.store.models import Outbox, Ticket, utcnow

log = logging.getLogger("ticketd.outbox")


class PermanentFailure(Exception):
    pass


def backoff_seconds(attempts: int, initial: int, maximum: int) -> int:
    """30 s, 60 s, 120 s ... capped at `maximum`."""
    return min(maximum, initial * 2 ** max(0, attempts - 1))


class OutboxWorker:
    def __init__(self, config: Config, db: pw.Database):
        self.config = config
        self.db = db
        self.o = config.outbound

    def run_once(self, limit: int = 50) -> int:
        """Send every due row (up to `limit`); returns how many were tried."""
        rows = self.claim(limit)
        if not rows:
            return 0
        sender = self._sender()
        try:
            for row in rows:
                self._send_one(sender, row)
        finally:
            sender.close()
        return len(rows)

    def claim(self, limit: int) -> list[Outbox]:
        now = utcnow()
        with write_transaction(self.db):
            q = (Outbox.select().where(
                (Outbox.status == "pending") & (Outbox.next_attempt_at <= now) &
                (Outbox.claimed_until.is_null() | (Outbox.claimed_until < now)))
                .order_by(Outbox.id).limit(limit))
            if is_postgres(self.db):
                q = q.for_update("FOR UPDATE SKIP LOCKED")
            rows = list(q)
            if rows:
                until = now + timedelta(seconds=self.o.claim_seconds)
                Outbox.update(claimed_until=until).where(
                    Outbox.id.in_([r.id for r in rows])).execute()
        return rows

    def _send_one(self, sender, row: Outbox) -> None:
        try:
            sender.send(row)
        except PermanentFailure as exc:
            self._finish(row, "failed", str(exc))
            log.error("outbox #%s to %s failed for good: %s", row.id, row.to_addrs, exc)
        except Exception as exc:  # network, relay 4xx, disk: all worth a retry
            self._retry(row, f"{type(exc).__name__}: {exc}")
        else:
            self._finish(row, "sent", None)
            log.info("outbox #%s sent to %s", row.id, ", ".join(row.to_addrs))

    def _finish(self, row: Outbox, status: str, error: str | None) -> None:
        with self.db.atomic():
            Outbox.update(status=status, attempts=Outbox.attempts + 1, last_error=error,
                          claimed_until=None, sent_at=utcnow() if status == "sent" else None
                          ).where(Outbox.id == row.id).execute()
            if status == "failed" and row.ticket_id and Ticket.get_or_none(
                    Ticket.id == row.ticket_id):
                repository.record(row.ticket_id, "ticketd", "delivery failed",
                                  ", ".join(row.to_addrs), error)

    def _retry(self, row: Outbox, error: str) -> None:
        attempts = row.attempts + 1
        age = utcnow() - row.created_at
        if age > timedelta(hours=self.o.give_up_after_hours):
            self._finish(row, "failed", f"gave up after {attempts} attempts: {error}")
            return
        delay = backoff_seconds(attempts, self.o.retry_initial_seconds, self.o.retry_max_seconds)
        with self.db.atomic():
            Outbox.update(attempts=attempts, last_error=error, claimed_until=None,
                          next_attempt_at=utcnow() + timedelta(seconds=delay)).where(
                Outbox.id == row.id).execute()
        log.warning("outbox #%s: %s; retry in %ss", row.id, error, delay)

    def _sender(self):
        if self.o.directory:
            return DirectorySender(self.config.resolve(self.o.directory))
        host, _, port = self.o.smtp.rpartition(":")
        return RelaySender(host, int(port), self.o.timeout_seconds, self.sender_address())

    def sender_address(self) -> str:
        from daemon.notices.notify import sender_from_config

        return sender_from_config(self.config).address


def retry_now(db: pw.Database, outbox_id: int | None) -> int:
    """`ticketd outbox retry [ID]`: make failed or waiting rows due now."""
    with db.atomic():
        q = Outbox.update(status="pending", next_attempt_at=utcnow(), claimed_until=None)
        cond = Outbox.status.in_(["pending", "failed"])
        if outbox_id is not None:
            cond &= Outbox.id == outbox_id
        return q.where(cond).execute()


def release_claims(db: pw.Database) -> None:
    """At start-up on one host: a mail that was in flight at a crash goes out again now."""
    with write_transaction(db):
        Outbox.update(claimed_until=None).where(Outbox.status == "pending").execute()


class DirectorySender:
    """Writes each mail as <Message-ID>.eml: for trials without a relay."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, row: Outbox) -> None:
        name = row.message_id.replace("/", "_").replace("@", "_at_") + ".eml"
        tmp = self.folder / (name + ".tmp")
        tmp.write_bytes(bytes(row.raw))
        tmp.replace(self.folder / name)

    def close(self) -> None:
        pass


class RelaySender:
    """One SMTP connection per batch; opened lazily, reopened after a failure."""

    def __init__(self, host: str, port: int, timeout: int, envelope_from: str):
        self.host, self.port, self.timeout = host, port, timeout
        self.envelope_from = envelope_from
        self.smtp: smtplib.SMTP | None = None

    def send(self, row: Outbox) -> None:
        try:
            if self.smtp is None:
                self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            refused = self.smtp.sendmail(self.envelope_from, list(row.to_addrs), bytes(row.raw))
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop_connection()
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(_describe(exc.recipients)) from exc
            raise
        except smtplib.SMTPResponseException as exc:
            self._drop_connection()
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise
        except (TimeoutError, OSError, smtplib.SMTPException):
            self._drop_connection()
            raise
        if refused:
            log.warning("outbox #%s: some recipients refused: %s", row.id, _describe(refused))

    def _drop_connection(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _describe(recipients: dict) -> str:
    def text(msg):
        return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)

    return "; ".join(f"{addr}: {code} {text(msg)}" for addr, (code, msg) in recipients.items())
