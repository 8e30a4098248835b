"""Carry out a Plan inside the caller's transaction: rows, events, outbox.

Nothing here commits; the pipeline wraps one message (or a batch, with a
savepoint per message) in a transaction, so a ticket, its history and its
notices are stored together or not at all.
"""

from __future__ import annotations

import logging

from daemon.config import Config
from daemon.notices.notify import Notifier, message_context
from daemon.staff.mail import StaffMail
from daemon.store import repository
from daemon.store.models import Message, Ticket
from daemon.tickets.allocation import pick_assignee
from daemon.worker.attachments import store_attachments
from daemon.worker.bounces import is_bouncing, record_bounce
from daemon.worker.plan import NoticeSpec, Plan
from parsers.addresses import domain_of
from parsers.message import ParsedMessage
from parsers.subject import clean_subject

log = logging.getLogger("ticketd.apply")


class Applier:
    def __init__(self, config: Config, notifier: Notifier):
        self.config = config
        self.notifier = notifier
        self.staff = StaffMail(config, notifier)

    def apply(self, plan: Plan, msg: ParsedMessage, spool_id: int | None,
              requester: str) -> int | None:
        if plan.action == "ignore":
            return None
        if plan.action == "status_list":
            self.staff.status_list(requester, msg)
            return None
        if plan.action == "create":
            ticket = self._create(plan, msg, requester)
        else:
            ticket = Ticket.get_by_id(plan.ticket_id)
        stored = self._store_message(ticket, plan, msg, spool_id, requester)
        omitted = store_attachments(stored.id, msg, self.config.limits)
        for name, addr in plan.participants:
            if repository.add_participant(ticket.id, addr, name):
                repository.record(ticket.id, requester, "participant added", None, addr)
        if plan.kind == "bounce":
            record_bounce(ticket.id, msg.bounce, msg.robot.reason)
        if plan.new_status and plan.new_status != ticket.status:
            repository.record(ticket.id, requester, "status", ticket.status, plan.new_status)
            ticket.status = plan.new_status
            ticket.resolved_at = ticket.resolved_by = None  # reopened: not completed any more
        repository.touch(ticket)
        ticket.save()
        for spec in plan.notices:
            self._notify(ticket, spec, msg, stored, requester)
        if plan.commands is not None:
            self.staff.carry_out(ticket, plan.commands, msg, stored)
        if omitted:
            self._tell_omitted(ticket, plan, msg, requester, omitted)
        return ticket.id

    def _create(self, plan: Plan, msg: ParsedMessage, requester: str) -> Ticket:
        route = plan.route
        subject = clean_subject(msg.subject, self.config.tickets.tag_prefix) or "(no subject)"
        ticket = Ticket.create(
            subject=subject[:1000], status="closed" if plan.kind == "spam" else "new",
            queue=route.queue, requester=requester,
            requester_name=(plan.requester[0] if plan.requester else msg.from_name)[:200],
            priority=route.priority, tags=list(route.tags) + (["spam"] if plan.kind == "spam"
                                                              else []),
            root_message_id=msg.message_id, merged_from=plan.follows_closed,
        )
        repository.record(ticket.id, requester, "created", None, plan.outcome)
        repository.record(ticket.id, "ticketd", "queue", None,
                          f"{route.queue} ({route.queue_reason})")
        for hit in route.hits:
            repository.record(ticket.id, "ticketd", "rule", None,
                              f"{hit.rule}: {'; '.join(hit.reasons)}")
        if plan.follows_closed:
            repository.record(ticket.id, requester, "follows", None,
                              f"closed ticket #{plan.follows_closed}")
        if plan.kind != "spam":
            self._assign_new(ticket, route.assignee)
        return ticket

    def _assign_new(self, ticket: Ticket, rule_assignee: str | None) -> None:
        queue = self.config.queue(ticket.queue)
        if rule_assignee:
            ticket.assignee, how = rule_assignee, "rule"
        elif queue and queue.members and queue.assign != "manual":
            members = [m.lower() for m in queue.members]
            ticket.assignee, how = pick_assignee(queue.name, queue.assign, members), queue.assign
        else:
            return
        repository.record(ticket.id, f"ticketd ({how})", "assignee", None, ticket.assignee)

    def _store_message(self, ticket, plan, msg, spool_id, requester) -> Message:
        stored = Message.create(
            ticket=ticket.id, spool=spool_id, direction="in", kind=plan.kind,
            from_addr=requester, to_addrs=[a for _, a in msg.to],
            cc_addrs=[a for _, a in msg.cc], subject=msg.subject, text=msg.text,
            visible_text=msg.visible_text, html=msg.html, message_id=msg.message_id,
            thread_rung=None if plan.action == "create" else plan.outcome, sent_at=msg.date,
            defects=list(msg.defects),
        )
        if plan.action == "append" and plan.kind != "bounce":  # bounces: record_bounce
            repository.record(ticket.id, requester, plan.kind if plan.kind != "customer"
                              else "reply", None, plan.outcome)
        return stored

    def _notify(self, ticket, spec: NoticeSpec, msg, stored: Message, requester: str) -> None:
        if spec.to == "requester":
            to = [ticket.requester]
        else:
            to = self.staff_recipients(ticket)
        if spec.to == "requester" and is_bouncing(ticket.requester):
            repository.record(ticket.id, "ticketd", "not notified", None,
                              f"{spec.template} to {ticket.requester}: the address bounces")
            return
        if spec.rate_limited and self._over_ack_limit(ticket.requester):
            repository.record(ticket.id, "ticketd", "not notified", None,
                              f"{spec.template} to {ticket.requester}: rate limit")
            return
        context = message_context(requester, msg.from_name, msg.subject, msg.text,
                                  msg.visible_text)
        self.notifier.notice(ticket, spec.template, to, message=context,
                             in_reply_to=msg.message_id, auto_submitted=spec.auto_submitted,
                             rate_key=ticket.requester if spec.rate_limited else None)

    def _tell_omitted(self, ticket, plan: Plan, msg, requester: str, omitted) -> None:
        """A note on the ticket always; a notice to a person who wrote, never to a robot."""
        for item in omitted:
            repository.record(ticket.id, "ticketd", "attachment omitted", None, item.line())
        if plan.kind != "customer" or msg.robot.is_robot or is_bouncing(requester):
            return
        context = message_context(requester, msg.from_name, msg.subject, msg.text,
                                  msg.visible_text)
        self.notifier.notice(ticket, "attachments_omitted", [requester], message=context,
                             in_reply_to=msg.message_id, auto_submitted="auto-replied",
                             extra={"omitted": [o.line() for o in omitted]})

    def staff_recipients(self, ticket: Ticket) -> list[str]:
        if ticket.assignee:
            return [ticket.assignee]
        queue = self.config.queue(ticket.queue)
        return [m.lower() for m in queue.members] if queue else []

    def _over_ack_limit(self, sender: str) -> bool:
        since = repository.one_hour_ago()
        t = self.config.tickets
        if repository.acks_since(sender, since) >= t.ack_limit_per_hour:
            return True
        return bool(t.ack_domain_limit_per_hour) and repository.acks_to_domain_since(
            domain_of(sender), since) >= t.ack_domain_limit_per_hour
