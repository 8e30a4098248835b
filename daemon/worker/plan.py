"""Decide what a classified message does to the tickets: pure, no I/O.

The plan names the ticket action, the message's kind, a status change, new
participants and the notices to send (by recipient role; apply.py resolves
roles to addresses once the assignee is known). `explain` prints a plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from daemon.staff import plan as staff_plan
from daemon.staff.identity import UNVERIFIED
from daemon.states import REOPENING, Action, Kind, Status
from daemon.worker import policy as customer_policy
from daemon.worker.classify import Classification, TicketView
from daemon.worker.policy import Policy
from daemon.worker.routing import RouteDecision
from parsers.addresses import split_plus
from parsers.commands import CommandBlock
from parsers.message import ParsedMessage
from parsers.thanks import is_thanks_only


@dataclass(frozen=True)
class NoticeSpec:
    template: str
    to: str  # requester | staff (assignee, else queue members) | member (the staff From)
    auto_submitted: str = "auto-generated"
    rate_limited: bool = False


@dataclass(frozen=True)
class Plan:
    action: Action
    kind: Kind
    outcome: str  # one line for logs and explain
    ticket_id: int | None = None
    route: RouteDecision | None = None
    new_status: str | None = None
    participants: tuple[tuple[str, str], ...] = ()
    notices: tuple[NoticeSpec, ...] = ()
    follows_closed: int | None = None  # a new ticket that follows up a closed one
    commands: CommandBlock | None = None  # staff mail: daemon/staff.py carries it out
    requester: tuple[str, str] | None = None  # not the From: a staff forward, a web form
    held: bool = False  # the trusted MTA calls it forged: stored, nothing else happens
    fields: tuple = ()  # form field Readings to store (a follow-up: those not yet set)
    missing: tuple[tuple[str, str], ...] = ()  # (name, label) required and still missing
    imported: bool = False  # from an archive (`ticketd import`): stored at its own Date, silent


ACK = NoticeSpec("ack", "requester", "auto-replied", rate_limited=True)
STAFF_NEW = NoticeSpec("staff_new", "staff")
STAFF_FOLLOWUP = NoticeSpec("staff_followup", "staff")
NO_POLICY = Policy()
REOPENED = NoticeSpec("status_reopened", "requester", "auto-replied", rate_limited=True)
# To the staff address from the config (never a Reply-To): your mail lacked the proof.
UNVERIFIED_NOTICE = NoticeSpec("staff_unverified", "member", "auto-replied")


def make_plan(msg: ParsedMessage, cls: Classification, route: RouteDecision | None,
              ticket: TicketView | None, own: frozenset[str], staff: frozenset[str],
              policy: Policy = NO_POLICY) -> Plan:
    if cls.kind == "own_mail":
        return Plan(Action.IGNORE, Kind.OWN, "ignored: our own mail came back")
    if cls.kind == "bounce":
        if cls.ticket_id is None:
            return Plan(Action.IGNORE, Kind.BOUNCE, "ignored: a bounce that names no mail of ours")
        return Plan(Action.APPEND, Kind.BOUNCE, f"bounce attached to #{cls.ticket_id}",
                    cls.ticket_id)
    cc = new_participants(msg, own, staff, ticket)
    if cls.kind == "spam":
        return Plan(Action.CREATE, Kind.SPAM, "stored as spam, not answered", route=route,
                    new_status=Status.CLOSED, participants=())
    if cls.kind == "follow_up" and ticket is not None:
        return _follow_up(msg, cls, ticket, cc, route, policy)
    if customer_policy.is_status_request(msg):
        return Plan(Action.STATUS_LIST, Kind.CUSTOMER, f"status list requested by {msg.from_addr}")
    if cls.sender_role == "staff":
        forwarded = staff_plan.forwarded_requester(msg)
        if forwarded:
            return _forward(msg, route, forwarded)
    if cls.sender_role == UNVERIFIED and staff_plan.forwarded_requester(msg):
        new = _new(msg, route, ())
        return dataclasses.replace(new, notices=new.notices + (UNVERIFIED_NOTICE,),
                                   outcome=f"{new.outcome}; a forward from an unauthenticated "
                                           "staff address: not carried out")
    requester = customer_policy.reply_to_requester(msg, policy)
    if requester is None:
        cc = cc + tuple(p for p in customer_policy.reply_to_participants(msg, policy)
                        if p[1] not in staff and p not in cc)
    return dataclasses.replace(_new(msg, route, cc), requester=requester)


def _forward(msg, route, requester) -> Plan:
    return Plan(Action.CREATE, Kind.CUSTOMER, f"new ticket in {route.queue}, forwarded by "
                f"{msg.from_addr} for {requester[1]}", route=route, notices=(ACK, STAFF_NEW),
                requester=requester, commands=staff_plan.commands_of(msg.text))


def _new(msg, route, cc, follows_closed=None) -> Plan:
    if msg.robot.is_robot:
        return Plan(Action.CREATE, Kind.AUTO_REPLY,
                    f"new ticket in {route.queue}, from a robot ({msg.robot.reason}): no ack",
                    route=route, participants=cc, notices=(STAFF_NEW,),
                    follows_closed=follows_closed)
    return Plan(Action.CREATE, Kind.CUSTOMER, f"new ticket in {route.queue} ({route.queue_reason})",
                route=route, participants=cc, notices=(ACK, STAFF_NEW),
                follows_closed=follows_closed)


def _follow_up(msg, cls: Classification, ticket: TicketView, cc, route, policy) -> Plan:
    where = f"#{ticket.id} by {cls.rung}"
    if msg.robot.is_robot:
        return Plan(Action.APPEND, Kind.AUTO_REPLY, f"auto-reply logged on {where}; no notice",
                    ticket.id)
    if cls.sender_role == "staff":
        block = staff_plan.staff_commands(msg)
        kind, outcome = staff_plan.staff_outcome(block, where)
        return Plan(Action.APPEND, kind, outcome, ticket.id, commands=block)
    if cls.sender_role == UNVERIFIED:
        return Plan(Action.APPEND, Kind.CUSTOMER, f"mail on {where} from an unauthenticated staff "
                    "address: stored only, commands ignored", ticket.id,
                    notices=(STAFF_FOLLOWUP, UNVERIFIED_NOTICE))
    if cls.sender_role == "stranger":
        cc = ()  # a guessed tag (unknown_sender = append) brings nobody else in
    if ticket.status in ("resolved", "closed") and is_thanks_only(msg.visible_text):
        return Plan(Action.APPEND, Kind.CUSTOMER, f"thanks on {ticket.status} {where}: stored, "
                    "not reopened", ticket.id, participants=cc)
    reopen = ticket.status in REOPENING or (ticket.status == "closed"
                                            and policy.reopens_closed(ticket))
    if ticket.status == "closed" and not reopen:
        return _new(msg, route, cc, follows_closed=ticket.id)
    new_status = Status.OPEN if reopen else None
    what = f"follow-up on {where}" + (f", reopened from {ticket.status}" if new_status else "")
    # Answering "waiting for you" needs no notice; a resolved or closed ticket that opens
    # again tells the customer it is being looked at.
    notices = (STAFF_FOLLOWUP,) + ((REOPENED,) if reopen and ticket.status != "pending" else ())
    return Plan(Action.APPEND, Kind.CUSTOMER, what, ticket.id, new_status=new_status,
                participants=cc, notices=notices)


def new_participants(msg: ParsedMessage, own: frozenset[str], staff: frozenset[str],
                     ticket: TicketView | None) -> tuple[tuple[str, str], ...]:
    """Cc'd people (and other To addresses) join the ticket; our addresses never do."""
    known = {ticket.requester, *ticket.participants} if ticket else set()
    out = []
    for name, addr in msg.to + msg.cc:
        if (addr in own or split_plus(addr)[0] in own or addr in staff
                or addr == msg.from_addr or addr in known):
            continue
        out.append((name, addr))
    return tuple(out)


