"""Raw bytes -> ParsedMessage, with mail-parser; no database, no network.

A parse never raises on bad input: broken MIME, unknown charsets and NUL
bytes give a message with `defects` listed and text decoded with U+FFFD.
Only input with nothing usable raises ParseError, which the pipeline turns
into a quarantine entry.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime

import mailparser

from parsers.addresses import parse_address_list
from parsers.body import html_to_text, visible_text
from parsers.references import message_id_list, normalize_message_id
from parsers.robots import HUMAN, RobotFinding, detect_robot


class ParseError(Exception):
    """The bytes hold nothing we can make a message of."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)
    content_id: str = ""
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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
    date: datetime | None
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
    clean = raw.replace(b"\x00", b"")
    defects = ["NUL bytes removed"] if len(clean) != len(raw) else []
    try:
        mail = mailparser.parse_from_bytes(clean)
    except Exception as exc:  # mail-parser raises many types on broken input
        raise ParseError(f"mail-parser could not read the message: {exc!r}") from exc
    msg = mail.message
    headers = _first_headers(msg)
    if not headers:
        raise ParseError("no header lines found")
    defects += [type(d).__name__ for d in (mail.defects_categories or ())]
    subject = _decode(headers.get("subject", ""))
    from_list = _addresses([headers.get("from", "")])
    text, html = _bodies(mail, msg)
    attachments = tuple(_attachments(mail))
    return ParsedMessage(
        message_id=normalize_message_id(headers.get("message-id")),
        in_reply_to=message_id_list(headers.get("in-reply-to")),
        references=message_id_list(headers.get("references")),
        from_=from_list[0] if from_list else None,
        reply_to=_addresses([headers.get("reply-to", "")]),
        to=_addresses(_all(msg, "to")),
        cc=_addresses(_all(msg, "cc")),
        original_to=_envelope_headers(msg, ("x-original-to", "envelope-to")),
        delivered_to=_envelope_headers(msg, ("delivered-to",)),
        subject=" ".join(subject.split()),
        date=_date(headers.get("date"), received_at),
        text=text,
        html=html,
        visible_text=visible_text(text),
        attachments=attachments,
        robot=_robot(headers, msg, from_list, subject),
        headers=headers,
        authentication_results=tuple(_all(msg, "authentication-results")),
        defects=tuple(defects),
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )


def _safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def _first_headers(msg) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = name.strip().lower()
        if key not in out:
            out[key] = _header_str(value)
    return out


def _header_str(value) -> str:
    """A raw header value -> str; raw 8-bit bytes are read as UTF-8, else cp1252."""
    if not isinstance(value, str):
        value = str(value)
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _decode(value: str) -> str:
    """RFC 2047 words -> text; bad words are kept as written."""
    if not value:
        return ""
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _date(value: str | None, received_at: datetime | None) -> datetime | None:
    """The author's Date in UTC; a missing, broken or far-future date -> None."""
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    now = received_at or datetime.now(UTC)
    if dt > now + timedelta(hours=24):
        return None
    return dt


def _bodies(mail, msg) -> tuple[str, str]:
    plain = "\n".join(p for p in (_safe(lambda: mail.text_plain) or []) if p)
    html = "\n".join(p for p in (_safe(lambda: mail.text_html) or []) if p)
    if not plain.strip() and not html.strip() and not msg.is_multipart():
        payload = msg.get_payload(decode=True) or b""
        charset = msg.get_content_charset() or "utf-8"
        plain = _bytes_to_text(payload, charset)
    if not plain.strip() and html.strip():
        plain = html_to_text(html)
    return plain.replace("\r\n", "\n").replace("\x00", ""), html


def _bytes_to_text(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _attachments(mail):
    for a in _safe(lambda: mail.attachments) or []:
        payload = a.get("payload") or ""
        if a.get("binary"):
            try:
                data = base64.b64decode(payload)
            except (ValueError, TypeError):
                data = payload.encode("utf-8", "replace")
        else:
            data = payload.encode(a.get("charset") or "utf-8", "replace")
        disposition = (a.get("content-disposition") or "").lower()
        cid = (a.get("content-id") or "").strip().strip("<>")
        yield Attachment(
            filename=_safe_filename(a.get("filename") or "", a.get("mail_content_type", "")),
            content_type=(a.get("mail_content_type") or "application/octet-stream").lower(),
            data=data,
            content_id=cid,
            inline=disposition.startswith("inline") or (bool(cid) and not disposition),
        )


def _safe_filename(name: str, content_type: str) -> str:
    """No paths, no control characters, at most 200 characters with the extension kept."""
    name = _decode(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".") or "attachment"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) < 16 else name[:200]
    return name


def _addresses(values: list[str]) -> tuple[tuple[str, str], ...]:
    """Split the raw list first, then decode each display name (it may hold a comma)."""
    return tuple((" ".join(_decode(name).split()), addr)
                 for name, addr in parse_address_list(values))


def _all(msg, name: str) -> list[str]:
    """Every value of one header, raw 8-bit bytes decoded."""
    return [_header_str(v) for k, v in msg.raw_items() if k.strip().lower() == name]


def _envelope_headers(msg, names) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        for value in _all(msg, name):
            for _, addr in parse_address_list([value]):
                if addr not in out:
                    out.append(addr)
    return tuple(out)


def _robot(headers, msg, from_list, subject) -> RobotFinding:
    try:
        return detect_robot(headers, msg.get("content-type", ""), headers.get("return-path"),
                            from_list[0][1] if from_list else None, subject)
    except Exception:
        return HUMAN
