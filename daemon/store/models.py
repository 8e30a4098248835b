"""peewee models: the whole state of ticketd lives in these tables, in two stores.

The spool store (SpoolModel: raw mail, IMAP cursors, heartbeats) is what
intake writes; the ticket store (TicketModel: everything else) is what the
workers change. On SQLite they are two files, so a long write on the tickets
never keeps a transport from answering; on PostgreSQL they are tables of one
database, used over separate connections with short transactions.
Both are bound at start-up (daemon.store.db), so tests run on either backend.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import peewee as pw

from daemon.states import OPEN_STATUSES
from daemon.store.locations import SCHEMA_VERSION  # noqa: F401 (one place, peewee-free)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTimeField(pw.DateTimeField):
    """Stores naive UTC, returns aware UTC: one zone everywhere, ISO 8601 out."""

    def db_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class JSONField(pw.TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class TicketModel(pw.Model):
    class Meta:
        database = pw.DatabaseProxy()


class SpoolModel(pw.Model):
    class Meta:
        database = pw.DatabaseProxy()


class Meta(TicketModel):
    key = pw.TextField(primary_key=True)
    value = pw.TextField()


class SpoolMeta(SpoolModel):
    key = pw.TextField(primary_key=True)
    value = pw.TextField()

    class Meta:
        table_name = "spool_meta"


class Spool(SpoolModel):
    """Every inbound message, raw, stored before it is acknowledged."""

    received_at = UTCDateTimeField(default=utcnow, index=True)
    source = pw.TextField()  # "smtp", "pipe", "imap:<name>"
    mailbox = pw.TextField()  # dedupe scope: imap name or the envelope recipients
    dedupe_key = pw.TextField()  # normalised Message-ID, else sha256 of the raw bytes
    mail_from = pw.TextField(default="")
    rcpt_to = JSONField(default=list)
    queue_hint = pw.TextField(null=True)  # `ingest --queue`, IMAP mailbox queue
    raw = pw.BlobField(null=True)  # purged after [retention] raw_days; the row stays (mail log)
    size = pw.IntegerField()
    state = pw.TextField(default="new", index=True)  # SpoolState
    attempts = pw.IntegerField(default=0)
    claimed_until = UTCDateTimeField(null=True)  # a worker's lease; counts as an attempt
    claimed_by = pw.TextField(null=True)  # host:pid of the worker holding the lease
    reason = pw.TextField(null=True)
    outcome = pw.TextField(null=True)  # what the pipeline did, one line
    ticket_id = pw.IntegerField(null=True)
    message_id = pw.TextField(null=True, index=True)  # from the raw headers, at intake
    subject = pw.TextField(null=True)  # decoded, once processed
    processed_at = UTCDateTimeField(null=True)
    acknowledged_at = UTCDateTimeField(null=True)  # quarantined mail an admin has seen
    decision = JSONField(null=True)  # what the worker decided and why (`mail show`)
    processing_ms = pw.FloatField(null=True)  # reading, deciding, applying: the metrics

    class Meta:
        indexes = ((("mailbox", "dedupe_key"), True),
                   (("state", "id"), False))  # a worker's claim, oldest first


class Ticket(TicketModel):
    subject = pw.TextField()
    status = pw.TextField(default="new", index=True)
    queue = pw.TextField(index=True)
    assignee = pw.TextField(null=True, index=True)
    requester = pw.TextField(index=True)
    requester_name = pw.TextField(default="")
    priority = pw.TextField(default="normal")
    tags = JSONField(default=list)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    resolved_at = UTCDateTimeField(null=True)
    resolved_by = pw.TextField(null=True)
    closed_at = UTCDateTimeField(null=True)  # when it closed: replies within a window reopen
    root_message_id = pw.TextField(null=True)  # the thread root every reply references
    merged_from = pw.IntegerField(null=True)  # a closed ticket this one follows up
    version = pw.IntegerField(default=0)  # +1 on every change: a worker's plan re-checks it
    first_response_at = UTCDateTimeField(null=True)  # the first staff reply to the customer


    class Meta:
        only_save_dirty = True  # a change writes what it changed, not a stale copy of the rest
        # `tickets list` filters by these and pages newest first (by id)
        indexes = ((("status", "id"), False), (("queue", "status", "id"), False),
                   (("assignee", "status", "id"), False), (("requester", "id"), False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_was = self.load_holder()

    def load_holder(self) -> str | None:
        """Whose open-ticket count this ticket is in (least_open allocation), if anyone's."""
        return self.assignee if self.status in OPEN_STATUSES else None

    def save(self, *args, **kwargs):
        saved = super().save(*args, **kwargs)
        holder = self.load_holder()
        if holder != self._load_was:
            load_changed(self._load_was, holder)
            self._load_was = holder
        return saved


