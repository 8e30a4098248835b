"""Named queries: the only place that knows how tickets are found.

`DbLookup` answers the classifier's questions; the rest serve the pipeline
and the CLI. Everything returns plain values or model rows, no SQL leaks out.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import peewee as pw

from daemon.states import OPEN_STATUSES as OPEN
from daemon.store import rows
from daemon.store.db import is_postgres, side_connection
from daemon.store.models import (
    HOLD_SECONDS,
    AllocationHold,
    Attachment,
    Blob,
    Event,
    Message,
    Outbox,
    Participant,
    Ticket,
    utcnow,
)
from daemon.store.reads import PARTICIPANTS_SQL  # `tickets show` reads them too

if TYPE_CHECKING:
    from daemon.worker.classify import TicketView

OPEN_STATUSES = tuple(str(s) for s in OPEN)


class DbLookup:
    """The classifier's view of the database."""

    def ticket(self, ticket_id: int) -> TicketView | None:
        row = rows.fetch_one(_db(), "SELECT id, status, requester, queue, assignee, closed_at, "
                                    "version FROM ticket WHERE id = ?", ticket_id)
        if row is None:
            return None
        from daemon.worker.classify import TicketView  # the CLI reads tickets without it

        closed = Ticket.closed_at.python_value(row[5])
        return TicketView(id=row[0], status=row[1], requester=row[2],
                          participants=frozenset(participants_of(row[0])), queue=row[3],
                          assignee=row[4], closed_at=closed, version=row[6])

    def we_sent(self, message_id: str) -> bool:
        """Did ticketd send a mail with this Message-ID (queued, sent or failed)?"""
        return rows.fetch_one(_db(), "SELECT 1 FROM outbox WHERE message_id = ?",
                              message_id) is not None

    def fields(self, ticket_id: int) -> dict[str, str]:
        """The ticket's form field values: which required ones a reply still lacks."""
        from daemon.store.fields import values_of

        return values_of(ticket_id)

    def ticket_by_message_ids(self, ids: tuple[str, ...]) -> tuple[int, str] | None:
        """The ticket of the first id we stored: In-Reply-To before References."""
        ids = ids[:MAX_THREAD_IDS]
        if not ids:
            return None
        marks = ", ".join("?" * len(ids))
        found = dict(rows.fetch_all(_db(), "SELECT message_id, ticket_id FROM message "
                                           f"WHERE message_id IN ({marks})", *ids))
        for position, mid in enumerate(ids):
            if mid in found:
                return found[mid], ("In-Reply-To" if position == 0 else "References")
        return None


    def said_before(self, ticket_id: int, from_addr: str, visible_text: str) -> bool:
        """Did this sender send this very text on the ticket within the hour? (An
        autoresponder does, each time it answers.)"""
        if not visible_text.strip():
            return False
        since = Message.created_at.db_value(utcnow() - timedelta(hours=1))
        return rows.fetch_one(
            _db(), "SELECT 1 FROM message WHERE ticket_id = ? AND direction = 'in' AND "
                   "from_addr = ? AND visible_text = ? AND created_at >= ? LIMIT 1",
            ticket_id, from_addr, visible_text, since) is not None


MAX_THREAD_IDS = 100  # a mail naming more Message-IDs is looked up by its first hundred


def _db() -> pw.Database:
    return Ticket._meta.database


def ticket_for_change(ticket_id: int) -> Ticket | None:
    """The ticket, to change in the caller's transaction. On PostgreSQL its row stays locked
    until then, so a worker, the housekeeper and the CLI on several hosts change it in turn
    instead of writing over each other (SQLite's write transaction is exclusive anyway)."""
    q = Ticket.select().where(Ticket.id == ticket_id)
    if is_postgres(_db()):
        q = q.for_update()
    return q.first()


def participants_of(ticket_id: int) -> list[str]:
    return [r[0] for r in rows.fetch_all(_db(), PARTICIPANTS_SQL, ticket_id)]


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
    return [r[0] for r in rows.fetch_all(
        _db(), "SELECT message_id FROM message WHERE ticket_id = ? AND message_id IS NOT NULL "
               "ORDER BY id", ticket_id)]


