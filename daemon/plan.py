"""Decide what a classified message does to the tickets: pure, no I/O.

The plan names the ticket action, the message's kind, a status change, new
participants and the notices to send (by recipient role; apply.py resolves
roles to addresses once the assignee is known). `explain` prints a plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.classify import Classification, TicketView
from daemon.routing import RouteDecision
from parsers.message import ParsedMessage

REOPENING = ("pending", "resolved")


@dataclass(frozen=True)
class NoticeSpec:
    template: str
    to: str  # requester | staff (assignee, else queue members)
    auto_submitted: str = "auto-generated"
    rate_limited: bool = False


@dataclass(frozen=True)
class Plan:
    action: str  # create | append | ignore
    kind: str  # customer | staff | auto_reply | bounce | spam
    outcome: str  # one line for logs and explain
    ticket_id: int | None = None
    route: RouteDecision | None = None
    new_status: str | None = None
    participants: tuple[tuple[str, str], ...] = ()
    notices: tuple[NoticeSpec, ...] = ()
    follows_closed: int | None = None  # a new ticket that follows up a closed one


ACK = NoticeSpec("ack", "requester", "auto-replied", rate_limited=True)
STAFF_NEW = NoticeSpec("staff_new", "staff")
STAFF_FOLLOWUP = NoticeSpec("staff_followup", "staff")


def make_plan(msg: ParsedMessage, cls: Classification, route: RouteDecision | None,
              ticket: TicketView | None, own: frozenset[str], staff: frozenset[str]) -> Plan:
    if cls.kind == "own_mail":
        return Plan("ignore", "own", "ignored: our own mail came back")
    if cls.kind == "bounce":
        if cls.ticket_id is None:
            return Plan("ignore", "bounce", "ignored: a bounce that names no mail of ours")
        return Plan("append", "bounce", f"bounce attached to #{cls.ticket_id}", cls.ticket_id)
    cc = new_participants(msg, own, staff, ticket)
    if cls.kind == "spam":
        return Plan("create", "spam", "stored as spam, not answered", route=route,
                    new_status="closed", participants=())
    if cls.kind == "follow_up" and ticket is not None:
        return _follow_up(msg, cls, ticket, cc, route)
    return _new(msg, route, cc)


def _new(msg, route, cc, follows_closed=None) -> Plan:
    if msg.robot.is_robot:
        return Plan("create", "auto_reply",
                    f"new ticket in {route.queue}, from a robot ({msg.robot.reason}): no ack",
                    route=route, participants=cc, notices=(STAFF_NEW,),
                    follows_closed=follows_closed)
    return Plan("create", "customer", f"new ticket in {route.queue} ({route.queue_reason})",
                route=route, participants=cc, notices=(ACK, STAFF_NEW),
                follows_closed=follows_closed)


def _follow_up(msg, cls: Classification, ticket: TicketView, cc, route) -> Plan:
    where = f"#{ticket.id} by {cls.rung}"
    if msg.robot.is_robot:
        return Plan("append", "auto_reply", f"auto-reply logged on {where}; no notice",
                    ticket.id)
    if cls.sender_role == "staff":
        return Plan("append", "staff", f"staff mail on {where}", ticket.id, participants=cc)
    if ticket.status == "closed":
        return _new(msg, route, cc, follows_closed=ticket.id)
    new_status = "open" if ticket.status in REOPENING else None
    what = f"follow-up on {where}" + (f", reopened from {ticket.status}" if new_status else "")
    return Plan("append", "customer", what, ticket.id, new_status=new_status,
                participants=cc, notices=(STAFF_FOLLOWUP,))


def new_participants(msg: ParsedMessage, own: frozenset[str], staff: frozenset[str],
                     ticket: TicketView | None) -> tuple[tuple[str, str], ...]:
    """Cc'd people (and other To addresses) join the ticket; our addresses never do."""
    known = {ticket.requester, *ticket.participants} if ticket else set()
    out = []
    for name, addr in msg.to + msg.cc:
        if (addr in own or addr in staff or addr == msg.from_addr or addr in known
                or addr.split("+")[0] + "@" + addr.rpartition("@")[2] in own):
            continue
        out.append((name, addr))
    return tuple(out)