class TicketField(TicketModel):
    """A form field's value. One row per (ticket, field) with an index on (name, value):
    `tickets list --field serial=A-1234` is an index seek at any number of tickets, for
    fields the admin defines at will (a JSON column would need a scan, or an expression
    index per field made at configuration time)."""

    ticket = pw.ForeignKeyField(Ticket, backref="field_values", on_delete="CASCADE")
    name = pw.TextField()
    value = pw.TextField()  # canonical spelling, at most 500 characters (daemon/forms/spec.py)
    source = pw.TextField(default="")  # where it was read: 'body: "Serial: A-1"', 'staff x@y'
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "ticket_field"
        indexes = ((("ticket", "name"), True), (("name", "value", "ticket"), False))


class SlaClock(TicketModel):
    """A ticket's circulation clock: the rule in force, its due times, the time it spent
    paused (pending on the customer), the actions already taken, and when the housekeeper
    must look next (indexed: each minute it reads only the tickets whose moment has come)."""

    ticket = pw.ForeignKeyField(Ticket, primary_key=True, on_delete="CASCADE")
    rule = pw.TextField(null=True)  # the [[sla]] name; None once no rule covers the ticket
    started_at = UTCDateTimeField()
    paused_since = UTCDateTimeField(null=True)
    paused_seconds = pw.DoubleField(default=0.0)  # business seconds spent paused so far
    due_first_response = UTCDateTimeField(null=True)
    due_resolution = UTCDateTimeField(null=True)
    next_check_at = UTCDateTimeField(null=True, index=True)
    fired = JSONField(default=list)  # "rule#index" of every action taken

    class Meta:
        table_name = "sla_clock"


class StaffLoad(TicketModel):
    """Open tickets per staff member, as of the last compaction (least_open reads it)."""

    email = pw.TextField(primary_key=True)
    open_count = pw.IntegerField(default=0)


class StaffLoadChange(TicketModel):
    """Changes to StaffLoad since, appended in the change's own transaction: inserts only, so
    concurrent workers never wait on each other's counter rows; the housekeeper folds them."""

    email = pw.TextField(index=True)
    delta = pw.IntegerField()


class AllocationHold(TicketModel):
    """PostgreSQL: a least_open pick, counted for its member from the moment it is made (it
    commits at once, on a side connection) until the picking transaction commits, which
    deletes it; so workers on any host see each other's picks without a lock held across
    their batches. A hold whose transaction never commits is ignored after HOLD_SECONDS."""

    email = pw.TextField()
    created_at = UTCDateTimeField(default=utcnow, index=True)


HOLD_SECONDS = 300


def load_changed(was: str | None, now: str | None) -> None:
    db = StaffLoadChange._meta.database
    from daemon.store import rows

    changes = [{"email": e, "delta": d} for e, d in ((was, -1), (now, 1)) if e]
    rows.insert_many(db, StaffLoadChange, changes)


class Participant(TicketModel):
    ticket = pw.ForeignKeyField(Ticket, backref="participants", on_delete="CASCADE")
    email = pw.TextField()
    name = pw.TextField(default="")

    class Meta:
        indexes = ((("ticket", "email"), True),)


class Message(TicketModel):
    """One mail of a ticket, in or out, with its whole and its visible text."""

    ticket = pw.ForeignKeyField(Ticket, backref="messages", on_delete="CASCADE")
    spool_id = pw.BigIntegerField(null=True)  # the spool row it came in as (another store)
    direction = pw.TextField()  # in | out
    kind = pw.TextField()  # customer | staff | note | notification | auto_reply | bounce
    from_addr = pw.TextField(default="")
    to_addrs = JSONField(default=list)
    cc_addrs = JSONField(default=list)
    subject = pw.TextField(default="")
    text = pw.TextField(default="")
    visible_text = pw.TextField(default="")
    html = pw.TextField(default="")
    message_id = pw.TextField(null=True, index=True)
    thread_rung = pw.TextField(null=True)  # the rung that threaded it: subject tag, In-Reply-To...
    defects = JSONField(default=list)  # what the parser repaired or doubted
    sent_at = UTCDateTimeField(null=True)  # the author's Date
    created_at = UTCDateTimeField(default=utcnow)


class Blob(TicketModel):
    """Attachment content, stored once per sha256."""

    sha256 = pw.TextField(primary_key=True)
    data = pw.BlobField()
    size = pw.IntegerField()


class Attachment(TicketModel):
    message = pw.ForeignKeyField(Message, backref="attachments", on_delete="CASCADE")
    filename = pw.TextField()
    content_type = pw.TextField()
    size = pw.IntegerField()
    sha256 = pw.TextField(index=True)
    content_id = pw.TextField(default="")
    inline = pw.BooleanField(default=False)


class Event(TicketModel):
    ticket = pw.ForeignKeyField(Ticket, backref="events", on_delete="CASCADE")
    at = UTCDateTimeField(default=utcnow)
    actor = pw.TextField()
    action = pw.TextField()
    old = pw.TextField(null=True)
    new = pw.TextField(null=True)


