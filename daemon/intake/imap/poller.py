"""IMAP pollers: one thread per `[[imap]]` mailbox, draining it into the spool exactly once.

Per batch: FETCH (BODY.PEEK, so nothing is marked read) -> spool and advance
the UID cursor in one commit -> wake the worker -> only then flag, move or
delete. Any failure closes the connection and retries with capped backoff;
a mailbox that fails never stops the others.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable

import peewee as pw
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from daemon.config import Config, ImapConfig
from daemon.intake.imap.auth import Credentials, SecretError, connect, login
from daemon.intake.imap.health import HealthRecord
from daemon.intake.imap.lock import try_lock, unlock
from daemon.intake.imap.oauth2 import TokenRefused, TokenUnavailable
from daemon.intake.imap.session import (
    ConnectionLost,
    FetchFailed,
    Session,
    describe_text,
    refused_fetch,
)
from daemon.intake.imap.state import (
    FETCH_TRIES,
    Cursor,
    StateMoved,
    mark_handled,
    open_cursor,
    record_refusal,
    refusals,
    store_batch,
)
from daemon.service.outage import Backoff, OutageLog
from daemon.store.spool import Envelope

log = logging.getLogger("ticketd.imap")

ClientFactory = Callable[[ImapConfig], IMAPClient]
AUTH_BACKOFF_CAP = 300.0  # wrong passwords: retry slowly, providers lock accounts out
MAX_BATCH_BYTES = 64 * 1024 * 1024  # a batch is also cut where its messages pass 64 MiB


class Poller:
    def __init__(self, config: Config, cfg: ImapConfig, db: pw.Database,
                 stopping: threading.Event, wake: Callable[[], None],
                 client_factory: ClientFactory = connect):
        self.config, self.cfg, self.db = config, cfg, db
        self.stopping, self.wake, self.client_factory = stopping, wake, client_factory
        self.key = f"imap:{cfg.name}"
        self.health = HealthRecord(db, self.key)
        self.envelope = Envelope(source=self.key, mailbox=self.key, queue_hint=cfg.queue or None)
        self.backoff = Backoff()
        self.outage = OutageLog(log, f"imap {cfg.name}")
        self.credentials = Credentials(cfg, config)
        self.refused: dict[int, int] = {}  # UID -> refused FETCHes (stored with the cursor)
        self.careful = False  # fetch one UID at a time until a drain succeeds
        self.standing_by = False  # another process holds this mailbox
        self.last_success: float | None = None  # time.time() of the last complete drain
        self.thread = threading.Thread(target=self.run, name=f"imap-{cfg.name}", daemon=True)

    def run(self) -> None:
        log.info("imap %s: polling %s@%s:%s folder %r (after: %s)", self.cfg.name,
                 self.cfg.username, self.cfg.host, self.cfg.port, self.cfg.folder, self.cfg.after)
        while not self.stopping.is_set():
            try:
                self.serve_once()
            except Exception as exc:
                what, cap = describe(exc, self.cfg)
                delay = self.backoff.next_delay(cap)
                self.outage.failed(what, delay)
                self.health.failed(what)
                log.debug("imap %s: failure detail", self.cfg.name, exc_info=True)
                self.wait_to_retry(delay)
            finally:
                self.health.auth(self.credentials.problem)

    def wait_to_retry(self, delay: float) -> None:
        """Back off; but a refresh token file the admin has just replaced (after a revoked
        grant) is tried at once, not after the login backoff."""
        stamp = self.credentials.file_stamp()
        deadline = time.monotonic() + delay
        while not self.stopping.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline or self.credentials.file_stamp() != stamp:
                return

    def serve_once(self) -> None:
        """Take the mailbox lock, then serve one connection."""
        if not try_lock(self.db, self.key):
            if not self.standing_by:
                log.info("imap %s: another ticketd process is draining this mailbox; standing "
                         "by and checking every %d s", self.cfg.name, self.cfg.poll_seconds)
            self.standing_by = True
            self.stopping.wait(self.cfg.poll_seconds)
            return
        if self.standing_by:
            log.info("imap %s: took over the mailbox", self.cfg.name)
            self.standing_by = False
        try:
            self.serve_connection()
        finally:
            unlock(self.db, self.key)

    def serve_connection(self) -> None:
        """One connection: log in, catch up, then drain and wait until it breaks or we stop."""
        session = Session(self.client_factory(self.cfg), self.cfg)
        try:
            login(session.client, self.cfg, self.credentials)
            self.health.auth(self.credentials.problem)
            session.select()
            skip_until = session.seen_up_to() if self.cfg.skip_seen_on_first_start else 0
            cursor = open_cursor(self.db, self.key, session.uidvalidity, skip_until,
                                 self.cfg.name)
            self.refused = refusals(self.db, self.key, cursor.uidvalidity)
            cursor = self.finish_after(session, cursor)
            while not self.stopping.is_set():
                cursor = self.drain(session, cursor)
                self.healthy()
                self.keep_token_fresh()
                wait = self.credentials.seconds_until_due()
                if session.can_idle():
                    session.idle(self.stopping, wait)
                else:
                    session.poll_wait(self.stopping, wait)
        finally:
            session.close()

    def keep_token_fresh(self) -> None:
        """Refresh a due OAuth2 access token while the session lasts. A revoked grant
        ends the session: the status says so and the poller backs off like a failed
        login; an endpoint that is merely down is tried again at the next wait."""
        try:
            self.credentials.keep_fresh()
        except TokenRefused:
            raise
        except SecretError as exc:
            log.warning("imap %s: %s; the session goes on, retrying soon", self.cfg.name, exc)
        finally:
            self.health.auth(self.credentials.problem)

    def healthy(self) -> None:
        self.careful = False
        self.last_success = time.time()
        self.outage.recovered()
        self.backoff.reset()
        self.health.ok()

    def finish_after(self, session: Session, cursor: Cursor) -> Cursor:
        """Stored before a crash but not yet flagged/moved: do it now."""
        if cursor.handled_uid >= cursor.last_uid:
            return cursor
        uids = session.uids_between(cursor.handled_uid + 1, cursor.last_uid)
        if cursor.first_pass_until:  # skipped read mail is not ours to move
            unseen = set(session.unseen_between(cursor.handled_uid + 1,
                                                min(cursor.last_uid, cursor.first_pass_until)))
            uids = [u for u in uids if u > cursor.first_pass_until or u in unseen]
        uids = [u for u in uids if not self.skipped(u)]
        log.info("imap %s: finishing %s for %d message(s) stored before a restart",
                 self.cfg.name, self.cfg.after, len(uids))
        self.apply_after(session, uids)
        return mark_handled(self.db, self.key, cursor, cursor.last_uid)

    def drain(self, session: Session, cursor: Cursor) -> Cursor:
        """Fetch everything new in batches; each batch is committed, then handled."""
        uids = session.new_uids(cursor)
        size, total = self.cfg.batch_size, len(uids)
        if total > size:
            log.info("imap %s: %d new messages, fetching in batches of %d",
                     self.cfg.name, total, size)
        stored = dupes = 0
        for start in range(0, total, size):
            if self.stopping.is_set():
                break
            chunk = uids[start:start + size]
            for part in split_by_size(chunk, self.sizes(session, chunk), MAX_BATCH_BYTES):
                cursor, n, d = self.take(session, cursor, part)
                stored, dupes = stored + n, dupes + d
            if total > size:
                log.info("imap %s: %d/%d stored", self.cfg.name, start + len(chunk), total)
        if total:
            log.info("imap %s: %d new message(s) stored%s", self.cfg.name, stored - dupes,
                     f", {dupes} already stored before" if dupes else "")
        return cursor

    def take(self, session: Session, cursor: Cursor, uids: list[int]) -> tuple[Cursor, int, int]:
        """FETCH -> one commit (spool + cursor) -> wake the worker -> after-action."""
        fetched = self.fetch(session, uids, cursor.uidvalidity)
        cursor, dupes = store_batch(self.db, self.key, cursor,
                                    [fetched[u] for u in sorted(fetched)], uids[-1],
                                    self.envelope)
        self.wake()
        self.apply_after(session, sorted(fetched))
        cursor = mark_handled(self.db, self.key, cursor, uids[-1])
        return cursor, len(fetched), dupes

    def sizes(self, session: Session, uids: list[int]) -> dict[int, int]:
        """Message sizes, unless the server chokes on them too (then one at a time anyway)."""
        if self.careful:
            return {}
        try:
            return session.sizes(uids)
        except IMAPClientAbortError as exc:
            if refused_fetch(exc):
                self.careful = True
            raise
        except IMAPClientError:
            self.careful = True
            return {}

    def fetch(self, session: Session, uids: list[int], uidvalidity: int) -> dict[int, bytes]:
        """The whole batch at once; after a batch FETCH failed, one UID at a time, so the
        message the server can't deliver is found and skipped after FETCH_TRIES refusals."""
        if not self.careful:
            try:
                return session.fetch(uids)
            except (FetchFailed, IMAPClientAbortError) as exc:
                if isinstance(exc, FetchFailed) or refused_fetch(exc):
                    self.careful = True
                raise
        out: dict[int, bytes] = {}
        for uid in uids:
            if self.skipped(uid):
                continue
            try:
                out.update(session.fetch([uid]))
            except FetchFailed as exc:
                if not self.strike(uidvalidity, uid, exc):
                    raise
            except IMAPClientAbortError as exc:
                if refused_fetch(exc):
                    self.strike(uidvalidity, uid, exc)
                raise
        return out

    def skipped(self, uid: int) -> bool:
        return self.refused.get(uid, 0) >= FETCH_TRIES

    def strike(self, uidvalidity: int, uid: int, exc: BaseException) -> bool:
        """Count a refused FETCH (in the spool store, beside the cursor); True when the
        message is now skipped for good."""
        self.refused = record_refusal(self.db, self.key, uidvalidity, uid)
        if not self.skipped(uid):
            return False
        log.error("imap %s: the server refused to FETCH UID %s %d times (%s); skipping it: it "
                  "stays in the folder, unflagged, for an admin to look at", self.cfg.name, uid,
                  FETCH_TRIES, describe_text(exc)[:300])
        return True

    def apply_after(self, session: Session, uids: list[int]) -> None:
        try:
            session.after(uids)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:  # a NO: the mail is stored; repeating would not help
            log.warning("imap %s: %s of %d stored message(s) failed: %s", self.cfg.name,
                        self.cfg.after, len(uids), exc)


