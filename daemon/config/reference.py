"""The config reference, made from the schema: `python -m daemon.config.reference > docs/config.md`.

A test compares the file with this output, so the reference cannot drift
from what the loader accepts.
"""

from __future__ import annotations

import dataclasses
import typing

from daemon.config.schema import TOML_NAMES, Config

SECTIONS = [
    ("daemon", "[daemon]", "process, database, templates"),
    ("smtp", "[smtp]", "inbound SMTP/LMTP listener"),
    ("imap", "[[imap]]", "polled IMAP mailboxes, zero or more (docs/imap.md)"),
    ("outbound", "[outbound]", "how our mail leaves"),
    ("tickets", "[tickets]", "numbering, acknowledgements, lifecycle"),
    ("limits", "[limits]", "attachment sizes"),
    ("security", "[security]", "who counts as staff (docs/staff.md)"),
    ("staff", "[[staff]]", "one per staff member"),
    ("queues", "[[queues]]", "departments"),
    ("rules", "[[rules]]", "keyword routing for new tickets, first match wins"),
    ("fields", "[[fields]]", "work-order form fields (docs/workorders.md)"),
    ("forms", "[forms]", "missing fields, the customer directory"),
    ("customers", "[[customers]]", "the customer directory, by sender"),
    ("calendar", "[calendar]", "business hours for circulation rules"),
    ("sla", "[[sla]]", "circulation rules: targets and actions, in business time"),
    ("reports", "[reports]", "`ticketd report`"),
    ("retention", "[retention]", "how long raw mail and quarantined mail are kept"),
    ("status", "[status]", "when `ticketd status` calls something a problem"),
    ("metrics", "[metrics]", "the Prometheus endpoint"),
]


def _type_name(hint) -> str:
    origin = typing.get_origin(hint)
    if origin is list:
        return f"list of {_type_name(typing.get_args(hint)[0])}"
    if origin is dict:
        return "table"
    return {str: "string", int: "integer", bool: "boolean", object: "any"}.get(hint, "table")


def _default(f) -> str:
    if f.default is not dataclasses.MISSING:
        return "`" + repr(f.default).replace("'", '"').replace("True", "true").replace(
            "False", "false") + "`"
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        return "`[]`" if isinstance(value, list) else "`{}`"
    return "required"


def reference() -> str:
    hints = typing.get_type_hints(Config)
    out = ["# Configuration reference", "",
           "Generated from the schema in `daemon/config.py` by "
           "`python -m daemon.config.reference`; `ticketd check-config` applies the same rules.",
           "Paths are relative to the config file's folder.", ""]
    for attr, title, what in SECTIONS:
        if attr not in hints:
            continue
        hint = hints[attr]
        cls = typing.get_args(hint)[0] if typing.get_origin(hint) is list else hint
        out += [f"## `{title}`: {what}", "", "| key | type | default | meaning |",
                "|---|---|---|---|"]
        sub = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            name = TOML_NAMES.get(f.name, f.name)
            help_text = f.metadata.get("help", "").replace("|", "\\|")
            out.append(f"| `{name}` | {_type_name(sub[f.name])} | {_default(f)} | {help_text} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(reference())
