"""Time-driven status changes: resolved tickets close after a while."""

from __future__ import annotations

from datetime import timedelta

import peewee as pw

from daemon.store import repository
from daemon.store.db import write_transaction
from daemon.tickets.actions import TicketActions


def close_resolved(db: pw.Database, actions: TicketActions) -> int:
    """Close tickets resolved more than `close_resolved_after_days` ago, through the same
    status change as a person's (history, closed_at), announcing nothing."""
    days = actions.config.tickets.close_resolved_after_days
    if not days:
        return 0
    cutoff = actions.clock.now() - timedelta(days=days)
    with write_transaction(db):
        tickets = repository.resolved_before(cutoff)
        for ticket in tickets:
            actions.set_status(ticket, "closed", "ticketd", notify=False)
    return len(tickets)
