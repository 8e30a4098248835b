"""[[fields]] compiled once: patterns, header names, and a value check per type. Pure.

A value is stored in one canonical spelling (a choice as configured, an
email in lower case, a date as YYYY-MM-DD, a phone number as + and digits),
so `tickets list --field` finds it however the customer wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_VALUE = 500  # characters kept of a value: an index key stays small on every backend
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{6,40}$")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    choices: tuple[str, ...]
    required: bool
    queues: frozenset[str]  # empty: every queue
    patterns: tuple[re.Pattern, ...]
    headers: tuple[str, ...]  # lower-case header names
    customer: str  # the directory column, or ""

    def applies_to(self, queue: str) -> bool:
        return not self.queues or queue in self.queues


def compile_pattern(text: str) -> re.Pattern:
    """An admin's pattern: case-insensitive, ^ and $ at line ends (raises re.error)."""
    return re.compile(text, re.IGNORECASE | re.MULTILINE)


def label_pattern(label: str, name: str, choices: tuple[str, ...] = ()) -> re.Pattern:
    """The default source: a line 'Label: value' (or 'name = value'); for a choice field,
    one of its choices after the label, whatever follows it on the line."""
    words = {label, name, name.replace("_", " ")}
    names = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words) if w)
    value = (r"(?P<value>" + "|".join(map(re.escape, choices)) + r")(?!\w)" if choices
             else r"(?P<value>\S.*?)[ \t]*$")
    return compile_pattern(rf"^[ \t>*]*(?:{names})[ \t]*[:=#][ \t]*{value}")


def compile_field(f) -> FieldSpec:
    """A FieldConfig -> FieldSpec (its patterns were checked by check-config)."""
    patterns = tuple(compile_pattern(p) for p in f.patterns)
    if not (patterns or f.headers or f.customer):
        patterns = (label_pattern(f.label or f.name, f.name, tuple(f.choices)),)
    return FieldSpec(f.name, f.label or f.name, f.type, tuple(f.choices), f.required,
                     frozenset(f.queues), patterns, tuple(h.lower() for h in f.headers),
                     f.customer)


def value_spec(name: str, type: str = "text", choices: tuple[str, ...] = ()) -> FieldSpec:
    """What checking a value needs of a field and no more (its name, type and choices): for
    `tickets list --field`, which reads the [[fields]] tables without the config schema."""
    return FieldSpec(name, name, type, choices, False, frozenset(), (), (), "")


def compile_fields(config) -> tuple[FieldSpec, ...]:
    return tuple(compile_field(f) for f in config.fields)


def normalise(spec: FieldSpec, raw: object) -> str | None:
    """The canonical spelling of a value for this field, or None when it is not one."""
    text = " ".join(str(raw).split())[:MAX_VALUE].strip(" .;,")
    if not text:
        return None
    return _BY_TYPE[spec.type](spec, text)


def why_not(spec: FieldSpec, raw: object) -> str:
    """What a valid value of this field looks like, for a refusal."""
    if spec.type == "choice":
        return f"{spec.name} must be one of {', '.join(spec.choices)}"
    return f"{spec.name} must be {_A[spec.type]}"


def _text(spec, text):
    return text


def _number(spec, text):
    return text.replace(",", ".").lstrip("+") if _NUMBER.match(text) else None


def _choice(spec, text):
    low = text.lower()
    return next((c for c in spec.choices if c.lower() == low), None)


def _date(spec, text):
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _email(spec, text):
    text = text.strip("<>").lower()
    return text if _EMAIL.match(text) else None


def _phone(spec, text):
    if not _PHONE.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    return ("+" if text.startswith("+") else "") + digits if len(digits) >= 6 else None


_BY_TYPE = {"text": _text, "number": _number, "choice": _choice, "date": _date,
            "email": _email, "phone": _phone}
_A = {"text": "some text", "number": "a number", "date": "a date (YYYY-MM-DD)",
      "email": "an email address", "phone": "a phone number"}
