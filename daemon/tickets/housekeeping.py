"""Time-driven work the housekeeper process does once a minute: resolved tickets close,
maintained counts are folded, and every hour [retention] purges raw mail."""

from __future__ import annotations

import time

from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.store.db import Stores, write_transaction
from daemon.store.models import utcnow
from daemon.store.repository import fold_load_changes
from daemon.store.retention import purge
from daemon.tickets.actions import TicketActions
from daemon.tickets.lifecycle import close_resolved

PURGE_EVERY = 3600.0


class Housekeeping:
    def __init__(self, config: Config, stores: Stores):
        self.config, self.stores = config, stores
        self.last_purge = 0.0  # the first round purges
        self.actions = TicketActions(config, Notifier(config))

    def run_once(self) -> None:
        close_resolved(self.stores.tickets, self.actions)
        with write_transaction(self.stores.tickets):
            fold_load_changes()
        if time.monotonic() - self.last_purge >= PURGE_EVERY:
            self.last_purge = time.monotonic()
            purge(self.config.retention, self.stores, utcnow())
