"""Time-driven work the housekeeper process does once a minute: resolved tickets close."""

from __future__ import annotations

from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.store.db import Stores, write_transaction
from daemon.store.repository import fold_load_changes
from daemon.tickets.actions import TicketActions
from daemon.tickets.lifecycle import close_resolved


class Housekeeping:
    def __init__(self, config: Config, stores: Stores):
        self.stores = stores
        self.actions = TicketActions(config, Notifier(config))

    def run_once(self) -> None:
        close_resolved(self.stores.tickets, self.actions)
        with write_transaction(self.stores.tickets):
            fold_load_changes()
