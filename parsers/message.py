"""Raw bytes -> ParsedMessage; mail-parser is the entry point, no database, no network.

A parse never raises on bad input: broken MIME, unknown or lying charsets and
NUL bytes give a message with `defects` listed and text decoded with U+FFFD.
Only input with nothing usable raises ParseError, which the pipeline turns
into a quarantine entry. Bodies and attachments are decoded by parsers.mime
(mail-parser mis-decodes some charsets and copies attachments too often);
big attachments are taken out before parsing (parsers.bigparts).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses

import mailparser
from mailparser.exceptions import MailParserRecursionError

from parsers.addresses import parse_address_list
from parsers.bigparts import extract_big_parts
from parsers.body import html_to_text, visible_html_text, visible_text
from parsers.charsets import decode_header_value as _decode
from parsers.dates import message_date
from parsers.dsn import BounceReport, parse_dsn
from parsers.inline import link_inline_images
from parsers.mime import Attachment, Forward, Walked, walk
from parsers.references import message_id_list, normalize_message_id
from parsers.robots import HUMAN, RobotFinding, detect_robot

__all__ = ["Attachment", "Forward", "ParseError", "ParsedMessage", "parse_message"]


TOO_DEEP = "MIME structure nested too deep to read"
MAX_MULTIPARTS = 200  # more multipart containers than this is an attack, not a mail
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|wg|tr|rv|enc|doorst|vs|vb|i|转发|轉寄)\s*:", re.I)
_MULTIPART_HEADER = re.compile(rb"(?im)^content-type:[ \t]*multipart/")


class ParseError(Exception):
    """The bytes hold nothing we can make a message of."""


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_: tuple[str, str] | None  # (name, addr)
    reply_to: tuple[tuple[str, str], ...]
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    original_to: tuple[str, ...]  # X-Original-To, Envelope-To: the address before aliases
    delivered_to: tuple[str, ...]  # Delivered-To: often the final mailbox, after aliases
    subject: str
    date: datetime | None  # the author's Date in UTC; the receive time when it is unusable
    text: str
    html: str
    visible_text: str
    attachments: tuple[Attachment, ...]
    robot: RobotFinding
    headers: dict[str, str] = field(repr=False)  # lower-case name -> first value
    authentication_results: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()
    sha256: str = ""
    size: int = 0
    forwards: tuple[Forward, ...] = ()
    received_count: int = 0
    bounce: BounceReport | None = None  # for delivery status notifications

    @property
    def from_addr(self) -> str | None:
        return self.from_[1] if self.from_ else None

    @property
    def from_name(self) -> str:
        return self.from_[0] if self.from_ else ""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this mail says it answers: In-Reply-To first."""
        return tuple(dict.fromkeys(self.in_reply_to + tuple(reversed(self.references))))

    @property
    def is_spam(self) -> bool:
        flag = self.headers.get("x-spam-flag", "").strip().lower()
        status = self.headers.get("x-spam-status", "").strip().lower()
        return flag == "yes" or status.startswith("yes")


def parse_message(raw: bytes, received_at: datetime | None = None) -> ParsedMessage:
    """Parse one RFC 5322 message; see the module docstring for the guarantees."""
    if not raw or not raw.strip():
        raise ParseError("empty message")
    clean = raw.replace(b"\x00", b"") if b"\x00" in raw else raw
    defects = ["NUL bytes removed"] if len(clean) != len(raw) else []
    extracted = extract_big_parts(clean)
    try:
        if len(_MULTIPART_HEADER.findall(extracted.raw)) > MAX_MULTIPARTS:
            raise RecursionError("too many nested multiparts to try")
        mail = mailparser.parse_from_bytes(extracted.raw)
        msg = mail.message
        defects += [str(d) for d in (_safe(lambda: mail.defects_categories) or ())]
        walked = walk(msg, extracted)
    except (RecursionError, MailParserRecursionError):
        msg, walked = _headers_only(extracted.raw)
        defects.append(TOO_DEEP)
    except Exception as exc:  # mail-parser raises many types on broken input
        raise ParseError(f"mail-parser could not read the message: {exc!r}") from exc
    headers = _first_headers(msg)
    if not headers:
        raise ParseError("no header lines found")
    defects += walked.defects
    subject = " ".join(_decode(headers.get("subject", "")).split())
    from_list = parse_address_list(_addresses(msg, "from"))
    text, html, attachments = _bodies(walked)
    plain_written = any(p.strip() for p in walked.plain + walked.fallback_plain)
    shown = _visible(text, html, plain_written, subject) or _placeholder(attachments)
    date, date_note = message_date(headers.get("date"), received_at)
    if date_note:
        defects.append(date_note)
    return ParsedMessage(
        message_id=normalize_message_id(headers.get("message-id")),
        in_reply_to=message_id_list(headers.get("in-reply-to")),
        references=message_id_list(headers.get("references")),
        from_=from_list[0] if from_list else None,
        reply_to=parse_address_list(_addresses(msg, "reply-to")),
        to=parse_address_list(_addresses(msg, "to")),
        cc=parse_address_list(_addresses(msg, "cc")),
        original_to=_envelope_headers(msg, ("x-original-to", "envelope-to")),
        delivered_to=_envelope_headers(msg, ("delivered-to",)),
        subject=subject,
        date=date,
        text=text + _forward_text(walked.forwards),
        html=html,
        visible_text=shown + _forward_text(walked.forwards),
        attachments=tuple(attachments),
        robot=_robot(headers, msg, from_list, subject),
        headers=headers,
        authentication_results=tuple(_decode(v) for v in _all(msg, "authentication-results")),
        defects=tuple(defects),
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        forwards=tuple(walked.forwards),
        received_count=len(_all(msg, "received")),
        bounce=_bounce(msg, headers, from_list, subject),
    )


