"""Carry out a decision inside the caller's short transaction: rows, events, notice intents.

Nothing here commits. The worker wraps a batch in one transaction with a
savepoint per mail, so a ticket, its history, its notices and the record
that its spool row was applied are stored together or not at all. First the
decision is re-checked against the tickets as they are now (another worker
may have changed them since it was made) and made again if they moved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from daemon.clock import SYSTEM_CLOCK, Clock
from daemon.config import Config
from daemon.notices.notify import Notifier, stored_message
from daemon.staff.mail import StaffMail
from daemon.staff.tokens import FORWARD
from daemon.states import Action, Kind, Outcome, Status
from daemon.store import fields as field_rows
from daemon.store import repository, rows
from daemon.store.models import Applied, Message, Ticket, load_changed
from daemon.tickets.allocation import pick_assignee
from daemon.worker.attachments import store_attachments
from daemon.worker.bounces import is_bouncing, record_bounce
from daemon.worker.decide import Decider, Decision
from daemon.worker.plan import NoticeSpec, Plan
from parsers.addresses import domain_of, split_plus
from parsers.subject import clean_subject

log = logging.getLogger("ticketd.apply")

MEMBER_WARNINGS_PER_HOUR = 3  # "your mail was handled as a customer's": a forger's flood stops


def rate_key(addr: str) -> str:
    """`victim+1@x`, `victim+2@x` ... count as `victim@x`."""
    return split_plus((addr or "").lower())[0]


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    summary: str
    ticket_id: int | None


def outcome_of(plan: Plan) -> Outcome:
    if plan.held:
        return Outcome.HELD
    return {Action.CREATE: Outcome.TICKET, Action.APPEND: Outcome.FOLLOW_UP}.get(
        plan.action, Outcome.IGNORED)


class Applier:
    def __init__(self, config: Config, notifier: Notifier, decider: Decider,
                 clock: Clock = SYSTEM_CLOCK):
        self.config = config
        self.notifier = notifier
        self.decider = decider
        self.clock = clock
        self.staff = StaffMail(config, notifier, clock)
        self.timers = self.staff.actions.timers
        self.tokens = notifier.tokens

    def happened_at(self, plan: Plan, msg) -> datetime:
        """Now; for imported mail, when it was written (never later than now)."""
        now = self.clock.now()
        return min(msg.date, now) if plan.imported and msg.date else now

    def apply(self, d: Decision, spool_id: int | None) -> Result:
        done = spool_id and rows.fetch_one(
            Applied._meta.database, "SELECT outcome, summary, ticket_id FROM applied "
                                    "WHERE spool_id = ?", spool_id)
        if done:  # another worker took over a lease that ran out, and won
            return Result(Outcome(done[0]), done[1], done[2])
        if self.decider.is_stale(d):
            log.info("spool #%s: the tickets changed while it was read; deciding again",
                     spool_id)
            d = self.decider.decide_parsed(d.msg, d.envelope)
        with repository.events_together():
            ticket_id = self._carry_out(d, spool_id)
        result = Result(outcome_of(d.plan), d.plan.outcome, ticket_id)
        if spool_id is not None:
            rows.add(Applied._meta.database, Applied, spool_id=spool_id, outcome=result.outcome,
                     summary=result.summary[:2000], ticket_id=ticket_id, at=self.clock.now())
        return result

    def _carry_out(self, d: Decision, spool_id: int | None) -> int | None:
        plan, msg, requester = d.plan, d.msg, d.requester
        if plan.action == Action.IGNORE:
            return None
        if plan.action == Action.STATUS_LIST:
            self.staff.status_list(requester, msg)
            return None
        if plan.action == Action.CREATE:
            ticket = self._create(plan, msg, requester)
            thread = [msg.message_id] if msg.message_id else []
        else:
            ticket = repository.ticket_for_change(plan.ticket_id)
            thread = repository.thread_message_ids(ticket.id) + (
                [msg.message_id] if msg.message_id else [])
        stored_id = self._store_message(ticket, plan, msg, spool_id, requester,
                                        d.classification.rung)
        omitted = store_attachments(stored_id, msg, self.config.limits)
        self._add_participants(ticket, plan, requester)
        if plan.kind == Kind.BOUNCE:
            record_bounce(ticket.id, msg.bounce, msg.robot.reason)
        changed = plan.new_status and plan.new_status != ticket.status
        if changed:
            repository.record(ticket.id, requester, "status", ticket.status, plan.new_status,
                              at=self.clock.now())
            ticket.status = plan.new_status
            ticket.resolved_at = ticket.resolved_by = None  # reopened: not completed any more
        self._store_fields(ticket, plan, requester)
        if plan.action != Action.CREATE:
            before = ticket.updated_at
            repository.touch(ticket, self.clock.now())
            if plan.imported:  # an archive's ticket was last changed when its mail was written
                ticket.updated_at = max(before, self.happened_at(plan, msg))
        if changed or plan.action != Action.CREATE:
            ticket.save()
        self.timers.sync(ticket)
        for spec in plan.notices:
            self._notify(ticket, spec, d, thread, stored_id)
        if plan.commands is not None:
            self.staff.carry_out(ticket, plan.commands, msg, stored_id)
        if omitted:
            self._tell_omitted(ticket, d, omitted, thread, stored_id)
        return ticket.id

    def _add_participants(self, ticket: Ticket, plan: Plan, requester: str) -> None:
        """Cc'd people join, up to the caps per mail and per ticket (a mail with 500 Cc
        must not turn every notice into a mailing)."""
        if not plan.participants:
            return
        t = self.config.tickets
        room = max(0, t.max_participants_per_ticket - len(repository.participants_of(ticket.id)))
        allowed = plan.participants[:min(t.max_participants_per_mail, room)]
        for name, addr in allowed:
            if repository.add_participant(ticket.id, addr, name):
                repository.record(ticket.id, requester, "participant added", None, addr)
        left = [a for _, a in plan.participants[len(allowed):]]
        if left:
            repository.record(ticket.id, "ticketd", "participants not added", None,
                              f"{len(left)} over the limit: {', '.join(left)}"[:1000])

    def _create(self, plan: Plan, msg, requester: str) -> Ticket:
        route = plan.route
        subject = clean_subject(msg.subject, self.config.tickets.tag_prefix) or "(no subject)"
        spam = plan.kind == Kind.SPAM
        assignee, how = (None, None) if spam else self._pick_assignee(route)
        now = self.happened_at(plan, msg)
        values = dict(
            subject=subject[:1000], status=Status.CLOSED if spam else Status.NEW,
            queue=route.queue, assignee=assignee, requester=requester,
            requester_name=(plan.requester[0] if plan.requester else msg.from_name)[:200],
            priority=route.priority, tags=list(route.tags) + (["spam"] if spam else []),
            root_message_id=msg.message_id, merged_from=plan.follows_closed,
            created_at=now, updated_at=now, version=0)
        ticket = Ticket(id=rows.insert(Ticket._meta.database, Ticket, **values), **values)
        if ticket.load_holder():
            load_changed(None, ticket.load_holder())

        def record(*args):
            repository.record(*args, at=now)
        record(ticket.id, requester, "created", None, plan.outcome)
        record(ticket.id, "ticketd", "queue", None, f"{route.queue} ({route.queue_reason})")
        for hit in route.hits:
            record(ticket.id, "ticketd", "rule", None, f"{hit.rule}: {'; '.join(hit.reasons)}")
        if plan.follows_closed:
            record(ticket.id, requester, "follows", None, f"closed ticket #{plan.follows_closed}")
        if assignee:
            record(ticket.id, f"ticketd ({how})", "assignee", None, assignee)
        return ticket

    def _store_fields(self, ticket: Ticket, plan: Plan, requester: str) -> None:
        """The form fields the mail gave; on a follow-up, only those still empty."""
        have = field_rows.values_of(ticket.id) if plan.fields and plan.action != \
            Action.CREATE else {}
        for r in plan.fields:
            if r.name in have:
                continue
            field_rows.set_value(ticket.id, r.name, r.value, r.source, self.clock.now())
            actor = "ticketd" if r.source.startswith(("rule", "customer")) else requester
            repository.record(ticket.id, actor, f"field {r.name}", None, r.value,
                              at=self.clock.now())

    def _pick_assignee(self, route) -> tuple[str | None, str | None]:
        queue = self.config.queue(route.queue)
        if route.assignee:
            return route.assignee, "rule"
        if queue and queue.members and queue.assign != "manual":
            members = [m.lower() for m in queue.members]
            return pick_assignee(queue.name, queue.assign, members), queue.assign
        return None, None

    def _store_message(self, ticket, plan: Plan, msg, spool_id, requester, rung: str) -> int:
        stored = rows.insert(
            Message._meta.database, Message,
            ticket=ticket.id, spool_id=spool_id, direction="in", kind=plan.kind,
            from_addr=requester, to_addrs=[a for _, a in msg.to],
            cc_addrs=[a for _, a in msg.cc], subject=msg.subject, text=msg.text,
            visible_text=msg.visible_text, html=msg.html, message_id=msg.message_id,
            thread_rung=(rung or None) if plan.action == Action.APPEND else None,
            sent_at=msg.date, defects=list(msg.defects),
            created_at=self.happened_at(plan, msg))
        if plan.action == Action.APPEND and plan.kind != Kind.BOUNCE:  # bounces: record_bounce
            repository.record(ticket.id, requester, plan.kind if plan.kind != Kind.CUSTOMER
                              else "reply", None, plan.outcome)
        return stored

    def _notify(self, ticket, spec: NoticeSpec, d: Decision, thread: list[str],
                stored_id: int) -> None:
        msg = d.msg
        to = self._recipients(ticket, spec, d)
        why = self._not_now(ticket, spec, to)
        if why:
            repository.record(ticket.id, "ticketd", "not notified", None,
                              f"{spec.template} to {', '.join(to)}: {why}")
            return
        context = stored_message(stored_id, d.requester, msg.from_name)
        missing = [{"name": n, "label": label} for n, label in d.plan.missing]
        extra = {"missing": missing}
        if spec.to == "member" and self.tokens.usable:
            extra["forward_address"] = self.tokens.reply_address(
                self.notifier.sender.address, to[0], FORWARD)
        self.notifier.notice(ticket, spec.template, to, message=context,
                             in_reply_to=msg.message_id, auto_submitted=spec.auto_submitted,
                             rate_key=rate_key(to[0]) if spec.rate_limited or
                             spec.to == "member" else None,
                             thread=thread, extra=extra)

    def _recipients(self, ticket: Ticket, spec: NoticeSpec, d: Decision) -> list[str]:
        if spec.to == "requester":
            return [ticket.requester]
        if spec.to == "member":  # the address in the config, whatever Reply-To the mail had
            return [(d.msg.from_addr or "").lower()]
        return self.staff_recipients(ticket)

    def _not_now(self, ticket: Ticket, spec: NoticeSpec, to: list[str]) -> str | None:
        """Why this notice is not sent now, if it is not (checked in the apply transaction)."""
        if not to:
            return "nobody to tell"
        since = repository.one_hour_ago()
        if spec.to == "requester":
            if self.notifier.is_own(ticket.requester):
                return "that is our own address"
            if is_bouncing(ticket.requester):
                return "the address bounces"
            if spec.rate_limited and self._over_ack_limit(ticket.requester):
                return "rate limit"
        if spec.to == "member" and repository.sent_since(
                spec.template, rate_key(to[0]), since) >= MEMBER_WARNINGS_PER_HOUR:
            return "rate limit"
        limit = self.config.tickets.staff_notices_per_ticket_per_hour * len(to)  # mails
        if spec.to == "staff" and repository.staff_notices_since(ticket.id, since) >= limit:
            return "rate limit of notices to staff on this ticket"
        return None

    def _tell_omitted(self, ticket, d: Decision, omitted, thread: list[str],
                      stored_id: int) -> None:
        """A note on the ticket always; a notice to a person who wrote, never to a robot."""
        msg, requester = d.msg, d.requester
        for item in omitted:
            repository.record(ticket.id, "ticketd", "attachment omitted", None, item.line())
        if (d.plan.kind != Kind.CUSTOMER or d.plan.imported or msg.robot.is_robot
                or is_bouncing(requester)):
            return
        context = stored_message(stored_id, requester, msg.from_name)
        self.notifier.notice(ticket, "attachments_omitted", [requester], message=context,
                             in_reply_to=msg.message_id, auto_submitted="auto-replied",
                             extra={"omitted": [o.line() for o in omitted]}, thread=thread)

    def staff_recipients(self, ticket: Ticket) -> list[str]:
        if ticket.assignee:
            return [ticket.assignee]
        queue = self.config.queue(ticket.queue)
        return [m.lower() for m in queue.members] if queue else []

    def _over_ack_limit(self, sender: str) -> bool:
        """Counted under a lock (PostgreSQL: workers apply at once): of the sender's domain
        when it has a limit of its own, which covers the sender too, else of the sender."""
        since = repository.one_hour_ago()
        t = self.config.tickets
        key = rate_key(sender)
        repository.serialise_rate_key(("domain:" + domain_of(sender))
                                      if t.ack_domain_limit_per_hour else key)
        if repository.acks_since(key, since) >= t.ack_limit_per_hour:
            return True
        return bool(t.ack_domain_limit_per_hour) and repository.acks_to_domain_since(
            domain_of(sender), since) >= t.ack_domain_limit_per_hour
