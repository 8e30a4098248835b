"""The checks a change to a ticket must pass, before anything is changed: a staff member
named, a status, a priority, a queue, a tag, a form field's value. They read only the
config, so `ticketd tickets list --status open --queue billing` checks its filters
without loading what changes tickets (notices, timers, allocation)."""

from __future__ import annotations

import re
from functools import cached_property

from daemon.config import PRIORITIES, STATUSES, Config
from daemon.config.schema import TAG_PATTERN, TAG_RULE

TAG = re.compile(f"^{TAG_PATTERN}$")


class ActionError(Exception):
    """A change that cannot be made, with the reason for the person who asked."""


class Checks:
    """Each `check_*` raises ActionError without changing anything, so a mail's commands
    can all be checked before the first one is applied."""

    def __init__(self, config: Config):
        self.config = config

    @cached_property
    def fields(self) -> dict:
        from daemon.forms.spec import compile_fields

        return {s.name: s for s in compile_fields(self.config)}

    def resolve_staff(self, who: str, actor: str) -> str:
        """`me`, an address, a name, or an unambiguous first name or local part -> an address."""
        who = " ".join(who.split()).lower()
        if who == "me":
            who = actor.lower()
        for s in self.config.staff:
            if who in (s.email.lower(), s.name.lower()):
                return s.email.lower()
        short = {s.email.lower() for s in self.config.staff
                 if who in (s.email.lower().partition("@")[0], s.name.lower().partition(" ")[0])}
        if len(short) == 1:
            return short.pop()
        if short:
            names = ", ".join(sorted(short))
            raise ActionError(f"{who!r} names more than one staff member: {names}")
        raise ActionError(f"{who!r} is not a staff member")

    def check_status(self, status: str) -> None:
        if status not in STATUSES:
            raise ActionError(f"{status!r} is not a status (use {', '.join(STATUSES)})")

    def check_priority(self, priority: str) -> None:
        if priority not in PRIORITIES:
            raise ActionError(f"{priority!r} is not a priority (use {', '.join(PRIORITIES)})")

    def check_queue(self, name: str) -> None:
        if self.config.queue(name) is None:
            names = ", ".join(q.name for q in self.config.queues)
            raise ActionError(f"{name!r} is not a queue (use {names})")

    def check_tag(self, tag: str) -> None:
        if not TAG.match(tag or ""):
            raise ActionError(f"{tag!r} is not a tag ({TAG_RULE})")

    def check_field(self, name: str, value: str) -> str:
        """The canonical value for a field, or ActionError naming what it must be."""
        from daemon.forms.spec import normalise, why_not

        spec = self.fields.get(name.lower())
        if spec is None:
            names = ", ".join(self.fields) or "none are configured"
            raise ActionError(f"{name!r} is not a field (use {names})")
        found = normalise(spec, value)
        if found is None:
            raise ActionError(why_not(spec, value))
        return found
