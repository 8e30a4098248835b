"""Build the bytes of an outgoing mail. Headers are set in code, never by templates.

Written by hand rather than with `EmailMessage`, whose header registry parsed
and re-folded every header and was half of a worker's time. Every header
value passes `one_line` (CR, LF and other whitespace runs become one space),
addresses are stripped of whitespace, and non-ASCII text is RFC 2047 encoded,
so nothing a customer writes can inject a header or break the framing.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.quoprimime import body_encode
from email.utils import encode_rfc2231, format_datetime, formataddr

from daemon.store.models import utcnow
from parsers.addresses import strip_controls

OWN_HEADER = "X-Ticketd-Ticket"
MAX_REFERENCES = 20
CRLF = "\r\n"
FOLD_AT = 78  # RFC 5322's recommended line length


def new_message_id(domain: str) -> str:
    """Random, so it cannot be derived from a ticket number."""
    return f"ticketd.{secrets.token_hex(12)}@{domain}"


@dataclass(frozen=True)
class OutgoingMail:
    from_name: str
    from_addr: str
    to: tuple[str, ...]
    subject: str
    body: str
    message_id: str
    ticket_id: int | None = None
    cc: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    auto_submitted: str | None = "auto-generated"  # None for a person's relayed words
    reply_to: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, content type, data)
    date: datetime | None = None  # the same on every try; default: now


def one_line(text: str) -> str:
    """One line, without control characters or terminal escapes (a subject is shown by
    mail clients and terminals alike)."""
    return " ".join(strip_controls(text or "").split())


def bare(addr: str) -> str:
    """An address with nothing in it that could end a header or hide another one."""
    return "".join((addr or "").split()).replace("<", "").replace(">", "").replace(",", "")


def build(mail: OutgoingMail) -> bytes:
    lines = [
        header("From", formataddr((one_line(mail.from_name), bare(mail.from_addr)), "utf-8")),
        address_list("To", mail.to),
    ]
    if mail.cc:
        lines.append(address_list("Cc", mail.cc))
    if mail.reply_to:
        lines.append(header("Reply-To", bare(mail.reply_to)))
    lines.append(text_header("Subject", mail.subject))
    lines.append(header("Date", format_datetime(mail.date or utcnow())))
    lines.append(header("Message-ID", f"<{bare(mail.message_id)}>"))
    if mail.in_reply_to:
        lines.append(header("In-Reply-To", f"<{bare(mail.in_reply_to)}>"))
    refs = capped_references(mail.references)
    if refs:
        lines.append(folded("References", [f"<{bare(r)}>" for r in refs], " "))
    if mail.auto_submitted:
        lines += [header("Auto-Submitted", one_line(mail.auto_submitted)),
                  header("X-Auto-Response-Suppress", "All"), header("Precedence", "bulk")]
    if mail.ticket_id is not None:
        lines.append(header(OWN_HEADER, str(int(mail.ticket_id))))
    lines.append(header("MIME-Version", "1.0"))
    if mail.attachments:
        lines += multipart(mail.body, mail.attachments)
    else:
        lines += text_part(mail.body)
    return CRLF.join(lines).encode("ascii")


def capped_references(references: tuple[str, ...]) -> list[str]:
    refs = list(dict.fromkeys(r for r in references if r))
    if len(refs) > MAX_REFERENCES:
        refs = refs[:1] + refs[-(MAX_REFERENCES - 1) :]  # keep the root
    return refs


# --- headers -----------------------------------------------------------------------

def header(name: str, value: str) -> str:
    return f"{name}: {one_line(value)}"


def text_header(name: str, value: str) -> str:
    """Free text: folded ASCII as is, anything else as RFC 2047 encoded words."""
    value = one_line(value)
    if value.isascii():
        return folded(name, value.split(" "), " ")
    encoded = Header(value, "utf-8", header_name=name).encode(linesep=CRLF)
    return f"{name}: {encoded}"


def address_list(name: str, addrs: tuple[str, ...]) -> str:
    return folded(name, [bare(a) for a in addrs if bare(a)], ", ")


def folded(name: str, words: list[str], sep: str) -> str:
    """`name: w1<sep>w2 ...`, broken before a word where a line would pass FOLD_AT."""
    out, line = [], f"{name}:"
    for i, word in enumerate(words):
        piece = (sep.rstrip() if i else "")
        if i and len(line) + len(piece) + 1 + len(word) > FOLD_AT:
            out.append(line + piece)
            line = " " + word
        else:
            line += piece + " " + word
    out.append(line)
    return CRLF.join(out)


# --- bodies ------------------------------------------------------------------------

def text_part(body: str) -> list[str]:
    """Content headers, a blank line and the body: 7bit when it can be, else QP."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii() and all(len(ln) <= 900 for ln in text.split("\n")):
        cte, encoded = "7bit", text.replace("\n", CRLF)
    else:
        # body_encode escapes characters below 256: hand it the UTF-8 bytes as such
        utf8 = text.encode("utf-8").decode("latin-1")
        cte, encoded = "quoted-printable", body_encode(utf8, 76, eol=CRLF)
    return ['Content-Type: text/plain; charset="utf-8"', f"Content-Transfer-Encoding: {cte}",
            "", encoded.rstrip(CRLF) + CRLF]


def multipart(body: str, attachments) -> list[str]:
    boundary = "=_ticketd_" + secrets.token_hex(12)
    parts = [f'Content-Type: multipart/mixed; boundary="{boundary}"', "",
             "This is a multi-part message in MIME format.", f"--{boundary}"]
    parts += text_part(body)
    for filename, content_type, data in attachments:
        parts.append(f"--{boundary}")
        parts += attachment_part(filename, content_type, data)
    parts.append(f"--{boundary}--")
    parts.append("")
    return parts


def attachment_part(filename: str, content_type: str, data: bytes) -> list[str]:
    ctype = one_line(content_type).lower()
    if "/" not in ctype or not ctype.isascii() or any(c in ctype for c in '";\\'):
        ctype = "application/octet-stream"
    name = "".join(c for c in one_line(filename) if c >= " " and c != "\x7f") or "attachment"
    if name.isascii():
        param = 'filename="{}"'.format(name.replace("\\", "\\\\").replace('"', '\\"'))
    else:
        param = f"filename*={encode_rfc2231(name, 'utf-8')}"
    encoded = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    return [f"Content-Type: {ctype}", "Content-Transfer-Encoding: base64",
            f"Content-Disposition: attachment; {param}", "", encoded.rstrip(CRLF)]
