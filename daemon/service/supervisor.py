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

import peewee as pw

from daemon.config import Config, load_config
from daemon.notices import outbox
from daemon.service import sdnotify
from daemon.service.app import make_renderer
from daemon.service.children import Child, Children
from daemon.service.loops import Beat
from daemon.service.preflight import (
    EX_TEMPFAIL,
    EX_UNAVAILABLE,
    StartupProblem,
    folder_problems,
)
from daemon.service.reload import listener_changed, restart_needed, same_address
from daemon.service.zygote import Zygote
from daemon.staff.identity import trust_warning
from daemon.staff.tokens import staff_tokens
from daemon.store import spool
from daemon.store.db import Stores, open_stores, safe_url
from daemon.store.spool import owner_name

log = logging.getLogger("ticketd")

EX_SOFTWARE = 70  # sysexits: an internal error; systemd restarts the unit


class Supervisor:
    def __init__(self, config_path: str, config: Config, stores: Stores, zygote: Zygote):
        self.config_path, self.config, self.stores = config_path, config, stores
        self.started_with = config  # what the listener and the process family run on
        workers = config.daemon.workers or os.cpu_count() or 1
        self.children = Children(zygote, workers, config.daemon.hang_seconds,
                                 config.daemon.restart_limit, self.free_leases)
        self.stopping = threading.Event()  # for the IMAP poller threads
        self.pollers: list = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener = None  # (server, handler, writer) taking mail now
        self.metrics = None  # the Prometheus endpoint's HTTP server
        self.listener_smtp = config.smtp  # the settings it runs with
        self.reloading: asyncio.Future | None = None
        self.reload_again = False

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
        """SIGHUP: re-read the config off the event loop; one reload at a time (a burst of
        signals makes one more, not one each)."""
        if self.reloading is not None and not self.reloading.done():
            self.reload_again = True
            return
        self.reloading = asyncio.ensure_future(self._reload())

    async def _reload(self) -> None:
        sdnotify.reloading()
        try:
            self.reload_again = True
            while self.reload_again:
                self.reload_again = False
                await self._reload_once()
        finally:
            sdnotify.notify("READY=1", "STATUS=reloaded")

    async def _reload_once(self) -> None:
        try:
            config = await asyncio.get_running_loop().run_in_executor(
                None, checked_config, self.config_path)
        except Exception as exc:  # invalid, unreadable: the running config stays
            log.error("reload refused, keeping the running config: %s",
                      (str(exc).splitlines() or [type(exc).__name__])[0])
            return
        old, self.config = self.config, config
        self.children.signal_all(signal.SIGHUP)
        if listener_changed(self.listener_smtp, config.smtp):
            await self.replace_listener()
        later = restart_needed(old, config)
        log.info("reloaded %s%s", self.config_path,
                 f"; needs a restart to take effect: {', '.join(later)}" if later else "")

    async def replace_listener(self) -> None:
        """Listen with the new settings, then let the old listener finish its sessions. On
        the same address the old socket closes first (a protocol change)."""
        old, new_smtp = self.listener, self.config.smtp
        if old is not None and same_address(self.listener_smtp, new_smtp):
            old[0].close()
        try:
            self.listener = await self.start_listener()
        except OSError as exc:
            log.error("reload: cannot listen on %s (%s); %s", new_smtp.listen,
                      exc.strerror or exc, "the old listener is closed: restart ticketd"
                      if old is not None and not old[0].is_serving() else
                      "keeping the old listener")
            if old is not None and old[0].is_serving():
                self.listener = old
                return
            self.listener = None
        self.listener_smtp = new_smtp
        if old is not None:
            asyncio.ensure_future(self.stop_listener(old))

    async def serve(self) -> int:
        self.loop = loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        try:
            self.listener = await self.start_listener()
        except OSError as exc:  # a port in use, an address not on this host: one line
            raise StartupProblem(EX_UNAVAILABLE, f"smtp.listen: cannot listen on "
                                                 f"{self.config.smtp.listen}: "
                                                 f"{exc.strerror or exc}") from None
        self.metrics = self.start_metrics()
        self.start_imap()
        await self.children.start_all()
        tasks = [asyncio.create_task(self.children.watch()),
                 asyncio.create_task(self.beat()),
                 asyncio.create_task(self.watchdog()),
                 asyncio.create_task(stop.wait()),
                 asyncio.create_task(self.children.gave_up.wait())]
        log.info("ticketd running (database %s, spool %s, %d workers)",
                 safe_url(self.config.database_url), safe_url(self.config.spool_url),
                 len(self.children.workers))
        sdnotify.notify("READY=1", f"STATUS=taking mail, {len(self.children.workers)} "
                                   "workers", f"MAINPID={os.getpid()}")
        await asyncio.wait(tasks[3:], return_when=asyncio.FIRST_COMPLETED)
        gave_up = self.children.gave_up.is_set()
        sdnotify.notify("STOPPING=1", "STATUS=stopping: finishing mail in flight")
        log.info("stopping: no new mail; finishing mail in flight")
        await self.stop_listener(self.listener)
        self.stopping.set()
        await self.children.stop_all()
        for task in tasks:
            task.cancel()
        await loop.run_in_executor(None, self._join_pollers)
        if self.metrics is not None:
            await loop.run_in_executor(None, self.metrics.shutdown)
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

    async def watchdog(self) -> None:
        """WATCHDOG=1 while this event loop runs and every IMAP poller thread lives: a hung
        supervisor is killed and restarted by systemd (WatchdogSec=). The children it
        watches itself (`[daemon] hang_seconds`)."""
        every = sdnotify.watchdog_seconds()
        if every is None:
            return
        while True:
            if all(p.thread.is_alive() for p in self.pollers) or self.stopping.is_set():
                sdnotify.notify("WATCHDOG=1")
            else:
                log.error("an IMAP poller thread has died: no watchdog ping")
            await asyncio.sleep(every)

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

    def start_metrics(self):
        if not self.config.metrics.listen:
            return None
        from daemon.service.metrics import serve_metrics  # prometheus-client only when on

        try:
            return serve_metrics(self.config, self.stores.spool, self.stores.tickets,
                                 lambda: dict(self.children.restarted))
        except OSError as exc:
            raise StartupProblem(EX_UNAVAILABLE, f"metrics.listen: cannot listen on "
                                                 f"{self.config.metrics.listen}: "
                                                 f"{exc.strerror or exc}") from None

    def start_imap(self) -> None:
        if not self.config.imap:
            return
        from daemon.intake.imap.poller import start_pollers

        self.pollers = start_pollers(self.config, self.stores.spool, self.stopping,
                                     self.wake_workers)

    def _join_pollers(self) -> None:
        for p in self.pollers:
            p.thread.join(timeout=30)


def checked_config(path: str) -> Config:
    """The config at `path` with its templates checked, or ConfigError/TemplateError."""
    config = load_config(path)
    make_renderer(config)
    return config


def run_daemon(config_path: str, config: Config) -> int:
    """Start, or raise StartupProblem: one line, and the sysexits code to end with."""
    make_renderer(config)  # a template error stops the start, not the first notice
    found = folder_problems(config)
    if found:
        raise StartupProblem(found[0].code, "; ".join(p.text for p in found))
    zygote = Zygote(config_path)
    zygote.start()  # first: no thread, loop or connection of ours may be forked
    try:
        return _serve(config_path, config, zygote)
    finally:
        zygote.close()


def _serve(config_path: str, config: Config, zygote: Zygote) -> int:
    try:
        stores = open_stores(config.database_url, config.spool_url,
                             config.daemon.lock_timeout_seconds, create=True)
    except pw.OperationalError as exc:  # unreachable, refused, a locked file: may pass
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StartupProblem(EX_TEMPFAIL, f"daemon.database: cannot open "
                                          f"{safe_url(config.database_url)}: {first}") from None
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
    return asyncio.run(Supervisor(config_path, config, stores, zygote).serve())
