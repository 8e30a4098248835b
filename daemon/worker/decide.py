"""Parse -> classify -> route -> plan: everything a worker decides before it writes.

It only reads the ticket store (in autocommit: no transaction, no lock), so
workers decide in parallel; apply.py re-checks what a decision read inside
its short transaction and decides again when that changed. `ticketd
explain` is this stage alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from daemon.clock import SYSTEM_CLOCK, Clock
from daemon.config import Config
from daemon.forms.customers import CustomerDirectory, load_directory
from daemon.forms.extract import Reading, read_fields
from daemon.forms.spec import compile_fields
from daemon.notices.notify import sender_from_config
from daemon.staff.identity import Proof, gate_staff
from daemon.staff.plan import forwarded_requester
from daemon.staff.tokens import StaffTokens, staff_tokens
from daemon.store.repository import DbLookup
from daemon.store.spool import Envelope
from daemon.worker import formfill
from daemon.worker.classify import Classification, Context, TicketView, classify
from daemon.worker.plan import Plan, hold, imported, make_plan
from daemon.worker.policy import Policy, reply_to_requester
from daemon.worker.routing import RouteDecision, Router, mail_facts
from parsers.addresses import parse_address
from parsers.authres import dmarc_failure
from parsers.message import ParsedMessage, ParseError, parse_message
from parsers.robots import RobotFinding


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
    readings: tuple[Reading, ...] = ()  # every form field the mail gave, and where from


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
    def __init__(self, config: Config, lookup=None, clock: Clock = SYSTEM_CLOCK,
                 tokens: StaffTokens | None = None):
        self.config = config
        self.ctx = classify_context(config)
        self.proof = Proof(config.security.trust_authentication_results,
                           tokens or staff_tokens(config), self.ctx.own_addresses)
        self.router = Router(config)
        self.lookup = lookup or DbLookup()
        self.clock = clock
        self.form = formfill.FormContext(compile_fields(config), config.forms.waiting_status)
        self.directory = load_directory(config) if config.fields else CustomerDirectory()

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
        cls = gate_staff(msg, cls, self.proof, envelope.rcpt_to)
        msg = self._repeats(msg, cls)
        route, readings = None, ()
        if cls.kind in ("new", "spam", "follow_up"):
            readings = self._read_fields(msg, cls)
            facts = mail_facts(msg, envelope.rcpt_to, {r.name: (r.value, r.source)
                                                       for r in readings})
            route = self.router.route(facts, envelope.queue_hint)
        ticket = self.lookup.ticket(cls.ticket_id) if cls.ticket_id else None
        plan = make_plan(msg, cls, route, ticket, self.ctx.own_addresses, self.ctx.staff,
                         self.policy())
        forged = dmarc_failure(msg.authentication_results,
                               self.config.security.trust_authentication_results, msg.from_addr)
        if forged:
            plan = hold(plan, forged)
        plan = self._with_fields(plan, readings, ticket)
        if envelope.imported:
            plan = imported(plan)
        requester = plan.requester[1] if plan.requester else requester
        return Decision(msg, envelope, requester, cls, route, plan, ticket, readings)

    def _repeats(self, msg: ParsedMessage, cls: Classification) -> ParsedMessage:
        """A follow-up that says word for word what its sender said on the ticket this hour is
        an autoresponder's, whatever its headers claim: two of them answering each other
        (customer and staff) stop at the second round."""
        said_before = getattr(self.lookup, "said_before", None)
        if (cls.kind != "follow_up" or msg.robot.is_robot or said_before is None
                or not said_before(cls.ticket_id, msg.from_addr or "", msg.visible_text)):
            return msg
        return dataclasses.replace(msg, robot=RobotFinding(
            "auto_reply", "the same text as its sender's earlier mail on this ticket"))

    def _read_fields(self, msg: ParsedMessage, cls: Classification) -> tuple[Reading, ...]:
        """Every configured field the mail gives (rules may match any of them)."""
        if not self.form.specs:
            return ()
        return read_fields(self.form.specs, msg.subject, msg.visible_text, msg.headers,
                           self._customer_address(msg, cls), self.directory)

    def _customer_address(self, msg: ParsedMessage, cls: Classification) -> str | None:
        """Whom the directory is asked about: a staff forward's customer, a trusted web
        form's Reply-To, else the From."""
        found = forwarded_requester(msg) if cls.sender_role == "staff" else None
        found = found or reply_to_requester(msg, self.policy())
        return found[1] if found else msg.from_addr

    def _with_fields(self, plan: Plan, readings, ticket: TicketView | None) -> Plan:
        step = formfill.applies(plan) if self.form.specs else ""
        if step == "new":
            return formfill.for_new_ticket(plan, readings, self.form)
        if step == "follow_up" and ticket is not None:
            return formfill.for_follow_up(plan, readings, self.form, ticket.queue,
                                          ticket.status, self.lookup.fields(ticket.id))
        return plan

    def policy(self) -> Policy:
        t = self.config.tickets
        return Policy(t.reopen_closed_within_days, tuple(t.trust_reply_to), self.clock.now(),
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
