"""What is this mail? Our own mail coming back, a bounce, a follow-up, or new.

An ordered table of small questions; the first that answers decides. The
threading ladder is: our subject tag, then In-Reply-To/References naming a
Message-ID we stored, then a plus-address (`support+42@`). The rung that
matched is kept with the message so it can be explained later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from daemon.staff.tokens import ticket_of_extension
from parsers.addresses import split_plus
from parsers.subject import find_ticket_ids

if TYPE_CHECKING:  # the store imports TicketView from here; it need not load the MIME parser
    from parsers.message import ParsedMessage

OWN_HEADER = "x-ticketd-ticket"


@dataclass(frozen=True)
class TicketView:
    id: int
    status: str
    requester: str
    participants: frozenset[str]
    queue: str
    assignee: str | None
    closed_at: datetime | None = None
    version: int = 0  # the ticket's version when read: apply re-checks it


class Lookup(Protocol):
    def ticket(self, ticket_id: int) -> TicketView | None: ...
    def ticket_by_message_ids(self, ids: tuple[str, ...]) -> tuple[int, str] | None: ...
    def fields(self, ticket_id: int) -> dict[str, str]: ...
    def we_sent(self, message_id: str) -> bool: ...


@dataclass(frozen=True)
class Context:
    """Facts from the config that classification needs."""

    tag_prefix: str
    own_addresses: frozenset[str]  # outbound From and every queue address
    message_id_domain: str
    staff: frozenset[str]
    unknown_sender: str  # new_ticket | append


@dataclass(frozen=True)
class Classification:
    kind: str  # own_mail | spam | bounce | follow_up | new
    ticket_id: int | None = None
    rung: str = ""
    sender_role: str = "stranger"  # requester | participant | staff | stranger
    notes: tuple[str, ...] = ()


def classify(msg: ParsedMessage, rcpt_to: tuple[str, ...], ctx: Context,
             lookup: Lookup) -> Classification:
    if _is_own_mail(msg, ctx, lookup):
        return Classification("own_mail", notes=("our own mail came back; ignored",))
    if msg.robot.is_bounce:
        returned = msg.bounce.message_ids if msg.bounce else ()
        found = lookup.ticket_by_message_ids(tuple(dict.fromkeys(returned + msg.thread_ids)))
        return Classification("bounce", found[0] if found else None, found[1] if found else "")
    if msg.is_spam:
        return Classification("spam", notes=("marked as spam by X-Spam headers",))
    return _thread(msg, rcpt_to, ctx, lookup)


def _is_own_mail(msg: ParsedMessage, ctx: Context, lookup: Lookup) -> bool:
    """Our header from our address, or a Message-ID we sent. A Message-ID that merely
    looks like ours (anyone can write one) is not enough (issue 12 point 7)."""
    if msg.headers.get(OWN_HEADER) and msg.from_addr in ctx.own_addresses:
        return True
    mid = msg.message_id or ""
    return (mid.startswith("ticketd.") and mid.endswith("@" + ctx.message_id_domain)
            and lookup.we_sent(mid))


def _thread(msg, rcpt_to, ctx: Context, lookup: Lookup) -> Classification:
    notes: list[str] = []
    for rung, ticket_id in _candidates(msg, rcpt_to, ctx, lookup, notes):
        ticket = lookup.ticket(ticket_id)
        if ticket is None:
            notes.append(f"{rung} names ticket #{ticket_id}, which does not exist")
            continue
        role = sender_role(msg.from_addr, ticket, ctx)
        if role == "stranger" and ctx.unknown_sender == "new_ticket":
            notes.append(f"{rung} names #{ticket_id}, but {msg.from_addr} is not on that "
                         "ticket: new ticket (unknown_sender = new_ticket)")
            break
        return Classification("follow_up", ticket_id, rung, role, tuple(notes))
    return Classification("new", sender_role=_role_without_ticket(msg, ctx), notes=tuple(notes))


def _candidates(msg, rcpt_to, ctx, lookup, notes):
    """(rung, ticket id) in ladder order; lazily, so lookups stop at the first hit."""
    for tag in find_ticket_ids(msg.subject, ctx.tag_prefix):
        yield "subject tag", tag
    found = lookup.ticket_by_message_ids(msg.thread_ids)
    if found is not None:
        yield found[1], found[0]
    for addr in (tuple(rcpt_to) + msg.original_to + msg.delivered_to
                 + tuple(a for _, a in msg.to)):
        base, extension = split_plus(addr.lower())
        named = int(extension) if extension and extension.isdigit() else \
            ticket_of_extension(extension)
        if named is not None and base in ctx.own_addresses:
            yield "plus address", named
            break


def sender_role(addr: str | None, ticket: TicketView, ctx: Context) -> str:
    if not addr:
        return "stranger"
    if addr in ctx.staff:
        return "staff"
    if addr == ticket.requester:
        return "requester"
    if addr in ticket.participants:
        return "participant"
    return "stranger"


def _role_without_ticket(msg, ctx: Context) -> str:
    return "staff" if msg.from_addr in ctx.staff else "requester"
