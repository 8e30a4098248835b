"""Named queries: the only place that knows how tickets are found.

`DbLookup` answers the classifier's questions; the rest serve the pipeline
and the CLI. Everything returns plain values or model rows, no SQL leaks out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from daemon.store import rows
from daemon.store.models import (
    AssignCursor,
    Attachment,
    Blob,
    Event,
    Message,
    Outbox,
    Participant,
    Ticket,
    utcnow,
)
from daemon.worker.classify import TicketView

OPEN_STATUSES = ("new", "open", "pending")


class DbLookup:
    """The classifier's view of the database."""

    def ticket(self, ticket_id: int) -> TicketView | None:
        t = Ticket.get_or_none(Ticket.id == ticket_id)
        return ticket_view(t) if t else None

    def ticket_by_message_ids(self, ids: tuple[str, ...]) -> tuple[int, str] | None:
        """The ticket of the first id we stored: In-Reply-To before References."""
        if not ids:
            return None
        rows = {m.message_id: m.ticket_id for m in
                Message.select(Message.message_id, Message.ticket).where(
                    Message.message_id.in_(list(ids)))}
        for position, mid in enumerate(ids):
            if mid in rows:
                return rows[mid], ("In-Reply-To" if position == 0 else "References")
        return None


def ticket_view(t: Ticket) -> TicketView:
    return TicketView(
        id=t.id, status=t.status, requester=t.requester,
        participants=frozenset(participants_of(t.id)), queue=t.queue, assignee=t.assignee,
        closed_at=t.closed_at, version=t.version,
    )


def participants_of(ticket_id: int) -> list[str]:
    return [p.email for p in Participant.select(Participant.email)
            .where(Participant.ticket == ticket_id).order_by(Participant.id)]


def add_participant(ticket_id: int, email: str, name: str = "") -> bool:
    exists = Participant.get_or_none((Participant.ticket == ticket_id) &
                                     (Participant.email == email))
    if exists:
        return False
    Participant.create(ticket=ticket_id, email=email, name=name)
    return True


def drop_participant(ticket_id: int, email: str) -> bool:
    return Participant.delete().where((Participant.ticket == ticket_id) &
                                      (Participant.email == email)).execute() > 0


def thread_message_ids(ticket_id: int) -> list[str]:
    """Message-IDs of the ticket, oldest first: the References of our next mail."""
    q = (Message.select(Message.message_id).where(
        (Message.ticket == ticket_id) & Message.message_id.is_null(False))
        .order_by(Message.id))
    return [m.message_id for m in q]


def open_counts(members: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(members, 0)
    q = (Ticket.select(Ticket.assignee, pw.fn.COUNT(Ticket.id).alias("n"))
         .where(Ticket.assignee.in_(members) & Ticket.status.in_(OPEN_STATUSES))
         .group_by(Ticket.assignee))
    for row in q:
        counts[row.assignee] = row.n
    return counts


def lock_queue_cursor(queue: str, first: str) -> AssignCursor:
    """The queue's assignment cursor, locked until commit: concurrent workers on
    PostgreSQL take turns, so round-robin stays even and least_open sees fresh counts."""
    AssignCursor.insert(queue=queue, last_assignee=first).on_conflict_ignore().execute()
    q = AssignCursor.select().where(AssignCursor.queue == queue)
    if not isinstance(AssignCursor._meta.database.obj, pw.SqliteDatabase):
        q = q.for_update()
    return q.get()


def next_round_robin(queue: str, members: list[str]) -> str:
    """The member after the last one picked (a new cursor starts before the first)."""
    last = lock_queue_cursor(queue, members[-1]).last_assignee
    pick = members[(members.index(last) + 1) % len(members)] if last in members else members[0]
    AssignCursor.update(last_assignee=pick).where(AssignCursor.queue == queue).execute()
    return pick


def acks_since(rate_key: str, since: datetime) -> int:
    return (Outbox.select().where((Outbox.kind == "ack") & (Outbox.rate_key == rate_key) &
                                  (Outbox.created_at >= since)).count())


def acks_to_domain_since(domain: str, since: datetime) -> int:
    return (Outbox.select().where((Outbox.kind == "ack") &
                                  (Outbox.rate_key.endswith("@" + domain)) &
                                  (Outbox.created_at >= since)).count())


def store_blob(sha256: str, data: bytes) -> None:
    (Blob.insert(sha256=sha256, data=data, size=len(data))
     .on_conflict_ignore().execute())


def record(ticket_id: int, actor: str, action: str, old=None, new=None) -> None:
    rows.add(Event._meta.database, Event, ticket=ticket_id, at=utcnow(), actor=actor,
             action=action, old=None if old is None else str(old),
             new=None if new is None else str(new))


def touch(ticket: Ticket) -> None:
    """Every change moves the version on, so a worker's plan can tell it was overtaken."""
    ticket.updated_at = utcnow()
    ticket.version = (ticket.version or 0) + 1


def list_tickets(status=None, queue=None, assignee=None, limit=None) -> list[Ticket]:
    q = Ticket.select()
    if status:
        q = q.where(Ticket.status == status)
    if queue:
        q = q.where(Ticket.queue == queue)
    if assignee:
        q = q.where(Ticket.assignee == assignee.lower())
    q = q.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if limit:
        q = q.limit(limit)
    return list(q)


def ticket_messages(ticket_id: int) -> list[Message]:
    return list(Message.select().where(Message.ticket == ticket_id).order_by(Message.id))


def message_attachments(message_ids: list[int]) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = {}
    for a in Attachment.select().where(Attachment.message.in_(message_ids)).order_by(Attachment.id):
        out.setdefault(a.message_id, []).append(a)
    return out


def ticket_events(ticket_id: int) -> list[Event]:
    return list(Event.select().where(Event.ticket == ticket_id).order_by(Event.id))


def resolved_before(cutoff: datetime) -> list[Ticket]:
    return list(Ticket.select().where((Ticket.status == "resolved") &
                                      (Ticket.resolved_at < cutoff)))


def one_hour_ago() -> datetime:
    return utcnow() - timedelta(hours=1)


def sent_since(kind: str, rate_key: str, since: datetime) -> int:
    return (Outbox.select().where((Outbox.kind == kind) & (Outbox.rate_key == rate_key) &
                                  (Outbox.created_at >= since)).count())


def open_tickets_of(requester: str) -> list[Ticket]:
    return list(Ticket.select().where((Ticket.requester == requester) &
                                      Ticket.status.in_(OPEN_STATUSES)).order_by(Ticket.id))


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    sha256: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def stored_files(message_id: int) -> list[StoredFile]:
    """The attached files (not inline images) of a stored message, with their content."""
    q = (Attachment.select(Attachment, Blob.data).join(Blob, on=(Attachment.sha256 == Blob.sha256))
         .where((Attachment.message == message_id) & (Attachment.inline == False))  # noqa: E712
         .order_by(Attachment.id))
    return [StoredFile(a.filename, a.content_type, a.sha256, bytes(a.blob.data)) for a in q]