def _headers_only(raw: bytes):
    """Nesting too deep for any MIME parser: keep the headers, say why the body is missing."""
    msg = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
    return msg, Walked(plain=[f"({TOO_DEEP}; the raw message is kept.)"])


def _safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def _raw_items(msg) -> list[tuple[str, str]]:
    """Header values as written: 8-bit bytes kept (as surrogates), not turned into U+FFFD."""
    items = _safe(msg.raw_items, None)
    return list(items) if items is not None else list(_safe(msg.items, []))


def _all(msg, name: str) -> list[str]:
    return [v for k, v in _raw_items(msg) if str(k).strip().lower() == name]


def _first_headers(msg) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in _raw_items(msg):
        key = str(name).strip().lower()
        if key not in out:
            out[key] = _header_str(value)
    return out


def _header_str(value) -> str:
    """Header objects (from 8-bit headers) and str alike -> str, 8-bit bytes decoded."""
    from parsers.charsets import unescape_8bit

    return unescape_8bit(value if isinstance(value, str) else str(value))


def _addresses(msg, name: str) -> list[tuple[str, str]]:
    """(name, addr) pairs: split first, then names decoded, so an encoded comma
    (`=?utf-8?q?Doe=2C_John?=`) stays inside its name."""
    values = [_header_str(v).replace("\r", " ").replace("\n", " ") for v in _all(msg, name)]
    return [(" ".join(_decode(n).split()), a) for n, a in getaddresses(values)]


def _bodies(walked) -> tuple[str, str, list[Attachment]]:
    plain = "\n".join(p for p in walked.plain if p) or "\n".join(walked.fallback_plain)
    html = "\n".join(p for p in walked.html if p) or "\n".join(walked.fallback_html)
    html, attachments = link_inline_images(html, walked.attachments)
    if not plain.strip() and html.strip():
        plain = html_to_text(html)
    return plain.replace("\r\n", "\n").replace("\x00", ""), html, attachments


def _placeholder(attachments) -> str:
    """An empty body still says what came (§13): the ack and staff notice show this."""
    names = ", ".join(a.filename for a in attachments if not a.inline)
    return f"(no text; attachments: {names})" if names else "(no text)"


def _visible(text: str, html: str, plain_written: bool, subject: str) -> str:
    """A written plain part is stripped as text; HTML-only mail by its markup. A forward
    (Fwd:, FW:, WG:...) is kept whole: the old mail under it is what we are sent."""
    if _FORWARD_SUBJECT.match(subject):
        return text.strip()
    if plain_written or not html.strip():
        return visible_text(text)
    return visible_html_text(html) or visible_text(text, bare_quotes=False)


def _forward_text(forwards: tuple[Forward, ...] | list[Forward]) -> str:
    out = []
    for f in forwards:
        out.append(f"\n\n---------- Forwarded message ----------\nFrom: {f.from_}\n"
                   f"Date: {f.date}\nSubject: {f.subject}\n\n{f.text}")
    return "".join(out)


def _envelope_headers(msg, names) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        for value in _all(msg, name):
            for _, addr in parse_address_list([_header_str(value)]):
                if addr not in out:
                    out.append(addr)
    return tuple(out)


def _bounce(msg, headers, from_list, subject) -> BounceReport | None:
    """Only mail that looks like a bounce is searched for the Message-ID it returns."""
    if not _robot(headers, msg, from_list, subject).is_bounce:
        return None
    try:
        return parse_dsn(msg, headers.get("x-failed-recipients", ""))
    except Exception:  # a broken report is still a bounce, of an unknown mail
        return BounceReport((), ())


def _robot(headers, msg, from_list, subject) -> RobotFinding:
    try:
        return detect_robot(headers, headers.get("content-type", ""), headers.get("return-path"),
                            from_list[0][1] if from_list else None, subject,
                            received=len(_all(msg, "received")))
    except Exception:
        return HUMAN
