"""The checks a change to a ticket must pass, before anything is changed: a staff member
named, a status, a priority, a queue, a tag, a form field's value. They read only the
config, and the ones `ticketd tickets list` filters by are plain functions of the values
they need, so it can check `--status open --queue billing` without loading the config
schema or what changes tickets (notices, timers, allocation)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daemon.config import Config
    from daemon.forms.spec import FieldSpec

TAG_PATTERN = r"[\w.:/-]{1,50}"  # one tag: from a rule, a #tag line or `ticketd tickets tag`
TAG_RULE = "letters, digits, - _ . : / only, at most 50"
TAG = re.compile(f"^{TAG_PATTERN}$")


class ActionError(Exception):
    """A change that cannot be made, with the reason for the person who asked."""


def staff_address(who: str, actor: str, staff: Iterable[tuple[str, str]]) -> str:
    """`me`, an address, a name, or an unambiguous first name or local part -> an address;
    `staff` is each member's (email, name)."""
    staff = [(email.lower(), name.lower()) for email, name in staff]
    who = " ".join(who.split()).lower()
    if who == "me":
        who = actor.lower()
    for email, name in staff:
        if who in (email, name):
            return email
    short = {email for email, name in staff
             if who in (email.partition("@")[0], name.partition(" ")[0])}
    if len(short) == 1:
        return short.pop()
    if short:
        names = ", ".join(sorted(short))
        raise ActionError(f"{who!r} names more than one staff member: {names}")
    raise ActionError(f"{who!r} is not a staff member")


def check_status(status: str) -> None:
    from daemon.states import STATUSES  # its enums cost `tickets show` ~2 ms; it needs none

    if status not in STATUSES:
        raise ActionError(f"{status!r} is not a status (use {', '.join(STATUSES)})")


def check_queue(name: str, queues: list[str]) -> None:
    """`queues`: every queue's name, in the config's order."""
    if name not in queues:
        raise ActionError(f"{name!r} is not a queue (use {', '.join(queues)})")


def field_value(name: str, value: str, fields: Mapping[str, FieldSpec]) -> str:
    """The canonical value for a field, or ActionError naming what it must be."""
    from daemon.forms.spec import normalise, why_not

    spec = fields.get(name.lower())
    if spec is None:
        names = ", ".join(fields) or "none are configured"
        raise ActionError(f"{name!r} is not a field (use {names})")
    found = normalise(spec, value)
    if found is None:
        raise ActionError(why_not(spec, value))
    return found


class Checks:
    """Each `check_*` raises ActionError without changing anything, so a mail's commands
    can all be checked before the first one is applied."""

    def __init__(self, config: Config):
        self.config = config

    @cached_property
    def fields(self) -> dict[str, FieldSpec]:
        from daemon.forms.spec import compile_fields

        return {s.name: s for s in compile_fields(self.config)}

    def resolve_staff(self, who: str, actor: str) -> str:
        return staff_address(who, actor, ((s.email, s.name) for s in self.config.staff))

    def check_status(self, status: str) -> None:
        check_status(status)

    def check_priority(self, priority: str) -> None:
        from daemon.states import PRIORITIES

        if priority not in PRIORITIES:
            raise ActionError(f"{priority!r} is not a priority (use {', '.join(PRIORITIES)})")

    def check_queue(self, name: str) -> None:
        check_queue(name, [q.name for q in self.config.queues])

    def check_tag(self, tag: str) -> None:
        if not TAG.match(tag or ""):
            raise ActionError(f"{tag!r} is not a tag ({TAG_RULE})")

    def check_field(self, name: str, value: str) -> str:
        return field_value(name, value, self.fields)
