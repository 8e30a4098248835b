"""Changes a person makes to a ticket (CLI or staff mail), each recorded and announced.

Both `ticketd tickets ...` and staff commands by email go through here, so a
change made either way leaves the same history and sends the same notices.
"""

from __future__ import annotations

from daemon import repository
from daemon.config import STATUSES, Config
from daemon.models import Message, Ticket, utcnow
from daemon.notify import Notifier, message_context

CUSTOMER_STATUS_NOTICES = {"resolved": "status_resolved", "pending": "status_pending"}


class ActionError(Exception):
    """A change that cannot be made, with the reason for the person who asked."""


class TicketActions:
    def __init__(self, config: Config, notifier: Notifier):
        self.config = config
        self.notifier = notifier

    def resolve_staff(self, who: str, actor: str) -> str:
        """`me`, an address or a name (case-insensitive) -> a staff address."""
        who = who.strip()
        if who.lower() == "me":
            who = actor
        for s in self.config.staff:
            if who.lower() in (s.email.lower(), s.name.lower()):
                return s.email.lower()
        raise ActionError(f"{who!r} is not a staff member")

    def assign(self, ticket: Ticket, who: str, actor: str, notify: bool = True) -> None:
        email = self.resolve_staff(who, actor)
        if email == ticket.assignee:
            return
        repository.record(ticket.id, actor, "assignee", ticket.assignee, email)
        ticket.assignee = email
        self._touch(ticket)
        if notify and email != actor:
            self.notifier.notice(ticket, "assigned", [email], message=self._last_message(ticket),
                                 in_reply_to=None, extra={"actor": actor})

    def set_status(self, ticket: Ticket, status: str, actor: str, notify: bool = True) -> None:
        if status not in STATUSES:
            raise ActionError(f"{status!r} is not a status (use {', '.join(STATUSES)})")
        if status == ticket.status:
            return
        repository.record(ticket.id, actor, "status", ticket.status, status)
        ticket.status = status
        if status == "resolved":
            ticket.resolved_at, ticket.resolved_by = utcnow(), actor
        self._touch(ticket)
        template = CUSTOMER_STATUS_NOTICES.get(status)
        if notify and template:
            self.notifier.notice(ticket, template, [ticket.requester],
                                 cc=repository.participants_of(ticket.id),
                                 message=self._last_message(ticket), in_reply_to=None,
                                 auto_submitted="auto-generated")

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
        return message_context(m.from_addr, "", m.subject, m.text, m.visible_text)
