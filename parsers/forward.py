"""Who wrote a forwarded mail? The From line of the forwarded block, if any.

Gmail (`---------- Forwarded message ---------`), Apple Mail (`Begin forwarded
message:`), Thunderbird (`-------- Forwarded Message --------`) and Outlook
(`From:`/`Von:` then `Sent:`/`Gesendet:`) all put a From line at the top of
the forwarded part. Only the first is taken; the caller decides whether to
trust it (staff with an explicit marker only). A mail forwarded as an
attachment (message/rfc822) names its author in its own From header.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import default

from parsers.addresses import parse_address

_MARKER = re.compile(r"^\s*(-{2,}\s*(forwarded message|weitergeleitete nachricht|"
                     r"message transféré|original message|ursprüngliche nachricht)\s*-{2,}|"
                     r"begin forwarded message:)\s*$", re.IGNORECASE)
_FROM = re.compile(r"^\s*[*>]*\s*(from|von|de|van|da)\s*:\s*\**\s*(.+?)\s*$", re.IGNORECASE)
_BARE = re.compile(r"[^\s<>()\[\],;:\"]+@[^\s<>()\[\],;:\"]+\.\w+")
_NEXT = re.compile(r"^\s*[*>]*\s*(sent|date|gesendet|datum|envoyé|to|an|subject|betreff)\s*:",
                   re.IGNORECASE)


def forwarded_sender(text: str) -> tuple[str, str] | None:
    """(name, address) of the forwarded mail's author, or None."""
    lines = (text or "").replace("\r\n", "\n").replace("\xa0", " ").split("\n")
    for i, line in enumerate(lines):
        marked = bool(_MARKER.match(line))
        start = i + 1 if marked else i
        if not marked and not (_FROM.match(line) and i + 1 < len(lines)
                               and _NEXT.match(lines[i + 1])):
            continue
        for candidate in lines[start:start + 4]:
            m = _FROM.match(candidate)
            if m:
                value = re.sub(r"\[([^\]]*)\]\(mailto:[^)]*\)", r"\1", m.group(2)).strip("*")
                return parse_address(value) or _bare(value)
    return None


def _bare(value: str) -> tuple[str, str] | None:
    """`Dana dana@x` (HTML made into text loses the angle brackets)."""
    m = _BARE.search(value)
    if not m:
        return None
    return value[: m.start()].strip(" \"'"), m.group(0).lower()


def attached_sender(raw: bytes) -> tuple[str, str] | None:
    """(name, address) from the From header of an attached message/rfc822."""
    try:
        value = BytesHeaderParser(policy=default).parsebytes(raw).get("from")
    except Exception:  # a broken attachment just names nobody
        return None
    return parse_address(str(value)) if value else None
