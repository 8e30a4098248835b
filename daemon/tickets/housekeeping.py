"""Time-driven work the housekeeper process does once a minute: circulation timers (the
[[sla]] actions whose moment has come), resolved tickets close, maintained counts are
folded, and every hour [retention] purges raw mail. Time comes from the Clock it is given:
the system's in the daemon, a driven one in tests."""

from __future__ import annotations

import time

from daemon.circulation.sweep import Sweep
from daemon.clock import Clock
from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.store.db import Stores, write_transaction
from daemon.store.repository import fold_load_changes
from daemon.store.retention import purge
from daemon.tickets.actions import TicketActions
from daemon.tickets.lifecycle import close_resolved

PURGE_EVERY = 3600.0


class Housekeeping:
    def __init__(self, config: Config, stores: Stores, clock: Clock):
        self.config, self.stores, self.clock = config, stores, clock
        self.last_purge = 0.0  # the first round purges
        self.actions = TicketActions(config, Notifier(config), clock)
        self.sweep = Sweep(stores.tickets, self.actions)

    def run_once(self) -> None:
        self.sweep.run_once()
        close_resolved(self.stores.tickets, self.actions)
        with write_transaction(self.stores.tickets):
            fold_load_changes()
        if time.monotonic() - self.last_purge >= PURGE_EVERY:
            self.last_purge = time.monotonic()
            purge(self.config.retention, self.stores, self.clock.now())
