"""Checks of the work-order sections: [[fields]], the customer directory, [calendar], [[sla]].

Each problem names its key path, as the rest of check-config does: an unknown
field in a rule, a pattern that does not compile, a queue or a lead nobody
defined, a duration nobody can read.
"""

from __future__ import annotations

import re

from daemon.circulation.calendar import CalendarError, calendar_from_config, parse_duration
from daemon.config.schema import (
    FIELD_TYPES,
    PRIORITIES,
    SLA_ACTIONS,
    SLA_TIMERS,
    STATUSES,
    Config,
)
from daemon.forms.customers import DirectoryError, is_sender, load_directory
from daemon.forms.spec import NAME, compile_field, compile_pattern, normalise, why_not

HEADER_NAME = re.compile(r"^[!-9;-~]+$")
ACTION_KEYS = {"at", "of", "do", "queue", "to", "priority"}
PERCENT = re.compile(r"^\s*(\d{1,4})\s*%\s*$")


def check_workorders(c: Config, queue_names: list[str], staff: set[str]) -> list[str]:
    p = _check_fields(c, queue_names)
    p += _check_directory(c)
    p += _check_forms(c)
    p += _check_calendar(c)
    for i, rule in enumerate(c.sla):
        p += _check_sla(c, i, rule, queue_names, staff)
    names = [r.name for r in c.sla]
    p += [f"sla[{i}].name: {n!r} is used twice" for i, n in enumerate(names)
          if names.index(n) != i]
    return p


def check_field_values(c: Config, where: str, values) -> list[str]:
    """A rule's `set.fields`: known fields, valid values."""
    if not isinstance(values, dict):
        return [f"{where}: must be a table of field name -> value"]
    p = []
    for name, value in values.items():
        f = c.field(name)
        if f is None:
            p.append(f"{where}.{name}: no [[fields]] entry is named {name!r}")
            continue
        spec = compile_field(f)
        if normalise(spec, value) is None:
            p.append(f"{where}.{name}: {why_not(spec, value)}")
    return p


def _check_fields(c: Config, queue_names: list[str]) -> list[str]:
    p: list[str] = []
    names = [f.name for f in c.fields]
    for i, f in enumerate(c.fields):
        where = f"fields[{i}]"
        if not NAME.match(f.name or ""):
            p.append(f"{where}.name: {f.name!r}: use lower-case letters, digits and _ "
                     "(starting with a letter)")
        elif names.index(f.name) != i:
            p.append(f"{where}.name: field {f.name!r} is defined twice")
        if f.type not in FIELD_TYPES:
            p.append(f"{where}.type: {f.type!r} is not one of {', '.join(FIELD_TYPES)}")
        if (f.type == "choice") != bool(f.choices):
            p.append(f"{where}.choices: a choice field needs choices, and only a choice "
                     "field has them")
        p += [f"{where}.queues[{j}]: queue {q!r} is not defined in [[queues]]"
              for j, q in enumerate(f.queues) if q not in queue_names]
        for j, pattern in enumerate(f.patterns):
            try:
                compile_pattern(pattern)
            except re.error as exc:
                p.append(f"{where}.patterns[{j}]: bad regular expression: {exc}")
        p += [f"{where}.headers[{j}]: {h!r} is not a header name"
              for j, h in enumerate(f.headers) if not HEADER_NAME.match(h)]
    return p


def _check_directory(c: Config) -> list[str]:
    p = [f"customers[{i}].sender: {x.sender!r} is not an address or @domain"
         for i, x in enumerate(c.customers) if not is_sender(x.sender.strip().lower())]
    try:
        directory = load_directory(c)
    except DirectoryError as exc:
        return p + [f"forms.customers_file: {exc}"]
    for i, f in enumerate(c.fields):
        if f.customer and f.customer not in directory.columns:
            have = ", ".join(sorted(directory.columns)) or "there is no customer directory"
            p.append(f"fields[{i}].customer: no customer column {f.customer!r} ({have})")
    return p


