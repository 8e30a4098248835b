"""Composition root: config, database, pipeline, transports, wired by hand.

`ticketd run` is an asyncio loop holding the SMTP listener, plus threads for
the spool worker, the outbox and the IMAP pollers (their libraries block).
SIGTERM stops taking mail, lets mail in flight finish and exits 0; SIGHUP
reloads config and templates, keeping the old ones if the new are invalid.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from dataclasses import dataclass

import peewee as pw

from daemon.config import Config, ConfigError, load_config
from daemon.notices.notify import Notifier
from daemon.notices.outbox import OutboxWorker
from daemon.notices.outbox import release_claims as release_outbox_claims
from daemon.notices.render import Renderer, TemplateError, sample_context
from daemon.store.db import AcceptFirst, is_postgres, open_database
from daemon.store.spool import release_claims as release_spool_claims
from daemon.tickets.actions import TicketActions
from daemon.worker.pipeline import Pipeline

log = logging.getLogger("ticketd")


@dataclass
class Services:
    """What one loaded config makes: swapped as a whole on reload."""

    config: Config
    renderer: Renderer
    pipeline: Pipeline
    outbox: OutboxWorker
    actions: TicketActions


def make_renderer(config: Config) -> Renderer:
    override = config.resolve(config.daemon.templates) if config.daemon.templates else None
    renderer = Renderer(override)
    renderer.check_all(sample_context())
    return renderer


def build_services(config: Config, db: pw.Database) -> Services:
    renderer = make_renderer(config)
    return Services(config, renderer, Pipeline(config, db, renderer), OutboxWorker(config, db),
                    TicketActions(config, Notifier(config, renderer)))


class Daemon:
    def __init__(self, config_path: str, config: Config, db: pw.Database):
        self.config_path = config_path
        self.db = db
        self.services = build_services(config, db)
        self.stopping = threading.Event()
        self.spool_ready = threading.Event()
        self.outbox_ready = threading.Event()
        self.threads: list[threading.Thread] = []
        self.accept_first = AcceptFirst()
        self.last_housekeeping = 0.0
        self.pollers: list = []

    # --- threads -------------------------------------------------------------

    def worker_loop(self) -> None:
        """Drain the spool; wake on new mail or every second (other processes spool too)."""
        while not self.stopping.is_set():
            self.spool_ready.wait(1.0)
            self.spool_ready.clear()
            self._drain_spool()
            self._housekeeping()

    def _drain_spool(self) -> None:
        services = self.services
        while not self.stopping.is_set():
            try:
                n = services.pipeline.process_batch(services.config.daemon.batch_size,
                                                    self.accept_first.waiting)
            except pw.OperationalError as exc:
                log.error("database error while processing the spool: %s; retrying", exc)
                self.stopping.wait(2.0)
                return
            if not n:
                return
            self.outbox_ready.set()
            self.accept_first.let_through()

    def _housekeeping(self) -> None:
        """Time-driven changes, once a minute (the worker loop wakes every second)."""
        from daemon.tickets.lifecycle import close_resolved

        if time.monotonic() - self.last_housekeeping < 60.0:
            return
        self.last_housekeeping = time.monotonic()
        try:
            close_resolved(self.db, self.services.actions)
        except pw.OperationalError as exc:
            log.error("database error while closing resolved tickets: %s", exc)

    def outbox_loop(self) -> None:
        while not self.stopping.is_set():
            self.outbox_ready.wait(1.0)
            self.outbox_ready.clear()
            try:
                while self.services.outbox.run_once() and not self.stopping.is_set():
                    pass
            except pw.OperationalError as exc:
                log.error("database error in the outbox: %s", exc)
                self.stopping.wait(2.0)

    def start_threads(self) -> None:
        for target, name in ((self.worker_loop, "worker"), (self.outbox_loop, "outbox")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self.threads.append(t)
        self.start_imap()

    def start_imap(self) -> None:
        config = self.services.config
        if not config.imap:
            return
        from daemon.intake.imap.poller import start_pollers

        self.pollers = start_pollers(config, self.db, self.stopping, self.spool_ready.set)

    # --- signals ---------------------------------------------------------------

    def reload(self) -> None:
        try:
            config = load_config(self.config_path)
            services = build_services(config, self.db)
        except (ConfigError, TemplateError) as exc:
            first = str(exc).splitlines()[0]
            log.error("reload refused, keeping the running config: %s", first)
            return
        self.services = services
        log.info("reloaded %s (listeners and mailboxes keep their old settings "
                 "until a restart)", self.config_path)

    # --- main ------------------------------------------------------------------

    async def serve(self) -> int:
        from daemon.intake.smtp import SpoolHandler, SpoolWriter, make_acceptor, start_server

        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        self.start_threads()
        config = self.services.config
        server = writer = handler = None
        if config.smtp.enabled:
            writer = SpoolWriter(self.db, on_stored=self.spool_ready.set,
                                 accept_first=self.accept_first)
            handler = SpoolHandler(writer, make_acceptor(config.smtp.recipients),
                                   config.smtp.protocol)
            host, _, port = config.smtp.listen.rpartition(":")
            server = await start_server(handler, host, int(port), config.smtp.hostname,
                                        config.smtp.max_message_bytes, config.smtp.protocol)
            bound = server.sockets[0].getsockname()
            log.info("listening for %s on %s:%s", config.smtp.protocol.upper(), bound[0],
                     bound[1])
        log.info("ticketd running (database %s)", _safe_url(config.daemon.database))
        await stop.wait()
        log.info("stopping: no new mail; finishing mail in flight")
        if server is not None:
            server.close()
            for _ in range(300):
                if not handler.in_flight:
                    break
                await asyncio.sleep(0.1)
        self.stopping.set()
        await loop.run_in_executor(None, self._join)
        if writer is not None:
            writer.close()
        log.info("stopped")
        return 0

    def _join(self) -> None:
        for t in self.threads + [p.thread for p in self.pollers]:
            t.join(timeout=30)


def _safe_url(url: str) -> str:
    """The database URL without its password, for logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url


def run_daemon(config_path: str, config: Config) -> int:
    db = open_database(config.database_url, config.daemon.lock_timeout_seconds)
    if not is_postgres(db):
        # One host: leases held by a killed predecessor need not run out first.
        # (Processing re-checks each row under the write lock, so this is safe.)
        release_spool_claims(db)
        release_outbox_claims(db)
    daemon = Daemon(config_path, config, db)
    return asyncio.run(daemon.serve())