def customer_thread_message_ids(ticket_id: int, customer_templates: tuple[str, ...]
                                ) -> list[str]:
    """The Message-IDs the customer's side has seen, oldest first: their own mails and what
    we sent them. A mail to them names no staff-side mail (a staff reply, a note, a notice
    to staff), whose IDs would tell them of internal mail and thread their client oddly."""
    marks = ", ".join("?" * len(customer_templates))
    return [r[0] for r in rows.fetch_all(
        _db(), "SELECT m.message_id FROM message m LEFT JOIN outbox o ON o.message_id = "
               "m.message_id WHERE m.ticket_id = ? AND m.message_id IS NOT NULL AND "
               "((m.direction = 'in' AND m.kind = 'customer') OR "
               f"(m.direction = 'out' AND o.kind IN ({marks}))) ORDER BY m.id",
        ticket_id, *customer_templates)]


def open_counts(members: list[str], db: pw.Database | None = None) -> dict[str, int]:
    """Open tickets per member, from the maintained counts (no scan of the tickets), with
    the least_open picks still held by transactions that have not committed.

    One statement, so one snapshot: read in two, a transaction committing in between
    (its hold gone, its count not yet seen) would make its pick invisible."""
    counts = dict.fromkeys(members, 0)
    marks = ", ".join("?" * len(members))
    for email, n in rows.fetch_all(
            db or _db(),
            f"SELECT email, SUM(n) FROM (SELECT email, open_count AS n FROM staffload "
            f"WHERE email IN ({marks}) UNION ALL SELECT email, delta FROM staffloadchange "
            f"WHERE email IN ({marks}) UNION ALL SELECT email, 1 FROM allocationhold "
            f"WHERE email IN ({marks}) AND created_at > ?) AS c GROUP BY email",
            *members, *members, *members, _holds_since()):
        counts[email] += n or 0
    return counts


def _holds_since():
    """Holds made before this have run out (their transaction never committed)."""
    return AllocationHold.created_at.db_value(utcnow() - timedelta(seconds=HOLD_SECONDS))


def _fewest(members: list[str], counts: dict[str, int]) -> str:
    return min(members, key=lambda m: (counts[m], members.index(m)))


def least_open(members: list[str]) -> str:
    """The member with the fewest open tickets, ties to the one listed first.

    PostgreSQL: picked under a short lock on a side connection and held there (committed
    at once), the hold deleted in the caller's transaction, so it stops counting exactly
    when the ticket starts to. Two workers at once see each other's picks, and nobody
    holds a lock across a batch. SQLite's write lock serialises whole transactions."""
    db = _db()
    side = side_connection(db)
    if side is db:
        return _fewest(members, open_counts(members))
    with side.atomic():
        rows.fetch_one(side, "SELECT pg_advisory_xact_lock(hashtext(?))", "least_open")
        pick = _fewest(members, open_counts(members, side))
        hold = rows.fetch_one(side, "INSERT INTO allocationhold (email, created_at) "
                                    "VALUES (?, ?) RETURNING id", pick,
                              AllocationHold.created_at.db_value(utcnow()))[0]
    rows.execute(db, "DELETE FROM allocationhold WHERE id = ?", hold)
    return pick


def fold_load_changes() -> int:
    """Housekeeping: add the appended changes into the counts, in one short transaction,
    and drop the least_open holds that have run out."""
    db = _db()
    with db.atomic():
        rows.execute(db, "DELETE FROM allocationhold WHERE created_at <= ?", _holds_since())
        last = rows.fetch_one(db, "SELECT MAX(id) FROM staffloadchange")[0]
        if last is None:
            return 0
        sums = rows.fetch_all(db, "SELECT email, SUM(delta) FROM staffloadchange WHERE id <= ? "
                                  "GROUP BY email ORDER BY email", last)
        for email, n in sums:
            rows.execute(db, "INSERT INTO staffload (email, open_count) VALUES (?, ?) "
                             "ON CONFLICT (email) DO UPDATE SET open_count = "
                             "staffload.open_count + ?", email, n, n)
        return rows.execute(db, "DELETE FROM staffloadchange WHERE id <= ?", last)


