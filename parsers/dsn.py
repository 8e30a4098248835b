"""Delivery status notifications (RFC 3464): which mail of ours bounced, and for whom.

The returned message (message/rfc822) or its headers (text/rfc822-headers)
carry the Message-ID we generated; the delivery-status part names the
failed recipients. Bounces that follow no standard (qmail's "failure
notice", Exchange NDRs in plain text) are searched for a Message-ID line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from parsers.addresses import parse_address
from parsers.references import normalize_message_id

_MID_LINE = re.compile(r"^\s*Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class BounceReport:
    message_ids: tuple[str, ...]  # of the returned (our) message
    recipients: tuple[str, ...]  # failed addresses
    status: str = ""  # e.g. 5.1.1
    diagnostic: str = ""
    permanent: bool = True

    def summary(self) -> str:
        who = ", ".join(self.recipients) or "an unknown address"
        what = " ".join(x for x in (self.status, self.diagnostic[:200]) if x)
        return f"delivery to {who} failed" + (f": {what}" if what else "")


def parse_dsn(msg: Message, failed_header: str = "") -> BounceReport:
    mids: list[str] = []
    recipients: list[str] = []
    status = diagnostic = ""
    permanent = True
    for part in _parts(msg):
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in _status_blocks(part):
                rcpt = _address(block.get("final-recipient") or block.get("original-recipient"))
                action = (block.get("action") or "").strip().lower()
                if rcpt and action in ("failed", "delayed", ""):
                    recipients.append(rcpt)
                    status = status or (block.get("status") or "").strip()
                    diagnostic = diagnostic or " ".join((block.get("diagnostic-code")
                                                         or "").split())
                    permanent = permanent and action != "delayed"
        elif ctype in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                mids.append(normalize_message_id(inner.get("message-id")) or "")
        elif ctype in ("text/rfc822-headers", "text/global-headers"):
            mids.append(normalize_message_id(_headers_of(part).get("message-id")) or "")
        elif ctype == "text/plain":
            text = _text(part)
            mids += [normalize_message_id(m) or "" for m in _MID_LINE.findall(text)]
    for value in failed_header.split(","):
        addr = _address(value)
        if addr:
            recipients.append(addr)
    if status.startswith("4"):
        permanent = False
    return BounceReport(tuple(dict.fromkeys(m for m in mids if m)),
                        tuple(dict.fromkeys(recipients)), status, diagnostic, permanent)


def _parts(msg: Message, limit: int = 200):
    stack, n = [msg], 0
    while stack and n < limit:
        part = stack.pop(0)
        n += 1
        yield part
        if part.is_multipart() and part.get_content_type().startswith("multipart/"):
            stack.extend(p for p in part.get_payload() if isinstance(p, Message))


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    return [HeaderParser().parsestr(b.strip() + "\n\n") for b in re.split(r"\n\s*\n", text)
            if b.strip()]


def _headers_of(part: Message) -> Message:
    return HeaderParser().parsestr(_text(part))


def _text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    payload = part.get_payload()
    return payload if isinstance(payload, str) else ""


def _address(value) -> str | None:
    """`rfc822; bob@x` -> bob@x."""
    if not value:
        return None
    value = str(value).split(";", 1)[-1].strip()
    parsed = parse_address(value)
    return parsed[1] if parsed else None
