"""Bounces of our notices: who bounced, on which ticket, and whom not to mail again.

Only a report that returns a Message-ID we sent counts: its failed
recipients are checked against that mail's own recipients, so a forged
bounce cannot mark an address we never wrote to.
"""

from __future__ import annotations

from daemon.store import repository, rows
from daemon.store.models import BouncingAddress, Outbox, utcnow
from parsers.dsn import BounceReport


def bounced_recipients(report: BounceReport | None) -> list[str]:
    """Addresses of ours that bounced: each one named by the report AND a recipient of the
    very mail (by its exact Message-ID) that the report returns. A report that names no
    recipient, or a Message-ID we never sent, marks nobody."""
    if report is None or not report.message_ids or not report.recipients:
        return []
    sent = Outbox.select(Outbox.to_addrs).where(
        Outbox.message_id.in_(list(report.message_ids[:20])))
    ours = {a.lower() for row in sent for a in (row.to_addrs or [])}
    return [a for a in report.recipients if a.lower() in ours]


def record_bounce(ticket_id: int, report: BounceReport | None, reason: str) -> list[str]:
    """A "bounce" event on the ticket; permanent failures mark the addresses."""
    addrs = bounced_recipients(report)
    summary = report.summary() if report else reason
    repository.record(ticket_id, "ticketd", "bounce", None, summary[:1000])
    if report is None or not report.permanent:
        return []
    for addr in addrs:
        mark_bouncing(addr, report.status, ticket_id)
        repository.record(ticket_id, "ticketd", "address bouncing", None, addr)
    return addrs


def mark_bouncing(addr: str, status: str, ticket_id: int | None) -> None:
    row = BouncingAddress.get_or_none(BouncingAddress.email == addr)
    if row is None:
        BouncingAddress.create(email=addr, status=status or "", ticket_id=ticket_id)
    else:
        BouncingAddress.update(count=BouncingAddress.count + 1, last_at=utcnow(),
                               status=status or row.status, ticket_id=ticket_id).where(
            BouncingAddress.email == addr).execute()


def is_bouncing(addr: str) -> bool:
    return rows.fetch_one(BouncingAddress._meta.database,
                          "SELECT 1 FROM bouncingaddress WHERE email = ?", addr.lower()) is not None
