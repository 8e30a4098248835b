"""The housekeeper's circulation round: the tickets whose moment has come, and only those.

Each minute it asks the index on sla_clock.next_check_at for the tickets due
(a range scan, however many tickets there are), and for each, inside a short
transaction, takes the actions whose moment has passed, once each, then sets
the clock's next moment. A ticket that fails is logged and left for the next
round; the others go on.
"""

from __future__ import annotations

import logging

import peewee as pw

from daemon.circulation.actions import SlaActions
from daemon.circulation.timers import RUNNING, view_of
from daemon.store import repository
from daemon.store.db import is_postgres, write_transaction
from daemon.store.sla import due_ticket_ids, lock_clock
from daemon.tickets.actions import TicketActions

log = logging.getLogger("ticketd.circulation")

BATCH = 100  # tickets per transaction
MAX_BATCHES = 50  # per round: the heartbeat goes on even after a long outage


class Sweep:
    def __init__(self, db: pw.Database, actions: TicketActions):
        self.db, self.actions = db, actions
        self.sla = SlaActions(actions.config, actions, actions.notifier)

    def run_once(self) -> int:
        """Take every action that is due now; returns how many were taken."""
        timers = self.actions.timers
        if timers.circulation is None:
            return 0
        taken = 0
        for _ in range(MAX_BATCHES):
            ids = due_ticket_ids(timers.clock.now(), BATCH)
            with write_transaction(self.db):
                for ticket_id in ids:
                    taken += self._one(ticket_id)
            if len(ids) < BATCH:
                break
        return taken

    def _one(self, ticket_id: int) -> int:
        try:
            with self.db.atomic():  # a savepoint: one ticket's failure spoils no other
                return self._due_actions(ticket_id)
        except pw.OperationalError:
            raise
        except Exception:
            log.exception("circulation of ticket #%s failed; trying again next round",
                          ticket_id)
            return 0

    def _due_actions(self, ticket_id: int) -> int:
        timers, circulation = self.actions.timers, self.actions.timers.circulation
        if is_postgres(self.db):  # housekeepers of several hosts: one takes each action
            lock_clock(ticket_id)  # (SQLite: the write transaction is exclusive already)
        ticket = repository.ticket_for_change(ticket_id)
        row = ticket and timers.sync(ticket)
        taken = 0
        while row is not None and ticket.status in RUNNING:
            rule = circulation.rule_named(row.rule)
            due = rule and circulation.due_now(rule, view_of(ticket, row), timers.clock.now())
            if not due:
                break
            action = due[0]
            row.fired = list(row.fired or []) + [rule.key(action)]
            row.save()
            self.sla.take(ticket, rule, action, row)
            taken += 1
            row = timers.sync(ticket)
        if taken:
            log.info("#%s: %s circulation action(s) taken", ticket_id, taken)
        return taken
