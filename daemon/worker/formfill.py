"""Form fields in a plan: what a mail gives, what is still missing, and whether the ticket
waits for it. Pure: the decide stage calls it with what it read; apply stores the result.

A new ticket gets the fields of its queue's form that the mail (or the
customer directory, or a rule) gives; when a required one is missing, the
acknowledgement asks for it and the ticket waits in `[forms] waiting_status`.
A customer's reply fills in the fields the ticket does not have yet; while a
required one is still missing the ticket keeps waiting and the customer is
asked again (rate-limited like acknowledgements); once none is, it opens.
"""

from __future__ import annotations

import dataclasses

from daemon.forms.extract import Reading, missing
from daemon.forms.spec import FieldSpec
from daemon.states import Action, Kind, Status
from daemon.worker.plan import NoticeSpec, Plan

FIELDS_MISSING = NoticeSpec("fields_missing", "requester", "auto-replied", rate_limited=True)


@dataclasses.dataclass(frozen=True)
class FormContext:
    specs: tuple[FieldSpec, ...]
    waiting_status: str  # "" = tickets do not wait


def for_new_ticket(plan: Plan, readings: tuple[Reading, ...], form: FormContext) -> Plan:
    queue = plan.route.queue
    values = _of_queue(readings + _rule_readings(plan), form.specs, queue)
    lacking = missing(form.specs, queue, {r.name for r in values})
    plan = dataclasses.replace(plan, fields=values, missing=_named(lacking))
    if lacking and plan.kind == Kind.CUSTOMER and _waits(form):
        what = ", ".join(s.label for s in lacking)
        plan = dataclasses.replace(plan, new_status=form.waiting_status,
                                   outcome=f"{plan.outcome}; waiting for {what}")
    return plan


def for_follow_up(plan: Plan, readings: tuple[Reading, ...], form: FormContext,
                  queue: str, status: str, have: dict[str, str]) -> Plan:
    new = tuple(r for r in _of_queue(readings, form.specs, queue) if r.name not in have)
    before = missing(form.specs, queue, set(have))
    after = missing(form.specs, queue, set(have) | {r.name for r in new})
    plan = dataclasses.replace(plan, fields=new, missing=_named(after))
    if not (before and _waits(form) and status == form.waiting_status):
        return plan
    if after:
        what = ", ".join(s.label for s in after)
        return dataclasses.replace(plan, new_status=None, notices=plan.notices + (
            FIELDS_MISSING,), outcome=f"{plan.outcome}; still waiting for {what}")
    return dataclasses.replace(plan, new_status=Status.OPEN,
                               outcome=f"{plan.outcome}; the form is complete")


def applies(plan: Plan) -> str:
    """Which form step a plan takes: "new", "follow_up" or "" (none)."""
    if plan.held or plan.kind in (Kind.SPAM, Kind.BOUNCE, Kind.OWN):
        return ""
    if plan.action == Action.CREATE and plan.route is not None:
        return "new"
    if plan.action == Action.APPEND and plan.kind == Kind.CUSTOMER:
        return "follow_up"
    return ""


def _waits(form: FormContext) -> bool:
    return bool(form.waiting_status) and form.waiting_status != Status.NEW


def _rule_readings(plan: Plan) -> tuple[Reading, ...]:
    return tuple(Reading(name, value, f"rule {rule!r}") for name, value, rule
                 in plan.route.fields)


def _of_queue(readings, specs, queue: str) -> tuple[Reading, ...]:
    """The readings of fields on this queue's form, the first of each name."""
    on_form = {s.name for s in specs if s.applies_to(queue)}
    seen: dict[str, Reading] = {}
    for r in readings:
        if r.name in on_form:
            seen.setdefault(r.name, r)
    return tuple(seen.values())


def _named(specs: tuple[FieldSpec, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((s.name, s.label) for s in specs)
