"""Planning for staff mail and the other senders with special rights: pure, no I/O.

plan.py asks here about staff follow-ups (commands, relay, note), staff mail
whose From is not vouched for, staff forwards (`#fwd`), `status` requests,
replies to closed tickets, and web forms whose Reply-To names the requester.
The values checked against the config (is `bob` staff?) wait for apply time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from daemon.classify import Classification, TicketView
from parsers.authres import verify_sender
from parsers.commands import CommandBlock, parse_commands
from parsers.forward import attached_sender, forwarded_sender
from parsers.message import ParsedMessage

UNVERIFIED = "unverified_staff"


@dataclass(frozen=True)
class Policy:
    """The config facts and the clock that planning needs."""

    reopen_closed_within_days: int = 0
    trust_reply_to: tuple[str, ...] = ()
    now: datetime | None = None
    own_addresses: frozenset[str] = field(default_factory=frozenset)

    def reopens_closed(self, ticket: TicketView) -> bool:
        if not self.reopen_closed_within_days or ticket.closed_at is None or self.now is None:
            return False
        return self.now - ticket.closed_at <= timedelta(days=self.reopen_closed_within_days)

    def trusts_reply_to(self, from_addr: str | None) -> bool:
        addr = (from_addr or "").lower()
        return any(addr == t.lower() or (t.startswith("@") and addr.endswith(t.lower()))
                   for t in self.trust_reply_to)


def gate_staff(msg: ParsedMessage, cls: Classification, authserv_id: str) -> Classification:
    """With an authserv-id configured, a staff From needs its DMARC/aligned DKIM pass."""
    if not authserv_id or cls.sender_role != "staff":
        return cls
    verdict = verify_sender(msg.authentication_results, authserv_id, msg.from_addr)
    if verdict.passed:
        return dataclasses.replace(cls, notes=cls.notes + (f"staff sender: {verdict.reason}",))
    note = (f"staff From {msg.from_addr} is not authenticated ({verdict.reason}): "
            "handled as a customer's mail, commands ignored")
    return dataclasses.replace(cls, sender_role=UNVERIFIED, notes=cls.notes + (note,))


def staff_commands(msg: ParsedMessage) -> CommandBlock:
    return parse_commands(msg.visible_text)


def staff_outcome(block: CommandBlock, where: str) -> tuple[str, str]:
    """(message kind, outcome line) for a staff follow-up."""
    if block.errors:
        return "staff", f"staff mail on {where}: refused ({'; '.join(block.errors)})"
    done = ", ".join(str(c) for c in block.commands) or "no commands"
    if block.has("note"):
        return "note", f"internal note on {where} ({done})"
    if block.text:
        return "staff", f"staff reply on {where} ({done})"
    return "staff", f"staff commands on {where} ({done})"


def forwarded_requester(msg: ParsedMessage) -> tuple[str, str] | None:
    """A staff mail marked `#fwd` names its requester: an attached mail, else the block."""
    head = parse_commands(msg.text)
    if not head.has("fwd"):
        return None
    for att in msg.attachments:
        if att.content_type == "message/rfc822":
            found = attached_sender(att.data)
            if found:
                return found
    return forwarded_sender(head.text)


def is_status_request(msg: ParsedMessage) -> bool:
    return msg.subject.strip().lower() == "status" and not msg.robot.is_robot


def reply_to_requester(msg: ParsedMessage, policy: Policy) -> tuple[str, str] | None:
    """A web form's noreply From with the person in Reply-To, when the admin trusts it."""
    if not msg.reply_to or not policy.trusts_reply_to(msg.from_addr):
        return None
    name, addr = msg.reply_to[0]
    return None if addr in policy.own_addresses else (name, addr)


def reply_to_participants(msg: ParsedMessage, policy: Policy) -> tuple[tuple[str, str], ...]:
    """An untrusted Reply-To still gets our replies, as a participant beside the From."""
    if policy.trusts_reply_to(msg.from_addr):
        return ()
    return tuple((n, a) for n, a in msg.reply_to
                 if a != msg.from_addr and a not in policy.own_addresses)
