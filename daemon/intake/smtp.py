"""The SMTP/LMTP listener: aiosmtpd hooks that spool and answer.

250 is sent only after the spool commit. Anything that goes wrong on our
side answers 451, so the sending MTA keeps the mail and retries; aiosmtpd's
own default for an escaping exception would be a permanent 500.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import peewee as pw
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from daemon.intake.sessions import SessionLimits, limited, quiet_logs
from daemon.store import spool
from daemon.store.spool import Envelope, Spooled

log = logging.getLogger("ticketd.smtp")

S250 = "250 2.0.0 OK: queued as #{}"
S451 = "451 4.3.0 Temporary failure, please try again later"
S550_RCPT = "550 5.1.1 No such mailbox here"


class SpoolWriter:
    """Group commit: puts that arrive together share one transaction and one fsync."""

    def __init__(self, db: pw.Database, on_stored=None):
        self.db = db
        self.on_stored = on_stored or (lambda: None)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spool")
        self.pending: list[tuple[bytes, Envelope, asyncio.Future]] = []
        self.flushing = False

    async def put(self, raw: bytes, env: Envelope) -> Spooled:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append((raw, env, future))
        if not self.flushing:
            self.flushing = True
            loop.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                items = [(raw, env) for raw, env, _ in batch]
                try:
                    results = await loop.run_in_executor(self.executor, self._put_many, items)
                except Exception as exc:
                    for *_, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (*_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
                self.on_stored()
        finally:
            self.flushing = False

    def _put_many(self, items):
        return spool.put_many(self.db, items)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class SpoolHandler:
    def __init__(self, writer: SpoolWriter, accept, protocol: str = "smtp"):
        self.writer = writer
        self.accept = accept  # address -> bool
        self.protocol = protocol
        self.in_flight = 0

    async def handle_RCPT(self, server, session: Session, envelope: SmtpEnvelope,
                          address: str, rcpt_options) -> str:
        if not self.accept(address):
            return S550_RCPT
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session: Session, envelope: SmtpEnvelope) -> str:
        raw = envelope.original_content or b""
        env = Envelope(source=self.protocol, mail_from=envelope.mail_from or "",
                       rcpt_to=tuple(envelope.rcpt_tos))
        self.in_flight += 1
        try:
            stored = await self.writer.put(raw, env)
        except Exception as exc:
            log.error("could not spool a message from %s: %s", session.peer, exc)
            return self._per_recipient(envelope, S451)
        finally:
            self.in_flight -= 1
        return self._per_recipient(envelope, S250.format(stored.id))

    def _per_recipient(self, envelope: SmtpEnvelope, status: str) -> str:
        """LMTP answers DATA once per recipient."""
        if self.protocol != "lmtp":
            return status
        return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))

    async def handle_exception(self, error: Exception) -> str:
        log.error("SMTP session error: %r", error)
        return S451


def make_acceptor(recipients: list[str]):
    """Accepted RCPT addresses: exact addresses or @domains; empty accepts all."""
    exact = {r.lower() for r in recipients if not r.startswith("@")}
    domains = tuple(r.lower() for r in recipients if r.startswith("@"))

    def accept(address: str) -> bool:
        a = address.lower()
        if not recipients:
            return True
        base = a.split("+")[0] + "@" + a.rpartition("@")[2] if "+" in a else a
        return a in exact or base in exact or a.endswith(domains)

    return accept


async def start_server(handler: SpoolHandler, host: str, port: int, hostname: str,
                       max_bytes: int, protocol: str, limits: SessionLimits | None = None,
                       idle_seconds: float = 60) -> asyncio.base_events.Server:
    loop = asyncio.get_running_loop()
    cls = limited(LMTP if protocol == "lmtp" else SMTP, limits or SessionLimits(100, 10))
    quiet_logs()

    def factory():
        return cls(handler, data_size_limit=max_bytes, hostname=hostname or None,
                   ident="ticketd", enable_SMTPUTF8=True, timeout=idle_seconds)

    return await loop.create_server(factory, host=host, port=port)
