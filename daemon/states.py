"""The named states and outcomes of ticketd, one vocabulary for code, database and JSON.

Each is a StrEnum, so a value compares equal to (and is stored as) its plain
string: the database and `--json` output keep the strings of DESIGN.md.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"  # to be allocated
    OPEN = "open"  # being followed
    PENDING = "pending"  # waiting for the customer
    RESOLVED = "resolved"  # completed
    CLOSED = "closed"


STATUSES = tuple(s.value for s in Status)  # the order people read them in
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)
REOPENING = (Status.PENDING, Status.RESOLVED)  # a customer's reply opens these again


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITIES = tuple(p.value for p in Priority)  # lowest first: escalation steps up this list


class Action(StrEnum):
    """What a plan does to the tickets."""

    CREATE = "create"
    APPEND = "append"
    IGNORE = "ignore"
    STATUS_LIST = "status_list"


class Kind(StrEnum):
    """A stored message's kind (DESIGN.md's `messages[].kind`)."""

    CUSTOMER = "customer"
    STAFF = "staff"
    NOTE = "note"
    NOTIFICATION = "notification"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    SPAM = "spam"
    OWN = "own"  # our own mail come back; never stored


class SpoolState(StrEnum):
    NEW = "new"
    DONE = "done"
    QUARANTINED = "quarantined"


class Outcome(StrEnum):
    """What became of an accepted mail: the mail log's `outcome`."""

    TICKET = "ticket"
    FOLLOW_UP = "follow_up"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"
    HELD = "held"
    PENDING = "pending"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
