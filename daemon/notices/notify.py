"""Queue a notice: an outbox row holding its intent, in the caller's transaction.

The intent is the template's name and a frozen copy of what it will show
(the ticket as it is at this change, the message, the extras), with the
Message-ID and Date fixed now. The outbox sender renders and composes it
outside any transaction, the same bytes on every try. The notice is also an
outbound Message of its ticket (its text filled in once rendered), so a
reply that quotes only our Message-ID still threads.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from daemon.config import Config
from daemon.notices.compose import new_message_id
from daemon.notices.render import CUSTOMER_FACING
from daemon.staff.tokens import FORWARD, StaffTokens, staff_tokens
from daemon.store import repository, rows
from daemon.store.models import Message, Outbox, Ticket, utcnow
from parsers.addresses import parse_address, split_plus


@dataclass(frozen=True)
class Sender:
    name: str
    address: str
    message_id_domain: str


def sender_from_config(config: Config) -> Sender:
    name, addr = parse_address(config.outbound.from_)
    domain = config.outbound.message_id_domain or addr.rpartition("@")[2]
    return Sender(name or addr, addr, domain)


def tag_of(config: Config, ticket_id: int) -> str:
    return f"[{config.tickets.tag_prefix} #{ticket_id}]"


def ticket_context(config: Config, t: Ticket, participants: list[str] | None = None) -> dict:
    staff = config.staff_member(t.assignee) if t.assignee else None
    return {
        "id": t.id, "tag": tag_of(config, t.id), "subject": t.subject, "status": t.status,
        "queue": t.queue,
        "assignee": t.assignee, "assignee_name": (staff.name if staff and staff.name
                                                  else t.assignee or ""),
        "requester": t.requester, "requester_name": t.requester_name,
        "priority": t.priority, "tags": list(t.tags or []),
        "created_at": t.created_at.isoformat(),
        "participants": (participants if participants is not None
                         else repository.participants_of(t.id)),
    }


def message_context(from_addr: str, from_name: str, subject: str, text: str,
                    visible: str) -> dict:
    return {"from": from_addr, "from_name": from_name, "subject": subject, "text": text,
            "visible_text": visible}


def stored_message(message_id: int, from_addr: str, from_name: str) -> dict:
    """A notice about a mail that is stored already names it instead of copying its text:
    the sender reads subject and text back when it renders (the text is stored once)."""
    return {"from": from_addr, "from_name": from_name, "stored": message_id}


class Notifier:
    def __init__(self, config: Config, tokens: StaffTokens | None = None):
        self.config = config
        self.sender = sender_from_config(config)
        self.own = frozenset({self.sender.address} | {a.lower() for q in config.queues
                                                       for a in q.addresses})
        self.staff = frozenset(m.email.lower() for m in config.staff)
        self.tokens = tokens or staff_tokens(config)

    def is_own(self, addr: str) -> bool:
        """Our own addresses (support+anything@ too): never mailed, so never a loop."""
        a = (addr or "").lower()
        return a in self.own or split_plus(a)[0] in self.own

    def notice(self, ticket: Ticket, template: str, to: list[str], *, message: dict,
               in_reply_to: str | None, auto_submitted: str | None = "auto-generated",
               cc: list[str] = (), extra: dict | None = None, rate_key: str | None = None,
               from_name: str | None = None, kind: str = "notification",
               attachments: tuple = (), thread: list[str] | None = None) -> str | None:
        """Queue `template` for `to`; returns its Message-ID, or None when nobody is left.
        `thread` (the ticket's Message-IDs, oldest first) saves a query when known (a notice
        to staff: one to the customer's side references only what that side has seen)."""
        to = [a for a in dict.fromkeys(to) if a and not self.is_own(a)]
        cc = [a for a in dict.fromkeys(cc) if a and a not in to and not self.is_own(a)]
        if not to:
            return None
        refs = self._references(ticket.id, to + cc, thread)
        context = {"ticket": ticket_context(self.config, ticket), "message": message,
                   "tag": tag_of(self.config, ticket.id), "support_name": self.sender.name,
                   "support_address": self.sender.address, "recipient": to[0], **(extra or {})}
        headers = {
            "from_name": from_name or self.sender.name, "auto_submitted": auto_submitted,
            "in_reply_to": in_reply_to or (refs[-1] if refs else None),
            "references": list(refs),
            "attachments": [{"filename": a.filename, "content_type": a.content_type,
                             "sha256": a.sha256, "size": a.size} for a in attachments]}
        mids = [self._one(ticket, template, split, context, rate_key, headers, kind, attachments)
                for split in self._split(ticket.id, to, cc)]
        return mids[0]

    def _split(self, ticket_id: int, to: list[str], cc: list[str]):
        """(to, cc, reply_to) per mail: each staff member alone, with a Reply-To that
        carries their token for this ticket; everyone else together, as before."""
        if not self.tokens.usable:
            yield to, cc, None
            return
        staff = [a for a in to + cc if a.lower() in self.staff]
        rest_to = [a for a in to if a not in staff]
        rest_cc = [a for a in cc if a not in staff]
        for member in staff:
            yield [member], [], self.tokens.reply_address(self.sender.address, member,
                                                          ticket_id)
        if rest_to or rest_cc:
            yield (rest_to or rest_cc[:1]), (rest_cc if rest_to else rest_cc[1:]), None

    def _one(self, ticket, template, to_cc, context, rate_key, headers, kind, attachments):
        to, cc, reply_to = to_cc
        context = {**context, "recipient": to[0]}
        if reply_to:  # a staff member's own copy: where they forward customer mail
            context.setdefault("forward_address", self.tokens.reply_address(
                self.sender.address, to[0], FORWARD))
        mid = self._queue(template, to, cc, context, ticket.id, rate_key,
                          {**headers, "reply_to": reply_to})
        db = Message._meta.database
        message_row = rows.insert(db, Message, ticket=ticket.id, direction="out", kind=kind,
                                  from_addr=self.sender.address, to_addrs=to, cc_addrs=cc,
                                  message_id=mid)
        if attachments:  # the content is stored already, with the inbound mail
            from daemon.store.models import Attachment

            rows.insert_many(db, Attachment, [
                {"message": message_row, "filename": a.filename, "content_type": a.content_type,
                 "size": a.size, "sha256": a.sha256} for a in attachments])
        repository.record(ticket.id, "ticketd", "notified", None,
                          f"{template} to {', '.join(to + cc)}")
        return mid

    def _references(self, ticket_id: int, recipients: list[str], thread: list[str] | None
                    ) -> list[str]:
        """The whole thread for staff; for the customer's side, only what they have seen."""
        if any(self.config.staff_member(a) for a in recipients):
            return thread if thread is not None else repository.thread_message_ids(ticket_id)
        return repository.customer_thread_message_ids(ticket_id, CUSTOMER_FACING)

    def standalone(self, template: str, to: str, context: dict, in_reply_to: str | None,
                   rate_key: str | None) -> str:
        """A notice about no one ticket (the `status` list): no Message row."""
        context = {"support_name": self.sender.name, "support_address": self.sender.address,
                   "recipient": to, **context}
        return self._queue(template, [to], [], context, None, rate_key, {
            "from_name": self.sender.name, "auto_submitted": "auto-replied",
            "in_reply_to": in_reply_to, "references": [in_reply_to] if in_reply_to else [],
            "attachments": []})

    def _queue(self, template: str, to: list[str], cc: list[str], context: dict,
               ticket_id: int | None, rate_key: str | None, headers: dict) -> str:
        mid = new_message_id(self.sender.message_id_domain)
        now = utcnow()
        intent = {"template": template, "context": context, "to": to, "cc": cc,
                  "date": now.isoformat(), **headers}
        rows.add(_db(), Outbox, ticket_id=ticket_id, kind=template, to_addrs=to + cc,
                 message_id=mid, intent=intent, rate_key=rate_key, created_at=now,
                 next_attempt_at=now)
        return mid


def _db() -> pw.Database:
    return Outbox._meta.database
