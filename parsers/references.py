"""Message-ID lists from In-Reply-To and References, normalised.

`<abc@x>` with stray spaces, folding or angle brackets missing all become
`abc@x`; empty ids (`<>`) are dropped so they can never match anything.
Lists are capped (parsers.limits): threading needs the root and the newest.
"""

from __future__ import annotations

import re

from parsers.limits import MAX_REFERENCES

_ID = re.compile(r"<([^<>\s]+)>")


def normalize_message_id(value: str | None) -> str | None:
    """`  <abc@x> ` -> `abc@x`; empty or garbage -> None."""
    if not value:
        return None
    found = _ID.findall(value)
    if found:
        return found[0].strip()
    bare = value.strip().strip("<>").strip()
    if not bare or any(c.isspace() for c in bare):
        return None
    return bare


def message_id_list(*values: str | None) -> tuple[str, ...]:
    """All ids named in the headers, newest last, without repeats."""
    out: dict[str, None] = {}
    for value in values:
        if not value:
            continue
        for mid in _ID.findall(value) or [normalize_message_id(value)]:
            if mid:
                out[mid] = None
    return tuple(out)


def capped_id_list(name: str, value: str | None, limit: int = MAX_REFERENCES
                   ) -> tuple[tuple[str, ...], str]:
    """(ids, "" or the defect sentence): the root and the newest `limit - 1` are kept,
    which is all threading needs; the middle of a 75,000-id header is dropped."""
    ids = message_id_list(value)
    if len(ids) <= limit:
        return ids, ""
    note = f"{name} cut to the first 1 and last {limit - 1} of {len(ids)}"
    return ids[:1] + ids[len(ids) - limit + 1:], note


_MESSAGE_ID_HEADER = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)",
                                re.IGNORECASE | re.MULTILINE)


def raw_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block of raw bytes, without a full parse."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    m = _MESSAGE_ID_HEADER.search(head)
    if not m:
        return None
    return normalize_message_id(m.group(1).decode("utf-8", "replace"))
