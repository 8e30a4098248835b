"""Time-driven work the housekeeper process does once a minute: circulation timers (the
[[sla]] actions whose moment has come), then resolved tickets close. Time comes from the
Clock it is given: the system's in the daemon, a driven one in tests."""

from __future__ import annotations

from daemon.circulation.sweep import Sweep
from daemon.clock import Clock
from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.store.db import Stores
from daemon.tickets.actions import TicketActions
from daemon.tickets.lifecycle import close_resolved


class Housekeeping:
    def __init__(self, config: Config, stores: Stores, clock: Clock):
        self.stores = stores
        self.actions = TicketActions(config, Notifier(config), clock)
        self.sweep = Sweep(stores.tickets, self.actions)

    def run_once(self) -> None:
        self.sweep.run_once()
        close_resolved(self.stores.tickets, self.actions)