class BouncingAddress(TicketModel):
    """An address our mail bounced from: later automatic notices to it are suppressed."""

    email = pw.TextField(primary_key=True)
    first_at = UTCDateTimeField(default=utcnow)
    last_at = UTCDateTimeField(default=utcnow)
    count = pw.IntegerField(default=1)
    status = pw.TextField(default="")  # the last DSN status, e.g. 5.1.1
    ticket_id = pw.IntegerField(null=True)  # the ticket of the last bounce


class Outbox(TicketModel):
    """A mail to send; written in the same transaction as the change it tells of.

    It holds the intent (template, frozen context, headers); the sender renders
    and composes it outside any transaction, the same Message-ID on every try.
    """

    ticket_id = pw.IntegerField(null=True, index=True)
    kind = pw.TextField()  # template name
    to_addrs = JSONField()
    subject = pw.TextField(default="")  # known once rendered
    message_id = pw.TextField(unique=True)
    intent = JSONField(null=True)
    raw = pw.BlobField(null=True)  # only rows queued by the first release
    rate_key = pw.TextField(null=True, index=True)  # acknowledged sender, for limits
    status = pw.TextField(default="pending", index=True)  # pending | sent | failed
    attempts = pw.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow, index=True)
    claimed_until = UTCDateTimeField(null=True)
    claimed_by = pw.TextField(null=True)
    last_error = pw.TextField(null=True)
    created_at = UTCDateTimeField(default=utcnow, index=True)
    sent_at = UTCDateTimeField(null=True)
    acknowledged_at = UTCDateTimeField(null=True)  # a failed notice an admin has seen

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),  # the sender's claim
                   (("rate_key", "kind", "created_at"), False),  # rate limits
                   (("ticket_id", "kind", "created_at"), False))  # staff-notice limit


class Applied(TicketModel):
    """Spool rows whose changes are committed here: the step that makes processing
    exactly once although spool and tickets commit separately."""

    spool_id = pw.BigIntegerField(primary_key=True)
    outcome = pw.TextField()  # Outcome
    summary = pw.TextField(default="")
    ticket_id = pw.IntegerField(null=True)
    at = UTCDateTimeField(default=utcnow)


class AssignCursor(TicketModel):
    """Round-robin position per queue, moved on in one statement per pick."""

    queue = pw.TextField(primary_key=True)
    last_assignee = pw.TextField(default="")  # the first release's cursor; unused since
    position = pw.IntegerField(default=0)


class RelayHealth(TicketModel):
    """The outbound relay as the sender last found it, for `ticketd status`."""

    relay = pw.TextField(primary_key=True)  # host:port, or the outbox folder
    failures = pw.IntegerField(default=0)  # consecutive failed attempts; 0 after a success
    failing_since = UTCDateTimeField(null=True)
    last_error = pw.TextField(null=True)
    last_success_at = UTCDateTimeField(null=True)
    checked_at = UTCDateTimeField(null=True)


class ImapState(SpoolModel):
    mailbox = pw.TextField(primary_key=True)
    uidvalidity = pw.BigIntegerField()
    last_uid = pw.BigIntegerField(default=0)  # highest UID committed to the spool
    handled_uid = pw.BigIntegerField(default=0)  # highest UID whose `after` action is done
    first_pass_until = pw.BigIntegerField(default=0)  # skip_seen_on_first_start: UIDNEXT-1
    updated_at = UTCDateTimeField(default=utcnow)
    # UID -> refused FETCHes, for this UIDVALIDITY; at FETCH_TRIES the UID is skipped for good
    refused_fetches = JSONField(default=dict)


class MailboxHealth(SpoolModel):
    """Each poller's last success and current failure, for `ticketd status` (§15c)."""

    mailbox = pw.TextField(primary_key=True)
    checked_at = UTCDateTimeField(null=True)  # last successful check of the folder
    failing_since = UTCDateTimeField(null=True)
    last_error = pw.TextField(null=True)
    auth_problem = pw.TextField(null=True)  # a revoked OAuth2 grant: needs the admin
    auth_problem_since = UTCDateTimeField(null=True)


class Heartbeat(SpoolModel):
    """Each loop of each running process says here that it is alive (ticketd status)."""

    name = pw.TextField(primary_key=True)  # host:role, e.g. "mx1:worker-2"
    pid = pw.IntegerField()
    started_at = UTCDateTimeField(default=utcnow)
    beat_at = UTCDateTimeField(default=utcnow)
    failing_since = UTCDateTimeField(null=True)
    last_error = pw.TextField(null=True)
    stopped = pw.BooleanField(default=False)  # a clean exit, not a hang


TICKET_MODELS = [Meta, Ticket, Participant, Message, Blob, Attachment, Event, Outbox,
                 AssignCursor, BouncingAddress, Applied, StaffLoad, StaffLoadChange,
                 TicketField, SlaClock, RelayHealth, AllocationHold]
SPOOL_MODELS = [SpoolMeta, Spool, ImapState, MailboxHealth, Heartbeat]
