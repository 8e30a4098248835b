"""Parse -> classify -> route -> plan: everything a worker decides before it writes.

It only reads the ticket store (in autocommit: no transaction, no lock), so
workers decide in parallel; apply.py re-checks what a decision read inside
its short transaction and decides again when that changed. `ticketd
explain` is this stage alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from daemon.config import Config
from daemon.notices.notify import sender_from_config
from daemon.staff.identity import gate_staff
from daemon.store.models import utcnow
from daemon.store.repository import DbLookup
from daemon.store.spool import Envelope
from daemon.worker.classify import Classification, Context, TicketView, classify
from daemon.worker.plan import Plan, hold, imported, make_plan
from daemon.worker.policy import Policy
from daemon.worker.routing import RouteDecision, Router, mail_facts
from parsers.addresses import parse_address
from parsers.authres import dmarc_failure
from parsers.message import ParsedMessage, ParseError, parse_message


class Unprocessable(Exception):
    """The message cannot become a ticket; it goes to quarantine with this reason."""


@dataclass(frozen=True)
class Decision:
    msg: ParsedMessage
    envelope: Envelope
    requester: str
    classification: Classification
    route: RouteDecision | None
    plan: Plan
    ticket: TicketView | None  # as the plan saw it: apply re-checks its version


def classify_context(config: Config) -> Context:
    sender = sender_from_config(config)
    own = {sender.address} | {a.lower() for q in config.queues for a in q.addresses}
    return Context(
        tag_prefix=config.tickets.tag_prefix,
        own_addresses=frozenset(own),
        message_id_domain=sender.message_id_domain,
        staff=frozenset(s.email.lower() for s in config.staff),
        unknown_sender=config.tickets.unknown_sender,
    )


class Decider:
    def __init__(self, config: Config, lookup=None):
        self.config = config
        self.ctx = classify_context(config)
        self.router = Router(config)
        self.lookup = lookup or DbLookup()

    def parse(self, raw: bytes, received_at: datetime | None = None) -> ParsedMessage:
        try:
            return parse_message(raw, received_at)
        except ParseError as exc:
            raise Unprocessable(str(exc)) from exc

    def decide(self, raw: bytes, envelope: Envelope, received_at: datetime | None = None
               ) -> Decision:
        return self.decide_parsed(self.parse(raw, received_at), envelope)

    def decide_parsed(self, msg: ParsedMessage, envelope: Envelope) -> Decision:
        """Classify, route and plan a parsed mail against the tickets as they are now."""
        requester = msg.from_addr or _envelope_sender(envelope.mail_from)
        if not requester:
            raise Unprocessable("no usable From address and no envelope sender")
        cls = classify(msg, envelope.rcpt_to, self.ctx, self.lookup)
        cls = gate_staff(msg, cls, self.config.security.trust_authentication_results)
        route = None
        if cls.kind in ("new", "spam", "follow_up"):
            route = self.router.route(mail_facts(msg, envelope.rcpt_to), envelope.queue_hint)
        ticket = self.lookup.ticket(cls.ticket_id) if cls.ticket_id else None
        plan = make_plan(msg, cls, route, ticket, self.ctx.own_addresses, self.ctx.staff,
                         self.policy())
        forged = dmarc_failure(msg.authentication_results,
                               self.config.security.trust_authentication_results, msg.from_addr)
        if forged:
            plan = hold(plan, forged)
        if envelope.imported:
            plan = imported(plan)
        requester = plan.requester[1] if plan.requester else requester
        return Decision(msg, envelope, requester, cls, route, plan, ticket)

    def policy(self) -> Policy:
        t = self.config.tickets
        return Policy(t.reopen_closed_within_days, tuple(t.trust_reply_to), utcnow(),
                      self.ctx.own_addresses)

    def is_stale(self, d: Decision) -> bool:
        """Inside the apply transaction: did the tickets change under this decision?
        The ticket it read moved on, or a mail it answers has become a ticket."""
        if d.ticket is not None:
            now = self.lookup.ticket(d.ticket.id)
            return now is None or now.version != d.ticket.version
        if d.classification.kind == "new" and d.msg.thread_ids:
            return self.lookup.ticket_by_message_ids(d.msg.thread_ids) is not None
        return False


def _envelope_sender(mail_from: str) -> str | None:
    parsed = parse_address(mail_from) if mail_from else None
    return parsed[1] if parsed else None
