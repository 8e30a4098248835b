"""Keyword rules, compiled once, applied to a new ticket: pure, no I/O.

A rule matches when every field it lists matches; a field matches when any
of its keywords does. Keywords are whole words or phrases, case-insensitive
and Unicode-aware; `/.../` is a regular expression; in `from` and `to` a
keyword with `@` is an address (`bob@x`) or a domain (`@x`); `field.NAME`
matches a form field's value (read from the mail, the customer directory, or
set by an earlier rule). Every decision keeps its reason, so `ticketd explain`
can say why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from daemon.config import Config, RuleConfig
from daemon.forms.spec import compile_field, normalise
from parsers.addresses import split_plus
from parsers.keywords import Keyword, compile_pattern
from parsers.message import ParsedMessage


@dataclass(frozen=True)
class CompiledRule:
    name: str
    fields: dict[str, tuple[Keyword, ...]]
    set: dict
    stop: bool


@dataclass(frozen=True)
class RuleHit:
    rule: str
    reasons: tuple[str, ...]  # one per field: 'subject has "refund"'


@dataclass(frozen=True)
class RouteDecision:
    queue: str
    queue_reason: str
    priority: str = "normal"
    tags: tuple[str, ...] = ()
    assignee: str | None = None
    hits: tuple[RuleHit, ...] = field(default=())
    fields: tuple[tuple[str, str, str], ...] = ()  # (name, value, rule) set by rules


@dataclass(frozen=True)
class MailFacts:
    """What rules look at, taken once from a message."""

    subject: str
    body: str
    from_values: tuple[str, ...]  # the address and the display name
    from_addrs: tuple[str, ...]
    to_addrs: tuple[str, ...]  # envelope, X-Original-To, To, Cc, Delivered-To: in that order
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (value, source)


def mail_facts(msg: ParsedMessage, rcpt_to: tuple[str, ...] = (),
               fields: dict[str, tuple[str, str]] | None = None) -> MailFacts:
    to = tuple(dict.fromkeys(
        [a.lower() for a in rcpt_to] + list(msg.original_to)
        + [a for _, a in msg.to] + [a for _, a in msg.cc] + list(msg.delivered_to)))
    from_addrs = (msg.from_addr,) if msg.from_addr else ()
    return MailFacts(
        subject=msg.subject,
        body=msg.text,
        from_values=from_addrs + ((msg.from_name,) if msg.from_name else ()),
        from_addrs=from_addrs,
        to_addrs=to,
        fields=dict(fields or {}),
    )


class Router:
    def __init__(self, config: Config):
        self.config = config
        self.rules = [compile_rule(r) for r in config.rules]
        self.queue_by_address = {
            a.lower(): q.name for q in config.queues for a in q.addresses
        }

    def route(self, facts: MailFacts, queue_hint: str | None = None) -> RouteDecision:
        """Rules first, then the queue of the way in, then the recipient's, then the default."""
        sets: dict = {}
        hits: list[RuleHit] = []
        set_fields: dict[str, tuple[str, str, str]] = {}
        for rule in self.rules:
            reasons = rule_reasons(rule, facts)
            if reasons is None:
                continue
            hits.append(RuleHit(rule.name, reasons))
            for key, value in rule.set.items():
                if key == "tags":  # tags add up; every other setting: first rule wins
                    sets["tags"] = list(dict.fromkeys([*sets.get("tags", []), *value]))
                elif key == "fields":
                    facts = self._set_fields(rule.name, value, facts, set_fields)
                else:
                    sets.setdefault(key, value)
            if rule.stop:
                break
        queue, why = self._queue(sets, hits, facts, queue_hint)
        return RouteDecision(
            queue=queue,
            queue_reason=why,
            priority=sets.get("priority", "normal"),
            tags=tuple(sets.get("tags", ())),
            assignee=(sets.get("assignee") or "").lower() or None,
            hits=tuple(hits),
            fields=tuple(set_fields.values()),
        )

    def _set_fields(self, rule: str, values: dict, facts: MailFacts, out: dict) -> MailFacts:
        """A rule's `set.fields` fills fields the mail does not give; the first rule to set
        one wins, and later rules see it."""
        new = dict(facts.fields)
        for name, raw in values.items():
            value = normalise(compile_field(self.config.field(name)), raw)
            if name in out or name in new or value is None:
                continue
            out[name] = (name, value, rule)
            new[name] = (value, f"rule {rule!r}")
        return dataclasses.replace(facts, fields=new)

    def _queue(self, sets, hits, facts, queue_hint) -> tuple[str, str]:
        """A rule's `set.queue`; then the queue of the way the mail came in (`ingest
        --queue`, the IMAP mailbox's `queue`: the admin's alias says which address it came
        through); then a recipient's queue; then the default."""
        if "queue" in sets:
            rule = next(h.rule for h in hits if "queue" in self._rule(h.rule).set)
            return sets["queue"], f"rule {rule!r}"
        if queue_hint and self.config.queue(queue_hint):
            return queue_hint, "the queue of its way in (ingest --queue, IMAP mailbox)"
        for addr in facts.to_addrs:
            base = split_plus(addr)[0]
            name = self.queue_by_address.get(addr) or self.queue_by_address.get(base)
            if name:
                return name, f"recipient {addr}"
        return self.config.tickets.default_queue, "default queue"

    def _rule(self, name: str) -> CompiledRule:
        return next(r for r in self.rules if r.name == name)

    def queue_for_address(self, addr: str) -> str | None:
        return self.queue_by_address.get(addr) or self.queue_by_address.get(split_plus(addr)[0])


def compile_rule(rule: RuleConfig) -> CompiledRule:
    fields = {}
    for name, words in rule.matches.items():
        fields[name] = tuple(
            Keyword(w, compile_pattern(w), name in ("from", "to") and "@" in w) for w in words
        )
    return CompiledRule(rule.name, fields, dict(rule.set), rule.stop)


def rule_reasons(rule: CompiledRule, facts: MailFacts) -> tuple[str, ...] | None:
    """Why every field of the rule matches, or None when one does not."""
    reasons = []
    for name, keywords in rule.fields.items():
        found = next((k for k in keywords if _field_matches(name, k, facts)), None)
        if found is None:
            return None
        reasons.append(f"{name} has {found.text!r}" + _where_from(name, facts))
    return tuple(reasons)


def _where_from(name: str, facts: MailFacts) -> str:
    """For a form field, where its value was read: explain names it."""
    if not name.startswith("field."):
        return ""
    value, source = facts.fields[name[6:]]
    return f" (value {value!r} from {source})"


def _field_matches(name: str, kw: Keyword, facts: MailFacts) -> bool:
    if name.startswith("field."):
        found = facts.fields.get(name[6:])
        return found is not None and kw.matches_text(found[0])
    if name == "subject":
        return kw.matches_text(facts.subject)
    if name == "body":
        return kw.matches_text(facts.body)
    if name == "text":
        return kw.matches_text(facts.subject) or kw.matches_text(facts.body)
    values = facts.from_values if name == "from" else facts.to_addrs
    addrs = facts.from_addrs if name == "from" else facts.to_addrs
    if kw.address:
        return any(kw.matches_address(a) for a in addrs)
    return any(kw.matches_text(v) for v in values)
