"""What a circulation rule does when its moment comes, each step an event with the rule's name.

remind the assignee (or the queue), escalate to the queue's lead, transfer
to another queue, reassign by the queue's strategy, assign to someone named,
raise the priority. The changes go through TicketActions, as a person's do,
so they leave the same history (actor "sla: <rule>") and notices.
"""

from __future__ import annotations

from daemon.circulation.rules import SlaAction, SlaRule
from daemon.config import PRIORITIES, Config
from daemon.notices.notify import Notifier
from daemon.store import repository
from daemon.store.models import SlaClock, Ticket
from daemon.tickets.actions import TicketActions
from daemon.tickets.allocation import pick_assignee


class SlaActions:
    def __init__(self, config: Config, actions: TicketActions, notifier: Notifier):
        self.config, self.actions, self.notifier = config, actions, notifier

    def take(self, ticket: Ticket, rule: SlaRule, action: SlaAction, row: SlaClock) -> None:
        actor = f"sla: {rule.name}"
        what = f"{action.at} of {action.timer}" if action.share is not None else \
            f"{action.at} {action.timer}"
        repository.record(ticket.id, actor, f"sla {action.do}", None, what,
                          at=self.actions.clock.now())
        getattr(self, "_" + action.do)(ticket, rule, action, row, actor)

    def _remind(self, ticket, rule, action, row, actor) -> None:
        queue = self.config.queue(ticket.queue)
        to = [ticket.assignee] if ticket.assignee else [m.lower() for m in queue.members]
        self._notice(ticket, "sla_reminder", to, rule, action, row)

    def _escalate(self, ticket, rule, action, row, actor) -> None:
        lead = self.config.queue(ticket.queue).lead
        self._notice(ticket, "sla_escalated", [lead.lower()] if lead else [], rule, action, row)

    def _transfer(self, ticket, rule, action, row, actor) -> None:
        self.actions.set_queue(ticket, action.queue, actor, reassign=True)

    def _reassign(self, ticket, rule, action, row, actor) -> None:
        """The queue's strategy picks among its members (least_open for a manual queue),
        leaving out the current assignee when someone else can take it."""
        queue = self.config.queue(ticket.queue)
        members = [m.lower() for m in queue.members]
        others = [m for m in members if m != ticket.assignee] or members
        if not others:
            return
        strategy = "least_open" if queue.assign == "manual" else queue.assign
        self.actions.assign(ticket, pick_assignee(queue.name, strategy, others), actor)

    def _assign(self, ticket, rule, action, row, actor) -> None:
        to = self.config.queue(ticket.queue).lead if action.to == "lead" else action.to
        if to:
            self.actions.assign(ticket, to, actor)

    def _priority(self, ticket, rule, action, row, actor) -> None:
        step = PRIORITIES[min(PRIORITIES.index(ticket.priority) + 1, len(PRIORITIES) - 1)]
        self.actions.set_priority(ticket, action.priority or step, actor)

    def _notice(self, ticket, template, to, rule, action, row) -> None:
        due = row.due_first_response if action.timer == "first_response" else row.due_resolution
        zone = self.actions.timers.circulation.calendar.zone
        self.notifier.notice(ticket, template, to, message=self.actions.last_message(ticket),
                             in_reply_to=None, extra={"sla": {
                                 "rule": rule.name, "timer": action.timer.replace("_", " "),
                                 "at": action.at,
                                 "due": due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
                                 if due else "-"}})
