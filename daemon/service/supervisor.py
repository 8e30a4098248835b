"""`ticketd run`: the listeners, plus the worker, sender and housekeeper processes.

This process only takes mail in: the SMTP/LMTP listener (asyncio) and the
IMAP pollers (threads) write to the spool store and answer; it never holds a
lock of the ticket store, so intake goes on whatever the workers are doing.
It starts the children (daemon/service/children.py), wakes the workers when
mail is spooled and the sender when notices are queued, and restarts a child
that dies. SIGTERM stops taking mail, lets mail in flight finish, stops the
children and exits 0; SIGHUP is passed on, each process re-reading the
config and keeping its old one when the new one is invalid.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading

from daemon.config import Config, ConfigError, load_config
from daemon.notices import outbox
from daemon.notices.render import TemplateError
from daemon.service.app import make_renderer
from daemon.service.children import Child, Children
from daemon.service.loops import Beat
from daemon.staff.identity import trust_warning
from daemon.staff.tokens import staff_tokens
from daemon.store import spool
from daemon.store.db import Stores, open_stores, safe_url
from daemon.store.spool import owner_name

log = logging.getLogger("ticketd")

EX_SOFTWARE = 70  # sysexits: an internal error; systemd restarts the unit


class Supervisor:
    def __init__(self, config_path: str, config: Config, stores: Stores):
        self.config_path, self.config, self.stores = config_path, config, stores
        workers = config.daemon.workers or os.cpu_count() or 1
        self.children = Children(config_path, workers, config.daemon.hang_seconds,
                                 config.daemon.restart_limit, self.free_leases)
        self.stopping = threading.Event()  # for the IMAP poller threads
        self.pollers: list = []
        self.loop: asyncio.AbstractEventLoop | None = None

    def free_leases(self, child: Child, pid: int) -> None:
        """A dead child's claimed mail and notices go back at once (same Message-IDs)."""
        owner = owner_name(child.name, pid)
        try:
            spool.release_claims(self.stores.spool, owner)
            outbox.release_claims(self.stores.tickets, owner)
        except Exception as exc:  # they run out by themselves; say so and go on
            log.warning("could not free the leases of %s: %s", child.name, exc)

    def wake_workers(self) -> None:
        """Safe from any thread (IMAP pollers call it)."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.children.wake_workers)

    def reload(self) -> None:
        try:
            config = load_config(self.config_path)
            make_renderer(config)
        except (ConfigError, TemplateError) as exc:
            log.error("reload refused, keeping the running config: %s",
                      str(exc).splitlines()[0])
            return
        self.config = config
        self.children.signal_all(signal.SIGHUP)
        log.info("reloaded %s (listeners and mailboxes keep their old settings "
                 "until a restart)", self.config_path)

    async def serve(self) -> int:
        self.loop = loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        listener = await self.start_listener()
        self.start_imap()
        await self.children.start_all()
        tasks = [asyncio.create_task(self.children.watch()),
                 asyncio.create_task(self.beat()),
                 asyncio.create_task(stop.wait()),
                 asyncio.create_task(self.children.gave_up.wait())]
        log.info("ticketd running (database %s, spool %s, %d workers)",
                 safe_url(self.config.database_url), safe_url(self.config.spool_url),
                 len(self.children.workers))
        await asyncio.wait(tasks[2:], return_when=asyncio.FIRST_COMPLETED)
        gave_up = self.children.gave_up.is_set()
        log.info("stopping: no new mail; finishing mail in flight")
        await self.stop_listener(listener)
        self.stopping.set()
        await self.children.stop_all()
        for task in tasks:
            task.cancel()
        await loop.run_in_executor(None, self._join_pollers)
        await loop.run_in_executor(None, self.supervisor_beat.stopped)
        log.info("stopped")
        return EX_SOFTWARE if gave_up else 0

    async def beat(self) -> None:
        """The supervisor's own heartbeat: it stops when this event loop is stuck."""
        loop = asyncio.get_running_loop()
        self.supervisor_beat = await loop.run_in_executor(None, Beat, self.stores.spool,
                                                          "supervisor")
        while True:
            await loop.run_in_executor(None, self.supervisor_beat.ok)
            await asyncio.sleep(5.0)

    async def start_listener(self):
        config = self.config
        if not config.smtp.enabled:
            return None
        from daemon.intake.sessions import SessionLimits
        from daemon.intake.smtp import SpoolHandler, SpoolWriter, make_acceptor, start_server

        writer = SpoolWriter(self.stores.spool, on_stored=self.children.wake_workers)
        handler = SpoolHandler(writer, make_acceptor(config.smtp.recipients),
                               config.smtp.protocol)
        host, _, port = config.smtp.listen.rpartition(":")
        smtp = config.smtp
        server = await start_server(handler, host, int(port), smtp.hostname,
                                    smtp.max_message_bytes, smtp.protocol,
                                    SessionLimits(smtp.max_sessions, smtp.max_sessions_per_client),
                                    smtp.idle_timeout_seconds)
        bound = server.sockets[0].getsockname()
        log.info("listening for %s on %s:%s", config.smtp.protocol.upper(), bound[0], bound[1])
        return server, handler, writer

    async def stop_listener(self, listener) -> None:
        if listener is None:
            return
        server, handler, writer = listener
        server.close()
        for _ in range(300):
            if not handler.in_flight:
                break
            await asyncio.sleep(0.1)
        writer.close()

    def start_imap(self) -> None:
        if not self.config.imap:
            return
        from daemon.intake.imap.poller import start_pollers

        self.pollers = start_pollers(self.config, self.stores.spool, self.stopping,
                                     self.wake_workers)

    def _join_pollers(self) -> None:
        for p in self.pollers:
            p.thread.join(timeout=30)


def run_daemon(config_path: str, config: Config) -> int:
    make_renderer(config)  # a template error stops the start, not the first notice
    stores = open_stores(config.database_url, config.spool_url,
                         config.daemon.lock_timeout_seconds, create=True)
    tokens = staff_tokens(config, create=True)  # before the workers, who read the key
    if tokens.enabled and not tokens.usable:
        log.error("staff reply tokens are on but their key cannot be read: staff mail "
                  "will be handled as customers' mail until it can")
    warning = trust_warning(config)
    if warning:
        log.warning("%s", warning)
    # Leases held by a killed predecessor on this host need not run out first (other
    # hosts sharing a PostgreSQL database keep theirs).
    spool.release_dead_claims(stores.spool)
    outbox.release_dead_claims(stores.tickets)
    return asyncio.run(Supervisor(config_path, config, stores).serve())
