"""Carry out a staff mail: commands, then the relay to the customer or the internal note.

All commands of one mail are checked before the first is applied: one bad
command and nothing changes, the customer hears nothing, and the staff member
gets `command_error` saying why. The relay goes from the support address as
"<Staff Name> via <Support Name>", threaded into the customer's conversation,
and carries only what the staff member wrote.
"""

from __future__ import annotations

import logging

from daemon.clock import SYSTEM_CLOCK, Clock
from daemon.config import Config
from daemon.notices.notify import Notifier, message_context, ticket_context
from daemon.store import repository
from daemon.store.models import Message, Ticket
from daemon.tickets import commands
from daemon.tickets.actions import TicketActions
from parsers.commands import CommandBlock
from parsers.message import ParsedMessage

log = logging.getLogger("ticketd.staff")



class StaffMail:
    def __init__(self, config: Config, notifier: Notifier, clock: Clock = SYSTEM_CLOCK):
        self.config = config
        self.notifier = notifier
        self.actions = TicketActions(config, notifier, clock)

    def carry_out(self, ticket: Ticket, block: CommandBlock, msg: ParsedMessage,
                  stored_id: int) -> None:
        actor = (msg.from_addr or "").lower()
        if block.has("fwd"):
            self._forwarded(ticket, block, actor)
            return
        errors = list(block.errors) + self.check(block, actor)
        if errors:
            self._refuse(ticket, errors, msg, actor)
            return
        note = block.has("note")
        relaying = bool(block.text) and not note
        status = self._apply(ticket, block, actor, notify_status=not relaying)
        if ticket.status == "new" and not block.has("status"):
            self.actions.set_status(ticket, "open", actor, notify=False)
        if note:
            self._note(ticket, block.text, msg, actor)
        elif relaying:
            self._relay(ticket, block.text, msg, actor, status, stored_id)

    # --- commands --------------------------------------------------------------

    def check(self, block: CommandBlock, actor: str) -> list[str]:
        """Every reason the commands cannot all be applied; empty when they can."""
        return commands.check(self.actions, block.commands, actor)

    def _apply(self, ticket: Ticket, block: CommandBlock, actor: str,
               notify_status: bool) -> str | None:
        """Apply checked commands; returns the status set by `#status`, if any."""
        before = ticket.status
        commands.apply_in_order(self.actions, ticket, block.commands, actor, notify_status)
        return ticket.status if block.has("status") and ticket.status != before else None

    def _refuse(self, ticket: Ticket, errors: list[str], msg: ParsedMessage,
                actor: str) -> None:
        log.info("#%s: commands from %s refused: %s", ticket.id, actor, "; ".join(errors))
        repository.record(ticket.id, actor, "commands refused", None, "; ".join(errors))
        self.notifier.notice(ticket, "command_error", [actor], message=_context(msg),
                             in_reply_to=msg.message_id, auto_submitted="auto-replied",
                             extra={"errors": errors})

    def _forwarded(self, ticket: Ticket, block: CommandBlock, actor: str) -> None:
        repository.record(ticket.id, actor, "forwarded", None,
                          f"forwarded by {actor} for {ticket.requester}")
        self.actions.add_note(ticket, f"Forwarded by {actor}.", actor)
        rest = CommandBlock(tuple(c for c in block.commands if c.name != "fwd"), "",
                            block.errors)
        if not (rest.errors or self.check(rest, actor)):
            self._apply(ticket, rest, actor, notify_status=True)

    # --- what is sent ------------------------------------------------------------

    def _relay(self, ticket: Ticket, text: str, msg: ParsedMessage, actor: str,
               status: str | None, stored_id: int) -> None:
        """The staff text, and the files they attached (as stored: the size limits
        applied; inline signature images stay behind), to the customer."""
        name = self.staff_name(actor)
        self.actions.responded(ticket)
        self.notifier.notice(
            ticket, "relay", [ticket.requester], cc=repository.participants_of(ticket.id),
            message=message_context(actor, name, msg.subject, text, text),
            in_reply_to=_last_customer_message_id(ticket.id), auto_submitted=None,
            from_name=f"{name} via {self.notifier.sender.name}", kind="staff",
            extra={"staff_name": name, "status_change": status or ""},
            attachments=repository.stored_files(stored_id))

    def _note(self, ticket: Ticket, text: str, msg: ParsedMessage, actor: str) -> None:
        repository.record(ticket.id, actor, "note", None, text[:200])
        self.actions.notify_note(ticket, text, actor, msg.subject, in_reply_to=msg.message_id)

    def note_recipients(self, ticket: Ticket, actor: str) -> list[str]:
        return self.actions.note_recipients(ticket, actor)

    def staff_name(self, email: str) -> str:
        return self.actions.staff_name(email)

    # --- customer self-service -----------------------------------------------------

    def status_list(self, sender: str, msg: ParsedMessage) -> str | None:
        """A mail with the subject `status`: the sender's open tickets, to the sender only."""
        limit = self.config.tickets.status_requests_per_hour
        repository.serialise_rate_key("status:" + sender)  # two workers do not both count
        if repository.sent_since("status_list", sender, repository.one_hour_ago()) >= limit:
            log.info("status list for %s not sent: %s per hour already", sender, limit)
            return None
        tickets = [ticket_context(self.config, t) for t in repository.open_tickets_of(sender)]
        return self.notifier.standalone("status_list", sender, {"tickets": tickets},
                                        in_reply_to=msg.message_id, rate_key=sender)


def _context(msg: ParsedMessage) -> dict:
    return message_context(msg.from_addr or "", msg.from_name, msg.subject, msg.text,
                           msg.visible_text)


def _last_customer_message_id(ticket_id: int) -> str | None:
    m = (Message.select(Message.message_id)
         .where((Message.ticket == ticket_id) & (Message.kind == "customer") &
                (Message.direction == "in") & Message.message_id.is_null(False))
         .order_by(Message.id.desc()).first())
    return m.message_id if m else None
