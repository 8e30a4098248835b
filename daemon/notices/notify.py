"""Turn a notice into an outbox row, in the caller's transaction.

Every mail we send is also stored as an outbound Message of its ticket, so a
reply that quotes only our Message-ID (no tag) still threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.config import Config
from daemon.notices.compose import OutgoingMail, build, new_message_id
from daemon.notices.render import Renderer
from daemon.store import repository
from daemon.store.models import Attachment, Message, Outbox, Ticket
from parsers.addresses import parse_address


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


def ticket_context(config: Config, t: Ticket) -> dict:
    staff = config.staff_member(t.assignee) if t.assignee else None
    return {
        "id": t.id, "subject": t.subject, "status": t.status, "queue": t.queue,
        "assignee": t.assignee, "assignee_name": (staff.name if staff and staff.name
                                                  else t.assignee or ""),
        "requester": t.requester, "requester_name": t.requester_name,
        "priority": t.priority, "tags": list(t.tags or []),
        "created_at": t.created_at.isoformat(),
        "participants": repository.participants_of(t.id),
    }


def message_context(from_addr: str, from_name: str, subject: str, text: str,
                    visible: str) -> dict:
    return {"from": from_addr, "from_name": from_name, "subject": subject, "text": text,
            "visible_text": visible}


class Notifier:
    def __init__(self, config: Config, renderer: Renderer):
        self.config = config
        self.renderer = renderer
        self.sender = sender_from_config(config)

    def notice(self, ticket: Ticket, template: str, to: list[str], *, message: dict,
               in_reply_to: str | None, auto_submitted: str | None = "auto-generated",
               cc: list[str] = (), extra: dict | None = None, rate_key: str | None = None,
               from_name: str | None = None, kind: str = "notification",
               attachments: tuple = ()) -> Outbox | None:
        """Render `template` for `to` and queue it; returns None when nobody is left."""
        to = [a for a in dict.fromkeys(to) if a and a != self.sender.address]
        cc = [a for a in dict.fromkeys(cc) if a and a not in to and a != self.sender.address]
        if not to:
            return None
        context = {
            "ticket": ticket_context(self.config, ticket), "message": message,
            "tag": tag_of(self.config, ticket.id), "support_name": self.sender.name,
            "support_address": self.sender.address, "recipient": to[0],
        }
        context.update(extra or {})
        rendered = self.renderer.render(template, context)
        mid = new_message_id(self.sender.message_id_domain)
        refs = repository.thread_message_ids(ticket.id)
        mail = OutgoingMail(
            from_name=from_name or self.sender.name, from_addr=self.sender.address,
            to=tuple(to), cc=tuple(cc), subject=rendered.subject, body=rendered.body,
            message_id=mid, ticket_id=ticket.id, in_reply_to=in_reply_to or (refs[-1] if refs
                                                                             else None),
            references=tuple(refs), auto_submitted=auto_submitted,
            attachments=tuple((a.filename, a.content_type, a.data) for a in attachments),
        )
        raw = build(mail)
        sent = Message.create(ticket=ticket.id, direction="out", kind=kind,
                              from_addr=self.sender.address, to_addrs=to, cc_addrs=cc,
                              subject=rendered.subject, text=rendered.body,
                              visible_text=rendered.body, message_id=mid)
        for a in attachments:  # the content is stored already, with the inbound mail
            Attachment.create(message=sent.id, filename=a.filename,
                              content_type=a.content_type, size=a.size, sha256=a.sha256)
        row = Outbox.create(ticket_id=ticket.id, kind=template, to_addrs=to + cc,
                            subject=rendered.subject, message_id=mid, raw=raw,
                            rate_key=rate_key)
        repository.record(ticket.id, "ticketd", "notified", None,
                          f"{template} to {', '.join(to + cc)}")
        return row
