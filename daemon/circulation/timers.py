"""Keep each ticket's circulation clock in step with the ticket: called after every change.

The clock pauses while the ticket waits (pending on the customer, resolved)
and runs while it is new or open; a transfer or a new priority can bring
another rule, whose due times are counted from the same start. The clock row
also says when the housekeeper must next look (`next_check_at`, indexed).
With no [[sla]] configured this does nothing at all.
"""

from __future__ import annotations

from daemon.circulation.rules import Circulation, ClockView, circulation_from_config
from daemon.clock import Clock
from daemon.store.models import SlaClock, Ticket

RUNNING = ("new", "open")
DONE = ("resolved", "closed")


def view_of(ticket: Ticket, row: SlaClock) -> ClockView:
    return ClockView(row.started_at, row.paused_seconds or 0.0,
                     responded=ticket.first_response_at is not None or ticket.status in DONE,
                     assigned=bool(ticket.assignee), fired=frozenset(row.fired or ()))


class Timers:
    def __init__(self, config, clock: Clock):
        self.clock = clock
        self.circulation: Circulation | None = (circulation_from_config(config) if config.sla
                                                else None)

    def sync(self, ticket: Ticket) -> SlaClock | None:
        """Bring the ticket's clock up to date with its queue, priority and status."""
        if self.circulation is None:
            return None
        rule = self.circulation.rule_for(ticket.queue, ticket.priority)
        row = SlaClock.get_or_none(SlaClock.ticket == ticket.id)
        if row is None and rule is None:
            return None
        new = row is None
        if new:
            row = SlaClock(ticket=ticket.id, started_at=ticket.created_at, fired=[])
        self._pause_or_run(ticket, row)
        view = view_of(ticket, row)
        row.rule = rule.name if rule else None
        row.due_first_response, row.due_resolution = (
            self.circulation.dues(rule, view) if rule else (None, None))
        row.next_check_at = (self.circulation.next_check(rule, view)
                             if rule and ticket.status in RUNNING else None)
        row.save(force_insert=new)
        return row

    def responded(self, ticket: Ticket) -> None:
        """A staff reply went to the customer: the first one stops the first-response timer."""
        if ticket.first_response_at is None:
            ticket.first_response_at = self.clock.now()
            ticket.save()
            self.sync(ticket)

    def _pause_or_run(self, ticket: Ticket, row: SlaClock) -> None:
        now = self.clock.now()
        if ticket.status in RUNNING and row.paused_since is not None:
            calendar = self.circulation.calendar
            row.paused_seconds = (row.paused_seconds or 0.0) + calendar.between(
                row.paused_since, now)
            row.paused_since = None
        elif ticket.status not in RUNNING and row.paused_since is None:
            row.paused_since = now