def _check_forms(c: Config) -> list[str]:
    w = c.forms.waiting_status
    if w and w not in STATUSES[:3]:
        return ["forms.waiting_status: must be new, open, pending or \"\""]
    return []


def _check_calendar(c: Config) -> list[str]:
    try:
        calendar_from_config(c.calendar)
    except CalendarError as exc:
        return [f"calendar: {exc}"]
    return []


def _check_sla(c: Config, i: int, rule, queue_names, staff) -> list[str]:
    where = f"sla[{i}]"
    p = [f"{where}.queues[{j}]: queue {q!r} is not defined in [[queues]]"
         for j, q in enumerate(rule.queues) if q not in queue_names]
    p += [f"{where}.priorities[{j}]: {x!r} is not one of {', '.join(PRIORITIES)}"
          for j, x in enumerate(rule.priorities) if x not in PRIORITIES]
    targets = {}
    for key in ("first_response", "resolution"):
        text = getattr(rule, key)
        if text:
            try:
                targets[key] = parse_duration(text)
            except CalendarError as exc:
                p.append(f"{where}.{key}: {exc}")
    if not (rule.first_response or rule.resolution or rule.actions):
        p.append(f"{where}: give first_response, resolution or actions")
    covered = rule.queues or queue_names
    for j, action in enumerate(rule.actions):
        p += _check_action(c, f"{where}.actions[{j}]", action, rule, covered, queue_names,
                           staff)
    return p


def _check_action(c, where, a, rule, covered, queue_names, staff) -> list[str]:
    if not isinstance(a, dict):
        return [f"{where}: must be a table such as {{ at = \"100%\", do = \"escalate\" }}"]
    p = [f"{where}.{k}: unknown key {k!r} (use {', '.join(sorted(ACTION_KEYS))})"
         for k in a if k not in ACTION_KEYS]
    do = a.get("do")
    if do not in SLA_ACTIONS:
        p.append(f"{where}.do: {do!r} is not one of {', '.join(SLA_ACTIONS)}")
    timer = a.get("of", default_timer(rule))
    if timer not in SLA_TIMERS:
        p.append(f"{where}.of: {timer!r} is not one of {', '.join(SLA_TIMERS)}")
    p += _check_at(where, a.get("at"), timer, rule)
    if do == "transfer" and a.get("queue") not in queue_names:
        p.append(f"{where}.queue: transfer needs a queue defined in [[queues]], not "
                 f"{a.get('queue')!r}")
    if do == "assign" and str(a.get("to", "")).lower() not in staff | {"lead"}:
        p.append(f"{where}.to: {a.get('to')!r} is not listed in [[staff]] (or use \"lead\")")
    if do == "priority" and "priority" in a and a["priority"] not in PRIORITIES:
        p.append(f"{where}.priority: {a['priority']!r} is not one of {', '.join(PRIORITIES)}")
    if do == "escalate" or (do == "assign" and str(a.get("to", "")).lower() == "lead"):
        leadless = [q for q in covered if not (c.queue(q) and c.queue(q).lead)]
        if leadless:
            p.append(f"{where}: {do} needs a lead in every queue the rule covers; "
                     f"{', '.join(leadless)} has none (set lead = \"...\" in [[queues]])")
    return p


def _check_at(where, at, timer, rule) -> list[str]:
    if not isinstance(at, str):
        return [f"{where}.at: give a share of the target (\"75%\") or a business time "
                "(\"2h\")"]
    if PERCENT.match(at):
        if timer == "unassigned" or not getattr(rule, timer, ""):
            return [f"{where}.at: {at!r} is a share of the {timer} target, which this rule "
                    "does not set; give a business time such as \"2h\""]
        return []
    try:
        parse_duration(at)
    except CalendarError as exc:
        return [f"{where}.at: {exc}"]
    return []


def default_timer(rule) -> str:
    """An action without `of` watches the first response, else the resolution."""
    return "first_response" if rule.first_response else "resolution"
