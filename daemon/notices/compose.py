"""Build the bytes of an outgoing mail. Headers are set in code, never by templates.

`EmailMessage` refuses CR/LF in header values, and subjects are folded to one
line first, so nothing a customer writes can inject a header.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from daemon.store.models import utcnow

OWN_HEADER = "X-Ticketd-Ticket"
MAX_REFERENCES = 20


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


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def build(mail: OutgoingMail) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((one_line(mail.from_name), mail.from_addr))
    msg["To"] = ", ".join(mail.to)
    if mail.cc:
        msg["Cc"] = ", ".join(mail.cc)
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    msg["Subject"] = one_line(mail.subject)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = f"<{mail.message_id}>"
    if mail.in_reply_to:
        msg["In-Reply-To"] = f"<{mail.in_reply_to}>"
    refs = list(dict.fromkeys(mail.references))
    if len(refs) > MAX_REFERENCES:
        refs = refs[:1] + refs[-(MAX_REFERENCES - 1) :]  # keep the root
    if refs:
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    if mail.auto_submitted:
        msg["Auto-Submitted"] = mail.auto_submitted
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = "bulk"
    if mail.ticket_id is not None:
        msg[OWN_HEADER] = str(mail.ticket_id)
    msg.set_content(mail.body, cte="quoted-printable")
    for filename, content_type, data in mail.attachments:
        maintype, _, subtype = content_type.partition("/")
        if maintype == "text":  # add_attachment takes text parts as str
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype or "application",
                           subtype=subtype or "octet-stream", filename=one_line(filename))
    return msg.as_bytes(policy=SMTP)
