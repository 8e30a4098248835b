"""peewee models: the whole state of ticketd lives in these tables.

The models are bound to a database at start-up (`bind_models`), so one
process can talk to SQLite in tests and PostgreSQL in production.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import peewee as pw

SCHEMA_VERSION = 1


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


class BaseModel(pw.Model):
    class Meta:
        database = pw.DatabaseProxy()


class Meta(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class Spool(BaseModel):
    """Every inbound message, raw, stored before it is acknowledged."""

    received_at = UTCDateTimeField(default=utcnow, index=True)
    source = pw.CharField()  # "smtp", "pipe", "imap:<name>"
    mailbox = pw.CharField()  # dedupe scope: imap name or the envelope recipients
    dedupe_key = pw.CharField()  # normalised Message-ID, else sha256 of the raw bytes
    mail_from = pw.TextField(default="")
    rcpt_to = JSONField(default=list)
    queue_hint = pw.CharField(null=True)  # `ingest --queue`, IMAP mailbox queue
    raw = pw.BlobField()
    size = pw.IntegerField()
    state = pw.CharField(default="new", index=True)  # new | done | quarantined
    attempts = pw.IntegerField(default=0)
    claimed_until = UTCDateTimeField(null=True)  # a worker's lease; counts as an attempt
    reason = pw.TextField(null=True)
    outcome = pw.TextField(null=True)  # what the pipeline did, one line
    ticket_id = pw.IntegerField(null=True)

    class Meta:
        indexes = ((("mailbox", "dedupe_key"), True),)


class Ticket(BaseModel):
    subject = pw.TextField()
    status = pw.CharField(default="new", index=True)
    queue = pw.CharField(index=True)
    assignee = pw.CharField(null=True, index=True)
    requester = pw.CharField(index=True)
    requester_name = pw.CharField(default="")
    priority = pw.CharField(default="normal")
    tags = JSONField(default=list)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    resolved_at = UTCDateTimeField(null=True)
    resolved_by = pw.CharField(null=True)
    closed_at = UTCDateTimeField(null=True)  # when it closed: replies within a window reopen
    root_message_id = pw.CharField(null=True)  # the thread root every reply references
    merged_from = pw.IntegerField(null=True)  # a closed ticket this one follows up


class Participant(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="participants", on_delete="CASCADE")
    email = pw.CharField()
    name = pw.CharField(default="")

    class Meta:
        indexes = ((("ticket", "email"), True),)


class Message(BaseModel):
    """One mail of a ticket, in or out, with its whole and its visible text."""

    ticket = pw.ForeignKeyField(Ticket, backref="messages", on_delete="CASCADE")
    spool = pw.ForeignKeyField(Spool, null=True, on_delete="SET NULL")
    direction = pw.CharField()  # in | out
    kind = pw.CharField()  # customer | staff | note | notification | auto_reply | bounce
    from_addr = pw.CharField(default="")
    to_addrs = JSONField(default=list)
    cc_addrs = JSONField(default=list)
    subject = pw.TextField(default="")
    text = pw.TextField(default="")
    visible_text = pw.TextField(default="")
    html = pw.TextField(default="")
    message_id = pw.CharField(null=True, index=True)
    thread_rung = pw.CharField(null=True)  # how a follow-up was matched
    defects = JSONField(default=list)  # what the parser repaired or doubted
    sent_at = UTCDateTimeField(null=True)  # the author's Date
    created_at = UTCDateTimeField(default=utcnow)


class Blob(BaseModel):
    """Attachment content, stored once per sha256."""

    sha256 = pw.CharField(primary_key=True)
    data = pw.BlobField()
    size = pw.IntegerField()


class Attachment(BaseModel):
    message = pw.ForeignKeyField(Message, backref="attachments", on_delete="CASCADE")
    filename = pw.TextField()
    content_type = pw.CharField()
    size = pw.IntegerField()
    sha256 = pw.CharField(index=True)
    content_id = pw.CharField(default="")
    inline = pw.BooleanField(default=False)


class Event(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="events", on_delete="CASCADE")
    at = UTCDateTimeField(default=utcnow)
    actor = pw.CharField()
    action = pw.CharField()
    old = pw.TextField(null=True)
    new = pw.TextField(null=True)


class BouncingAddress(BaseModel):
    """An address our mail bounced from: later automatic notices to it are suppressed."""

    email = pw.CharField(primary_key=True)
    first_at = UTCDateTimeField(default=utcnow)
    last_at = UTCDateTimeField(default=utcnow)
    count = pw.IntegerField(default=1)
    status = pw.CharField(default="")  # the last DSN status, e.g. 5.1.1
    ticket_id = pw.IntegerField(null=True)  # the ticket of the last bounce


class Outbox(BaseModel):
    """A mail to send; written in the same transaction as the change it tells of."""

    ticket_id = pw.IntegerField(null=True, index=True)
    kind = pw.CharField()  # template name
    to_addrs = JSONField()
    subject = pw.TextField()
    message_id = pw.CharField(unique=True)
    raw = pw.BlobField()
    rate_key = pw.CharField(null=True, index=True)  # acknowledged sender, for limits
    status = pw.CharField(default="pending", index=True)  # pending | sent | failed
    attempts = pw.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow, index=True)
    claimed_until = UTCDateTimeField(null=True)
    last_error = pw.TextField(null=True)
    created_at = UTCDateTimeField(default=utcnow, index=True)
    sent_at = UTCDateTimeField(null=True)


class AssignCursor(BaseModel):
    """Round-robin position per queue."""

    queue = pw.CharField(primary_key=True)
    last_assignee = pw.CharField()


class ImapState(BaseModel):
    mailbox = pw.CharField(primary_key=True)
    uidvalidity = pw.BigIntegerField()
    last_uid = pw.BigIntegerField(default=0)  # highest UID committed to the spool
    handled_uid = pw.BigIntegerField(default=0)  # highest UID whose `after` action is done
    first_pass_until = pw.BigIntegerField(default=0)  # skip_seen_on_first_start: UIDNEXT-1
    updated_at = UTCDateTimeField(default=utcnow)


class MailboxHealth(BaseModel):
    """Each poller's last success and current failure, for `ticketd status` (§15c)."""

    mailbox = pw.CharField(primary_key=True)
    checked_at = UTCDateTimeField(null=True)  # last successful check of the folder
    failing_since = UTCDateTimeField(null=True)
    last_error = pw.TextField(null=True)


ALL_MODELS = [Meta, Spool, Ticket, Participant, Message, Blob, Attachment, Event, Outbox,
              AssignCursor, ImapState, BouncingAddress, MailboxHealth]
