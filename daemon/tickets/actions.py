"""Changes a person makes to a ticket (CLI or staff mail), each recorded and announced.

Both `ticketd tickets ...` and staff commands by email go through here, so a
change made either way leaves the same history and sends the same notices.
Each `check_*` raises ActionError without changing anything, so a mail's
commands can all be checked before the first one is applied.
"""

from __future__ import annotations

import re

from daemon.config import PRIORITIES, STATUSES, Config
from daemon.notices.notify import Notifier, message_context, stored_message
from daemon.store import repository
from daemon.store.models import Message, Ticket, utcnow
from daemon.tickets.allocation import pick_assignee
from parsers.commands import is_address

CUSTOMER_STATUS_NOTICES = {"resolved": "status_resolved", "pending": "status_pending"}
TAG = re.compile(r"^[\w.:/-]{1,50}$")


class ActionError(Exception):
    """A change that cannot be made, with the reason for the person who asked."""


class TicketActions:
    def __init__(self, config: Config, notifier: Notifier):
        self.config = config
        self.notifier = notifier

    # --- checks: raise ActionError, change nothing ------------------------------

    def resolve_staff(self, who: str, actor: str) -> str:
        """`me`, an address, a name, or an unambiguous first name or local part -> an address."""
        who = " ".join(who.split()).lower()
        if who == "me":
            who = actor.lower()
        for s in self.config.staff:
            if who in (s.email.lower(), s.name.lower()):
                return s.email.lower()
        short = {s.email.lower() for s in self.config.staff
                 if who in (s.email.lower().partition("@")[0], s.name.lower().partition(" ")[0])}
        if len(short) == 1:
            return short.pop()
        if short:
            names = ", ".join(sorted(short))
            raise ActionError(f"{who!r} names more than one staff member: {names}")
        raise ActionError(f"{who!r} is not a staff member")

    def check_status(self, status: str) -> None:
        if status not in STATUSES:
            raise ActionError(f"{status!r} is not a status (use {', '.join(STATUSES)})")

    def check_priority(self, priority: str) -> None:
        if priority not in PRIORITIES:
            raise ActionError(f"{priority!r} is not a priority (use {', '.join(PRIORITIES)})")

    def check_queue(self, name: str) -> None:
        if self.config.queue(name) is None:
            names = ", ".join(q.name for q in self.config.queues)
            raise ActionError(f"{name!r} is not a queue (use {names})")

    def check_tag(self, tag: str) -> None:
        if not TAG.match(tag or ""):
            raise ActionError(f"{tag!r} is not a tag (letters, digits, - _ . : / only, "
                              "at most 50)")

    def check_participant(self, email: str) -> None:
        own = {q.lower() for queue in self.config.queues for q in queue.addresses}
        own.add(self.notifier.sender.address)
        if not is_address(email):
            raise ActionError(f"{email!r} is not an email address")
        if email in own:
            raise ActionError(f"{email} is one of our own addresses")
        if self.config.staff_member(email):
            raise ActionError(f"{email} is staff; staff are not Cc'd to customers")

    # --- changes ---------------------------------------------------------------

    def assign(self, ticket: Ticket, who: str | None, actor: str, notify: bool = True) -> None:
        email = self.resolve_staff(who, actor) if who else None
        if email == ticket.assignee:
            return
        repository.record(ticket.id, actor, "assignee", ticket.assignee, email)
        ticket.assignee = email
        self._touch(ticket)
        if notify and email and email != actor:
            self.notifier.notice(ticket, "assigned", [email], message=self._last_message(ticket),
                                 in_reply_to=None, extra={"actor": actor})

    def set_status(self, ticket: Ticket, status: str, actor: str, notify: bool = True) -> None:
        self.check_status(status)
        if status == ticket.status:
            return
        repository.record(ticket.id, actor, "status", ticket.status, status)
        ticket.status = status
        if status == "resolved" or (status == "closed" and not ticket.resolved_by):
            ticket.resolved_at, ticket.resolved_by = utcnow(), actor  # who completed it
        elif status != "closed":
            ticket.resolved_at = ticket.resolved_by = None  # open again: not completed
        if status == "closed":
            ticket.closed_at = utcnow()
        self._touch(ticket)
        template = CUSTOMER_STATUS_NOTICES.get(status)
        if notify and template:
            self.notifier.notice(ticket, template, [ticket.requester],
                                 cc=repository.participants_of(ticket.id),
                                 message=self._last_message(ticket), in_reply_to=None,
                                 auto_submitted="auto-generated")

    def set_priority(self, ticket: Ticket, priority: str, actor: str) -> None:
        self.check_priority(priority)
        if priority != ticket.priority:
            repository.record(ticket.id, actor, "priority", ticket.priority, priority)
            ticket.priority = priority
            self._touch(ticket)

    def set_queue(self, ticket: Ticket, name: str, actor: str, reassign: bool = True) -> None:
        """Transfer; with `reassign`, the new queue's strategy picks the assignee."""
        self.check_queue(name)
        if name == ticket.queue:
            return
        repository.record(ticket.id, actor, "queue", ticket.queue, name)
        ticket.queue = name
        self._touch(ticket)
        if reassign:
            self._reassign_by_queue(ticket)

    def _reassign_by_queue(self, ticket: Ticket) -> None:
        queue = self.config.queue(ticket.queue)
        members = [m.lower() for m in queue.members]
        if queue.assign == "manual" or not members:
            pick = ticket.assignee if ticket.assignee in members else None
        else:
            pick = pick_assignee(queue.name, queue.assign, members)
        self.assign(ticket, pick, f"ticketd ({queue.assign})")

    def tag(self, ticket: Ticket, tag: str, actor: str) -> None:
        tags = list(ticket.tags or [])
        if tag and tag not in tags:
            repository.record(ticket.id, actor, "tag added", None, tag)
            ticket.tags = tags + [tag]
            self._touch(ticket)

    def untag(self, ticket: Ticket, tag: str, actor: str) -> None:
        tags = list(ticket.tags or [])
        if tag in tags:
            repository.record(ticket.id, actor, "tag removed", tag, None)
            ticket.tags = [t for t in tags if t != tag]
            self._touch(ticket)

    def cc(self, ticket: Ticket, action: str, email: str, actor: str) -> None:
        email = email.lower()
        if action == "add":
            self.check_participant(email)
            if repository.add_participant(ticket.id, email):
                repository.record(ticket.id, actor, "participant added", None, email)
        elif repository.drop_participant(ticket.id, email):
            repository.record(ticket.id, actor, "participant removed", email, None)
        self._touch(ticket)

    def add_note(self, ticket: Ticket, text: str, actor: str) -> Message:
        note = Message.create(ticket=ticket.id, direction="in", kind="note", from_addr=actor,
                              subject=f"note on #{ticket.id}", text=text, visible_text=text)
        repository.record(ticket.id, actor, "note", None, text[:200])
        self._touch(ticket)
        return note

    def _touch(self, ticket: Ticket) -> None:
        repository.touch(ticket)
        ticket.save()

    def _last_message(self, ticket: Ticket) -> dict:
        m = (Message.select().where((Message.ticket == ticket.id) & (Message.direction == "in"))
             .order_by(Message.id.desc()).first())
        if m is None:
            return message_context("", "", ticket.subject, "", "")
        return stored_message(m.id, m.from_addr, "")