def split_by_size(uids: list[int], sizes: dict[int, int], limit: int) -> list[list[int]]:
    """Consecutive runs of UIDs whose sizes add up to at most `limit` (at least one each),
    so a backlog of large attachments is not held in memory 200 at a time."""
    parts: list[list[int]] = []
    total = limit + 1
    for uid in uids:
        size = sizes.get(uid, 0)
        if total + size > limit:
            parts.append([])
            total = 0
        parts[-1].append(uid)
        total += size
    return parts


def describe(exc: BaseException, cfg: ImapConfig) -> tuple[str, float | None]:
    """One plain sentence for the log, and the backoff cap for this kind of failure."""
    where = f"{cfg.host}:{cfg.port}"
    if isinstance(exc, LoginError):
        return f"login as {cfg.username} at {where} failed: {describe_text(exc)}", AUTH_BACKOFF_CAP
    if isinstance(exc, TokenRefused):
        return str(exc), AUTH_BACKOFF_CAP
    if isinstance(exc, TokenUnavailable):
        return str(exc), None
    if isinstance(exc, SecretError):
        return f"cannot get the password or token: {exc}", AUTH_BACKOFF_CAP
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer from {where} within {cfg.timeout_seconds} s", None
    if isinstance(exc, IMAPClientAbortError) and "timed out" in str(exc):
        return f"no answer from {where} within {cfg.timeout_seconds} s", None
    if isinstance(exc, (IMAPClientAbortError, ConnectionLost, ConnectionError)):
        return f"connection to {where} lost: {describe_text(exc)}", None
    if isinstance(exc, ssl.SSLError):
        detail = getattr(exc, "verify_message", None) or str(exc)
        return f"TLS with {where} failed: {exc.reason or 'error'}: {detail}", None
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc.strerror or exc}", None
    if isinstance(exc, FetchFailed):
        return str(exc), None
    if isinstance(exc, StateMoved):
        return "another ticketd process reset this mailbox's state; starting over", None
    if isinstance(exc, IMAPClientError):
        return f"the server at {where} refused: {describe_text(exc)}", None
    if isinstance(exc, pw.PeeweeException):
        return f"database error: {exc}", None
    return f"unexpected error: {exc!r}", None


def start_pollers(config: Config, db: pw.Database, stopping: threading.Event,
                  wake: Callable[[], None], client_factory: ClientFactory = connect
                  ) -> list[Poller]:
    """One started poller per `[[imap]]` section."""
    logging.getLogger("imapclient").setLevel(logging.WARNING)  # "Connection closed" per reconnect
    pollers = [Poller(config, cfg, db, stopping, wake, client_factory) for cfg in config.imap]
    for p in pollers:
        p.thread.start()
    return pollers
