"""The ticket tag in a subject: `[Ticket #42]`, through Re:/AW:/Fwd: chains.

Only tags with our prefix count, so `[Other #7]` from another helpdesk is
ignored and kept in the subject as the customer wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Reply/forward markers in the languages our customers write in, with counters
# like `Re[2]:` and `Re^3:`.
_MARKERS = (
    r"re|aw|sv|vs|wg|fw|fwd|tr|rv|enc|res|odp|pd|antw|ant|vl|doorst|"
    r"r|ynt|yn|ri|rif|i|fs|vb|رد|回复|回覆|答复|转发|轉寄"
)
_PREFIX_RUN = re.compile(rf"^(?:\s*(?:{_MARKERS})\s*(?:\[\d+\]|\^\d+|\(\d+\))?\s*[:：]\s*)+",
                         re.IGNORECASE)


@lru_cache(maxsize=16)
def _tag_re(prefix: str) -> re.Pattern:
    return re.compile(rf"\[\s*{re.escape(prefix)}\s*#\s*(\d{{1,12}})\s*\]", re.IGNORECASE)


def find_ticket_id(subject: str, prefix: str) -> int | None:
    """The first `[<prefix> #N]` anywhere in the subject, else None."""
    m = _tag_re(prefix).search(subject or "")
    return int(m.group(1)) if m else None


def find_ticket_ids(subject: str, prefix: str) -> tuple[int, ...]:
    """Every `[<prefix> #N]`, in order: another helpdesk may use our prefix too (§30)."""
    return tuple(dict.fromkeys(int(m.group(1)) for m in _tag_re(prefix).finditer(subject or "")))


def strip_reply_markers(subject: str) -> str:
    """`Re: AW: Fwd: x` -> `x` (only leading markers)."""
    return _PREFIX_RUN.sub("", subject or "").strip()


def clean_subject(subject: str, prefix: str) -> str:
    """The subject a ticket keeps: without reply markers and without our tag."""
    text = strip_reply_markers(subject)
    text = _tag_re(prefix).sub(" ", text)
    text = strip_reply_markers(text)
    return " ".join(text.split())


def tagged_subject(ticket_id: int, subject: str, prefix: str, reply: bool = False) -> str:
    """Our outbound subject: exactly one tag, optional `Re:`."""
    base = clean_subject(subject, prefix) or "(no subject)"
    text = f"[{prefix} #{ticket_id}] {base}"
    return f"Re: {text}" if reply else text
