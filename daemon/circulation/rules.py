"""[[sla]] compiled once: which rule covers a ticket, its due times, which actions are due. Pure.

A rule covers tickets of its queues and priorities (first match in file
order). Targets and action moments count business time from the ticket's
start, plus the business time it spent paused (pending on the customer). An
action watches one timer: `first_response` (until the first staff reply),
`resolution` (until resolved) or `unassigned` (while nobody has it); it
fires once, at a share of the target ("75%") or after a business time ("2h").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from daemon.circulation.calendar import BusinessCalendar, Duration, parse_duration
from daemon.config.checks_workorders import default_timer

PERCENT = re.compile(r"^\s*(\d{1,4})\s*%\s*$")


@dataclass(frozen=True)
class SlaAction:
    index: int
    timer: str  # first_response | resolution | unassigned
    at: str  # as written: "75%" or "2h"
    share: float | None  # 0.75 for "75%"
    after: Duration | None  # for "2h"
    do: str
    queue: str = ""
    to: str = ""
    priority: str = ""


@dataclass(frozen=True)
class SlaRule:
    name: str
    queues: frozenset[str]
    priorities: frozenset[str]
    first_response: Duration | None
    resolution: Duration | None
    actions: tuple[SlaAction, ...]

    def covers(self, queue: str, priority: str) -> bool:
        return ((not self.queues or queue in self.queues)
                and (not self.priorities or priority in self.priorities))

    def key(self, action: SlaAction) -> str:
        return f"{self.name}#{action.index}"


@dataclass(frozen=True)
class ClockView:
    """What a due-time computation needs of a ticket and its clock."""

    started_at: datetime
    paused_seconds: float
    responded: bool  # a staff reply went out (or it was resolved)
    assigned: bool
    fired: frozenset[str]


def compile_rule(c) -> SlaRule:
    actions = tuple(_action(i, a, c) for i, a in enumerate(c.actions))
    return SlaRule(c.name, frozenset(c.queues), frozenset(c.priorities),
                   parse_duration(c.first_response) if c.first_response else None,
                   parse_duration(c.resolution) if c.resolution else None, actions)


def _action(i: int, a: dict, rule) -> SlaAction:
    at = str(a["at"])
    m = PERCENT.match(at)
    return SlaAction(i, a.get("of", default_timer(rule)), at,
                     int(m.group(1)) / 100 if m else None, None if m else parse_duration(at),
                     a["do"], a.get("queue", ""), str(a.get("to", "")).lower(),
                     a.get("priority", ""))


class Circulation:
    """The compiled rules and the calendar they count in."""

    def __init__(self, rules: tuple[SlaRule, ...], calendar: BusinessCalendar):
        self.rules, self.calendar = rules, calendar

    def rule_for(self, queue: str, priority: str) -> SlaRule | None:
        return next((r for r in self.rules if r.covers(queue, priority)), None)

    def rule_named(self, name: str | None) -> SlaRule | None:
        return next((r for r in self.rules if r.name == name), None)

    def dues(self, rule: SlaRule, view: ClockView) -> tuple[datetime | None, datetime | None]:
        return (self._after(view, rule.first_response), self._after(view, rule.resolution))

    def moment(self, rule: SlaRule, action: SlaAction, view: ClockView) -> datetime:
        if action.share is None:
            return self._after(view, action.after)
        target = getattr(rule, action.timer)
        seconds = target.total(self.calendar.day_seconds) * action.share
        return self.calendar.add(view.started_at, seconds + view.paused_seconds)

    def waiting(self, rule: SlaRule, view: ClockView) -> list[tuple[datetime, SlaAction]]:
        """The actions still to come, by moment: not taken, and their timer still runs."""
        out = [(self.moment(rule, a, view), a) for a in rule.actions
               if rule.key(a) not in view.fired and _runs(a.timer, view)]
        return sorted(out, key=lambda pair: (pair[0], pair[1].index))

    def next_check(self, rule: SlaRule, view: ClockView) -> datetime | None:
        waiting = self.waiting(rule, view)
        return waiting[0][0] if waiting else None

    def due_now(self, rule: SlaRule, view: ClockView, now: datetime) -> list[SlaAction]:
        return [a for moment, a in self.waiting(rule, view) if moment <= now]

    def _after(self, view: ClockView, d: Duration | None) -> datetime | None:
        if d is None:
            return None
        return self.calendar.add(view.started_at,
                                 d.total(self.calendar.day_seconds) + view.paused_seconds)


def _runs(timer: str, view: ClockView) -> bool:
    if timer == "first_response":
        return not view.responded
    if timer == "unassigned":
        return not view.assigned
    return True  # resolution: the clock runs only while the ticket is new or open


def circulation_from_config(config) -> Circulation:
    from daemon.circulation.calendar import calendar_from_config

    return Circulation(tuple(compile_rule(r) for r in config.sla),
                       calendar_from_config(config.calendar))