def take_queue_turn(queue: str) -> int:
    """One statement that moves the queue's assignment cursor on and returns its position
    (0 the first time). On PostgreSQL it commits at once on a connection of its own, so no
    worker holds the cursor's row across its batch (on SQLite there is one writer anyway)."""
    return rows.fetch_one(
        side_connection(_db()),
        "INSERT INTO assigncursor (queue, last_assignee, position) VALUES (?, '', 0) "
        "ON CONFLICT (queue) DO UPDATE SET position = assigncursor.position + 1 "
        "RETURNING position", queue)[0]


def next_round_robin(queue: str, members: list[str]) -> str:
    """The next member in turn; a new queue starts with the first."""
    return members[take_queue_turn(queue) % len(members)]


def acks_since(rate_key: str, since: datetime) -> int:
    return rows.fetch_one(
        _db(), "SELECT COUNT(*) FROM outbox WHERE rate_key = ? AND kind IN ('ack', "
               "'fields_missing') "
               "AND created_at >= ?", rate_key, Outbox.created_at.db_value(since))[0]


STAFF_NOTICES = ("staff_new", "staff_followup")


def serialise_rate_key(key: str) -> None:
    """PostgreSQL: hold `key` until this transaction ends, so two workers do not both
    count the same sender's acknowledgements before either has written its own."""
    db = _db()
    if is_postgres(db):
        rows.fetch_one(db, "SELECT pg_advisory_xact_lock(hashtext(?))", "ack:" + key)


def staff_notices_since(ticket_id: int, since: datetime) -> int:
    return (Outbox.select().where((Outbox.ticket_id == ticket_id) &
                                  Outbox.kind.in_(STAFF_NOTICES) &
                                  (Outbox.created_at >= since)).count())


def acks_to_domain_since(domain: str, since: datetime) -> int:
    return (Outbox.select().where((Outbox.kind == "ack") &
                                  (Outbox.rate_key.endswith("@" + domain)) &
                                  (Outbox.created_at >= since)).count())


def store_blob(sha256: str, data: bytes) -> None:
    (Blob.insert(sha256=sha256, data=data, size=len(data))
     .on_conflict_ignore().execute())


_events = threading.local()  # the events of the change being applied, written together


def record(ticket_id: int, actor: str, action: str, old=None, new=None,
           at: datetime | None = None) -> None:
    event = {"ticket": ticket_id, "at": at or utcnow(), "actor": actor, "action": action,
             "old": None if old is None else str(old), "new": None if new is None else str(new)}
    pending = getattr(_events, "pending", None)
    if pending is not None:
        pending.append(event)
    else:
        rows.add(Event._meta.database, Event, **event)


@contextlib.contextmanager
def events_together():
    """Inside: events wait and are written in one statement at the end (a mail's apply
    records five or more). The end must come before its transaction commits."""
    outer = getattr(_events, "pending", None)
    _events.pending = [] if outer is None else outer
    try:
        yield
        if outer is None:
            rows.insert_many(Event._meta.database, Event, _events.pending)
    finally:
        if outer is None:
            _events.pending = None


def touch(ticket: Ticket, now: datetime | None = None) -> None:
    """Every change moves the version on, so a worker's plan can tell it was overtaken."""
    ticket.updated_at = now or utcnow()
    ticket.version = (ticket.version or 0) + 1


def resolved_before(cutoff: datetime, limit: int = 500) -> list[Ticket]:
    """Resolved long enough to close: locked for the change on PostgreSQL (see
    ticket_for_change), a bounded batch at a time."""
    q = (Ticket.select().where((Ticket.status == "resolved") & (Ticket.resolved_at < cutoff))
         .order_by(Ticket.id).limit(limit))
    return list(q.for_update() if is_postgres(_db()) else q)


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