def hold(plan: Plan, reason: str) -> Plan:
    """Mail the trusted MTA calls forged (user-pain §16b): stored where staff can see it,
    tagged "held", but nothing is sent, reopened or answered on its strength."""
    if plan.action == Action.IGNORE or plan.kind in (Kind.SPAM, Kind.BOUNCE):
        return plan
    action = Action.IGNORE if plan.action == Action.STATUS_LIST else plan.action
    route = plan.route and dataclasses.replace(plan.route, tags=plan.route.tags + ("held",))
    outcome = f"{plan.outcome}; held ({reason}): nothing sent"
    return dataclasses.replace(plan, action=action, notices=(), new_status=None, route=route,
                               commands=None, held=True, outcome=outcome, fields=(),
                               missing=(), participants=())


def imported(plan: Plan) -> Plan:
    """Mail from an archive (`ticketd import`) was answered back then: it is stored and
    threaded like live mail, but nobody is mailed, and a staff mail's commands are history,
    not orders (a `#status resolved` of years ago is not carried out, nor relayed)."""
    if plan.action == Action.STATUS_LIST:
        return dataclasses.replace(plan, action=Action.IGNORE, imported=True,
                                   outcome="imported: a status request, not answered")
    return dataclasses.replace(plan, notices=(), commands=None, imported=True,
                               outcome=f"{plan.outcome}; imported: nothing sent")
