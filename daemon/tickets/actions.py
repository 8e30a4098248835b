"""Changes a person makes to a ticket (CLI or staff mail), each recorded and announced.

Both `ticketd tickets ...` and staff commands by email go through here, so a
change made either way leaves the same history and sends the same notices.
Each `check_*` raises ActionError without changing anything, so a mail's
commands can all be checked before the first one is applied.
"""

from __future__ import annotations

from daemon.circulation.timers import Timers
from daemon.clock import SYSTEM_CLOCK, Clock
from daemon.config import Config
from daemon.forms.extract import missing
from daemon.notices.notify import Notifier, message_context, stored_message
from daemon.store import fields as field_rows
from daemon.store import repository
from daemon.store.models import Message, Ticket
from daemon.tickets.allocation import pick_assignee
from daemon.tickets.checks import ActionError, Checks  # noqa: F401 (ActionError: used from here)
from parsers.commands import is_address

CUSTOMER_STATUS_NOTICES = {"resolved": "status_resolved", "pending": "status_pending"}


class TicketActions(Checks):
    def __init__(self, config: Config, notifier: Notifier, clock: Clock = SYSTEM_CLOCK):
        super().__init__(config)
        self.notifier = notifier
        self.clock = clock
        self.timers = Timers(config, clock)

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
        self._record(ticket, actor, "assignee", ticket.assignee, email)
        ticket.assignee = email
        self._touch(ticket)
        if notify and email and email != actor:
            self.notifier.notice(ticket, "assigned", [email], message=self.last_message(ticket),
                                 in_reply_to=None, extra={"actor": actor})

    def set_status(self, ticket: Ticket, status: str, actor: str, notify: bool = True) -> None:
        self.check_status(status)
        if status == ticket.status:
            return
        self._record(ticket, actor, "status", ticket.status, status)
        ticket.status = status
        if status == "resolved" or (status == "closed" and not ticket.resolved_by):
            ticket.resolved_at, ticket.resolved_by = self.clock.now(), actor  # who completed it
        elif status != "closed":
            ticket.resolved_at = ticket.resolved_by = None  # open again: not completed
        if status == "closed":
            ticket.closed_at = self.clock.now()
        self._touch(ticket)
        template = CUSTOMER_STATUS_NOTICES.get(status)
        if notify and template:
            self.notifier.notice(ticket, template, [ticket.requester],
                                 cc=repository.participants_of(ticket.id),
                                 message=self.last_message(ticket), in_reply_to=None,
                                 auto_submitted="auto-generated")

    def set_priority(self, ticket: Ticket, priority: str, actor: str) -> None:
        self.check_priority(priority)
        if priority != ticket.priority:
            self._record(ticket, actor, "priority", ticket.priority, priority)
            ticket.priority = priority
            self._touch(ticket)

    def set_queue(self, ticket: Ticket, name: str, actor: str, reassign: bool = True) -> None:
        """Transfer; with `reassign`, the new queue's strategy picks the assignee."""
        self.check_queue(name)
        if name == ticket.queue:
            return
        self._record(ticket, actor, "queue", ticket.queue, name)
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
            self._record(ticket, actor, "tag added", None, tag)
            ticket.tags = tags + [tag]
            self._touch(ticket)

    def untag(self, ticket: Ticket, tag: str, actor: str) -> None:
        tags = list(ticket.tags or [])
        if tag in tags:
            self._record(ticket, actor, "tag removed", tag, None)
            ticket.tags = [t for t in tags if t != tag]
            self._touch(ticket)

    def cc(self, ticket: Ticket, action: str, email: str, actor: str) -> None:
        email = email.lower()
        if action == "add":
            self.check_participant(email)
            if repository.add_participant(ticket.id, email):
                self._record(ticket, actor, "participant added", None, email)
        elif repository.drop_participant(ticket.id, email):
            self._record(ticket, actor, "participant removed", email, None)
        self._touch(ticket)

    def add_note(self, ticket: Ticket, text: str, actor: str, notify: bool = False) -> Message:
        """An internal note; with `notify`, told to staff as a `#note` by mail is."""
        note = Message.create(ticket=ticket.id, direction="in", kind="note", from_addr=actor,
                              subject=f"note on #{ticket.id}", text=text, visible_text=text)
        self._record(ticket, actor, "note", None, text[:200])
        self._touch(ticket)
        if notify:
            self.notify_note(ticket, text, actor, note.subject, in_reply_to=None)
        return note

    def notify_note(self, ticket: Ticket, text: str, actor: str, subject: str,
                    in_reply_to: str | None) -> None:
        to = [a for a in self.note_recipients(ticket, actor) if a != actor]
        if to:
            name = self.staff_name(actor)
            self.notifier.notice(ticket, "note", to, in_reply_to=in_reply_to,
                                 message=message_context(actor, name, subject, text, text),
                                 extra={"actor": name})

    def note_recipients(self, ticket: Ticket, actor: str) -> list[str]:
        """The assignee; when the author is the assignee (or there is none), the queue."""
        if ticket.assignee and ticket.assignee != actor:
            return [ticket.assignee]
        queue = self.config.queue(ticket.queue)
        return [m.lower() for m in queue.members] if queue else []

    def staff_name(self, email: str) -> str:
        member = self.config.staff_member(email)
        return member.name if member and member.name else email

    def set_field(self, ticket: Ticket, name: str, value: str, actor: str,
                  source: str | None = None) -> None:
        """Set a form field (checked by type); a ticket waiting for its required fields
        opens once the last one is given."""
        name = name.lower()
        value = self.check_field(name, value)
        old = field_rows.set_value(ticket.id, name, value, source or f"set by {actor}",
                                  self.clock.now())
        if old == value:
            return
        self._record(ticket, actor, f"field {name}", old, value)
        self._touch(ticket)
        self.open_when_complete(ticket, actor)

    def open_when_complete(self, ticket: Ticket, actor: str) -> None:
        waiting = self.config.forms.waiting_status
        if not waiting or waiting == "new" or ticket.status != waiting:
            return
        have = set(field_rows.values_of(ticket.id))
        if not missing(tuple(self.fields.values()), ticket.queue, have):
            self.set_status(ticket, "open", actor, notify=False)

    def responded(self, ticket: Ticket) -> None:
        """A staff reply went to the customer (the first one counts for circulation)."""
        self.timers.responded(ticket)

    def _record(self, ticket: Ticket, actor: str, action: str, old=None, new=None) -> None:
        repository.record(ticket.id, actor, action, old, new, at=self.clock.now())

    def _touch(self, ticket: Ticket) -> None:
        repository.touch(ticket, self.clock.now())
        ticket.save()
        self.timers.sync(ticket)

    def last_message(self, ticket: Ticket) -> dict:
        m = (Message.select().where((Message.ticket == ticket.id) & (Message.direction == "in"))
             .order_by(Message.id.desc()).first())
        if m is None:
            return message_context("", "", ticket.subject, "", "")
        return stored_message(m.id, m.from_addr, "")
