"""Time-driven status changes: resolved tickets close after a while."""

from __future__ import annotations

from datetime import timedelta

import peewee as pw

from daemon import repository
from daemon.config import Config
from daemon.db import write_transaction
from daemon.models import Ticket, utcnow


def close_resolved(db: pw.Database, config: Config) -> int:
    """Close tickets resolved more than `close_resolved_after_days` ago."""
    days = config.tickets.close_resolved_after_days
    if not days:
        return 0
    cutoff = utcnow() - timedelta(days=days)
    closed = 0
    with write_transaction(db):
        for ticket in repository.resolved_before(cutoff):
            repository.record(ticket.id, "ticketd", "status", "resolved", "closed")
            Ticket.update(status="closed", updated_at=utcnow(), closed_at=utcnow()).where(
                Ticket.id == ticket.id).execute()
            closed += 1
    return closed
