"""One child process of `ticketd run`: a worker, the outbox sender, or the housekeeper.

The supervisor starts it as `ticketd child ROLE` with a pipe on stdin and on
stdout. A byte on stdin wakes it (mail spooled, notices queued); the end of
stdin means the supervisor is gone, and the child stops. On stdout it sends
a byte per round ("." alive, "o" notices queued), which the supervisor relays
and watches for a child that hangs. SIGTERM stops it after the current
batch; SIGHUP re-reads the config, keeping the old one when the new is bad.
"""

from __future__ import annotations

import logging
import os
import resource
import select
import signal
import sys
import threading
import time

from daemon.config import Config, load_config
from daemon.service.loops import Beat, run_loop
from daemon.store.db import Stores, commits_without_fsync, open_stores
from daemon.store.spool import owner_name

log = logging.getLogger("ticketd.child")

HOUSEKEEPING_EVERY = 60.0
# When the CPUs are busy, intake (the supervisor) goes first, then ticket work, then
# sending: a 250 is not kept waiting by ticket work, and a burst becomes tickets (with
# their notices queued) before the notices go out.
NICE = {"worker": 5, "sender": 10, "housekeeper": 10}


class Channel:
    """The pipes to the supervisor."""

    def __init__(self, stopping: threading.Event):
        self.stopping = stopping
        self.inp, self.out = sys.stdin.fileno(), sys.stdout.fileno()
        # a signal (SIGTERM, SIGHUP) writes a byte here, so `wait` returns at once: Python
        # retries an interrupted select() (PEP 475), and each stop would otherwise wait out
        # the idle second
        self.signalled, wakeup = os.pipe()
        os.set_blocking(wakeup, False)
        signal.set_wakeup_fd(wakeup, warn_on_full_buffer=False)

    def wait(self, seconds: float) -> None:
        """Sleep until woken, signalled, the time is up, or the supervisor has gone."""
        if self.stopping.is_set():
            return
        try:
            ready, _, _ = select.select([self.inp, self.signalled], [], [], seconds)
        except InterruptedError:  # a signal: the loop looks at `stopping` again
            return
        if self.signalled in ready:
            os.read(self.signalled, 4096)
            return
        if ready and not os.read(self.inp, 4096):
            log.warning("the supervisor has gone; stopping")
            self.stopping.set()

    def tell(self, what: bytes) -> None:
        try:
            os.write(self.out, what)
        except (BrokenPipeError, BlockingIOError):
            pass


class WorkerRole:
    def __init__(self, config: Config, stores: Stores, channel: Channel, index: str):
        from daemon.worker.pipeline import Pipeline

        self.pipeline = Pipeline(config, stores, owner_name(f"worker-{index}"))
        self.channel = channel

    def step(self) -> bool:
        handled, notices = self.pipeline.step()
        if notices:
            self.channel.tell(b"o")
        return bool(handled)

    def close(self) -> None:
        pass


class SenderRole:
    def __init__(self, config: Config, stores: Stores, channel: Channel, index: str):
        from daemon.notices.outbox import OutboxSender
        from daemon.service.app import make_renderer

        self.sender = OutboxSender(config, stores.tickets, make_renderer(config),
                                   owner_name("sender"))

    def step(self) -> bool:
        return bool(self.sender.step())

    def trouble(self) -> str | None:
        return self.sender.failing

    def close(self) -> None:
        self.sender.close()


class HousekeeperRole:
    """Time-driven work, once a minute: circulation timers, auto-close."""

    def __init__(self, config: Config, stores: Stores, channel: Channel, index: str):
        from daemon.clock import SYSTEM_CLOCK
        from daemon.tickets.housekeeping import Housekeeping

        self.housekeeping = Housekeeping(config, stores, SYSTEM_CLOCK)
        self.last = 0.0

    def step(self) -> bool:
        if time.monotonic() - self.last >= HOUSEKEEPING_EVERY:
            self.last = time.monotonic()
            self.housekeeping.run_once()
        return False

    def close(self) -> None:
        pass


ROLES = {"worker": WorkerRole, "sender": SenderRole, "housekeeper": HousekeeperRole}


def child_main(config_path: str, config: Config, role: str, index: str = "") -> int:
    name = f"{role}-{index}" if index else role
    stopping, reload = threading.Event(), threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGHUP, lambda *_: reload.set())
    os.nice(NICE[role])
    if role == "worker" and config.limits.worker_memory_mb:
        limit = config.limits.worker_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(
            resource.RLIMIT_AS)[1]))
    channel = Channel(stopping)
    stores = open_stores(config.database_url, config.spool_url,
                         config.daemon.lock_timeout_seconds)
    if role == "sender":
        commits_without_fsync(stores.tickets)
    beat = Beat(stores.spool, name)
    current = {"role": ROLES[role](config, stores, channel, index)}

    def step() -> bool:
        if reload.is_set():
            reload.clear()
            current["role"] = _reloaded(config_path, current["role"], role, stores, channel,
                                        index)
        return current["role"].step()

    log.info("%s started (pid %s)", name, os.getpid())
    run_loop(name, step, stopping=stopping, wait=channel.wait, beat=beat,
             idle_seconds=1.0, after_step=lambda: channel.tell(b"."),
             trouble=lambda: getattr(current["role"], "trouble", lambda: None)())
    current["role"].close()
    beat.stopped()
    stores.close()
    log.info("%s stopped", name)
    return 0


def _reloaded(path: str, old, role: str, stores: Stores, channel: Channel, index: str):
    try:
        config = load_config(path)
        new = ROLES[role](config, stores, channel, index)
    except Exception as exc:  # invalid config, a template: the running one stays
        log.error("reload refused, keeping the running config: %s", str(exc).splitlines()[0])
        return old
    old.close()  # the sender's relay connection
    return new
