"""Config facts and the clock that planning needs, and the senders with special standing.

A `status` request, a web form whose Reply-To names the real requester, and
replies to closed tickets: small policies plan.py asks about; pure, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from daemon.worker.classify import TicketView
from parsers.message import ParsedMessage


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
