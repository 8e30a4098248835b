"""Read a mail's form fields: headers (web forms), patterns, the customer directory. Pure.

The decide stage calls this outside any transaction; the readings travel in
the plan and apply stores them. Each reading keeps where it came from, so
`ticketd explain` and the ticket's history can say ("body: 'Serial: A-1234'").
A header beats a pattern, a pattern beats the directory: what the customer
wrote in this mail is the freshest word.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.forms.customers import CustomerDirectory
from daemon.forms.spec import FieldSpec, normalise
from parsers.charsets import decode_header_value

QUOTE_CHARS = 60  # how much of the matched text a source shows


@dataclass(frozen=True)
class Reading:
    name: str
    value: str
    source: str  # 'subject: "Serial A-1"', 'header X-Form-Area', 'customer directory (...)'


def read_fields(specs: tuple[FieldSpec, ...], subject: str, visible_body: str,
                headers: dict[str, str], sender: str | None,
                directory: CustomerDirectory) -> tuple[Reading, ...]:
    """Every field whose value this mail gives, first source that yields a valid value."""
    customer = directory.lookup(sender)
    out = []
    for spec in specs:
        found = (_from_headers(spec, headers) or _from_text(spec, "subject", subject)
                 or _from_text(spec, "body", visible_body) or _from_customer(spec, customer))
        if found:
            out.append(found)
    return tuple(out)


def _from_headers(spec: FieldSpec, headers: dict[str, str]) -> Reading | None:
    for name in spec.headers:
        raw = headers.get(name)
        value = normalise(spec, decode_header_value(raw)) if raw else None
        if value:
            return Reading(spec.name, value, f"header {name}")
    return None


def _from_text(spec: FieldSpec, where: str, text: str) -> Reading | None:
    if not text:
        return None
    for pattern in spec.patterns:
        for m in pattern.finditer(text):
            value = normalise(spec, _value_of(m))
            if value:
                quote = " ".join(m.group(0).split())[:QUOTE_CHARS]
                return Reading(spec.name, value, f"{where}: {quote!r}")
    return None


def _value_of(m) -> str:
    if "value" in m.re.groupindex and m.group("value") is not None:
        return m.group("value")
    groups = [g for g in m.groups() if g is not None]
    return groups[0] if groups else m.group(0)


def _from_customer(spec: FieldSpec, customer) -> Reading | None:
    if not spec.customer or customer is None:
        return None
    raw = customer.values.get(spec.customer)
    value = normalise(spec, raw) if raw else None
    if not value:
        return None
    return Reading(spec.name, value, f"customer directory ({customer.source}, "
                                     f"{customer.sender})")


def missing(specs: tuple[FieldSpec, ...], queue: str, have: set[str]) -> tuple[FieldSpec, ...]:
    """The required fields of a queue's form that have no value."""
    return tuple(s for s in specs if s.required and s.applies_to(queue) and s.name not in have)
