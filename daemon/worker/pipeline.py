"""One spooled message, one pass: parse -> classify -> route -> plan -> apply.

`Pipeline.decide` is the dry run (`ticketd explain` uses it); `process_batch`
runs decisions for real, a savepoint per message inside one transaction per
batch, so commits are grouped without one bad message spoiling the others.
Outcomes map to dispositions in one place: stored, ignored, quarantined, or
left for a retry when the database itself failed.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

import peewee as pw

from daemon.config import Config
from daemon.notices.notify import Notifier, sender_from_config
from daemon.notices.render import Renderer
from daemon.staff.identity import gate_staff
from daemon.store import spool
from daemon.store.db import write_transaction
from daemon.store.models import Spool, utcnow
from daemon.store.repository import DbLookup
from daemon.worker.apply import Applier
from daemon.worker.classify import Classification, Context, classify
from daemon.worker.plan import Plan, hold, make_plan
from daemon.worker.policy import Policy
from daemon.worker.routing import RouteDecision, Router, mail_facts
from parsers.addresses import parse_address
from parsers.authres import dmarc_failure
from parsers.dates import raw_date
from parsers.message import ParsedMessage, ParseError, parse_message

log = logging.getLogger("ticketd.pipeline")


class Unprocessable(Exception):
    """The message cannot become a ticket; it goes to quarantine with this reason."""


@dataclass(frozen=True)
class Decision:
    msg: ParsedMessage
    requester: str
    classification: Classification
    route: RouteDecision | None
    plan: Plan


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


class Pipeline:
    def __init__(self, config: Config, db: pw.Database, renderer: Renderer):
        self.config = config
        self.db = db
        self.ctx = classify_context(config)
        self.router = Router(config)
        self.lookup = DbLookup()
        self.applier = Applier(config, Notifier(config, renderer))

    def decide(self, raw: bytes, rcpt_to: tuple[str, ...] = (), mail_from: str = "",
               queue_hint: str | None = None, received_at=None) -> Decision:
        """Everything up to the plan; reads the database, writes nothing."""
        try:
            msg = parse_message(raw, received_at)
        except ParseError as exc:
            raise Unprocessable(str(exc)) from exc
        requester = msg.from_addr or _envelope_sender(mail_from)
        if not requester:
            raise Unprocessable("no usable From address and no envelope sender")
        cls = classify(msg, rcpt_to, self.ctx, self.lookup)
        cls = gate_staff(msg, cls, self.config.security.trust_authentication_results)
        route = None
        if cls.kind in ("new", "spam") or cls.kind == "follow_up":
            route = self.router.route(mail_facts(msg, rcpt_to), queue_hint)
        ticket = self.lookup.ticket(cls.ticket_id) if cls.ticket_id else None
        plan = make_plan(msg, cls, route, ticket, self.ctx.own_addresses, self.ctx.staff,
                         self.policy())
        forged = dmarc_failure(msg.authentication_results,
                               self.config.security.trust_authentication_results, msg.from_addr)
        if forged:
            plan = hold(plan, forged)
        requester = plan.requester[1] if plan.requester else requester
        return Decision(msg, requester, cls, route, plan)

    def policy(self) -> Policy:
        t = self.config.tickets
        return Policy(t.reopen_closed_within_days, tuple(t.trust_reply_to), utcnow(),
                      self.ctx.own_addresses)

    def process_one(self, row: Spool) -> tuple[str, int | None]:
        """Decide and apply one spooled message, inside the caller's transaction."""
        decision = self.decide(bytes(row.raw), tuple(row.rcpt_to or ()), row.mail_from,
                               row.queue_hint, row.received_at)
        ticket_id = self.applier.apply(decision.plan, decision.msg, row.id, decision.requester)
        outcome = decision.plan.outcome
        for note in decision.classification.notes:
            log.info("spool #%s: %s", row.id, note)
        spool.mark_done(row.id, outcome, ticket_id)
        return outcome, ticket_id

    def process_batch(self, limit: int, yield_now=lambda: False) -> int:
        """Process up to `limit` new spool rows; returns how many were handled.

        `yield_now()` is asked after each message: when it says yes (mail is waiting
        for its 250), the batch commits early and the rest goes back unclaimed."""
        ids = spool.claim_ids(self.db, limit, self.config.daemon.claim_seconds)
        if not ids:
            return 0
        done = 0
        with write_transaction(self.db):
            rows = sorted(spool.lock_rows(self.db, ids), key=written_order)
            for i, row in enumerate(rows):
                self._process_guarded(row)
                done += 1
                if i + 1 < len(rows) and yield_now():
                    spool.unclaim([r.id for r in rows[i + 1:]])
                    break
        return max(done, 1)

    def _process_guarded(self, row: Spool) -> None:
        if row.attempts > spool.MAX_ATTEMPTS:
            self._quarantine(row, f"processing stopped the worker {row.attempts - 1} times")
            return
        try:
            with self.db.atomic():
                outcome, ticket_id = self.process_one(row)
            log.info("spool #%s from %s: %s", row.id, row.source, outcome)
        except Unprocessable as exc:
            self._quarantine(row, str(exc))
        except pw.OperationalError:
            raise  # the database, not the message: leave it new for the next round
        except Exception:
            self._quarantine(row, "unexpected error:\n" + traceback.format_exc())

    def _quarantine(self, row: Spool, reason: str) -> None:
        Spool.update(state="quarantined", reason=reason[:20000], claimed_until=None).where(
            Spool.id == row.id).execute()
        log.warning("spool #%s quarantined: %s", row.id, reason.splitlines()[0][:300])


def written_order(row: Spool) -> tuple:
    """A batch is processed in the order its mails were written (§29): an original
    fetched after its reply still comes first, so the reply threads to it."""
    return (raw_date(bytes(row.raw[:65536]), row.received_at), row.id)


def _envelope_sender(mail_from: str) -> str | None:
    parsed = parse_address(mail_from) if mail_from else None
    return parsed[1] if parsed else None
