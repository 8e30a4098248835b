"""Builders for raw test mail: exact bytes, the way real clients write them."""

from __future__ import annotations

import base64
import struct
from email.utils import make_msgid


def raw_mail(headers: str, body: bytes | str = b"Hello\r\n") -> bytes:
    """Headers as written (\\n is turned into CRLF) + a blank line + the body bytes."""
    head = headers.strip("\n").replace("\n", "\r\n").encode("utf-8")
    if isinstance(body, str):
        body = body.encode("utf-8")
    return head + b"\r\n\r\n" + body


def b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def encoded_word(text: str, charset: str, split_at: int | None = None) -> str:
    """RFC 2047 B-words; `split_at` cuts the bytes mid-character across two words."""
    data = text.encode(charset)
    if split_at is None:
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    a, b = data[:split_at], data[split_at:]
    return (f"=?{charset}?B?{base64.b64encode(a).decode()}?=\n "
            f"=?{charset}?B?{base64.b64encode(b).decode()}?=")


def tnef(body: bytes, files: list[tuple[str, bytes]]) -> bytes:
    """A minimal winmail.dat: the TNEF signature, a body and file attachments."""

    def attr(level: int, name: int, typ: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BHHI", level, name, typ, len(data)) + data + struct.pack(
            "<H", checksum)

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attr(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))  # TNEF version
    out += attr(1, 0x800C, 0x0002, body)  # body text
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)  # rend data
        out += attr(2, 0x8010, 0x0001, name.encode() + b"\x00")  # title
        out += attr(2, 0x800F, 0x0006, data)  # data
    return out


def nested(levels: int) -> bytes:
    """A message whose MIME tree is `levels` multiparts deep."""
    body = b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    for i in range(levels):
        body = (f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n".encode()
                + body + f"\r\n--b{i}--\r\n".encode())
    return b"From: deep@customer.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body


def dsn(returned_message_id: str, recipient: str | None) -> bytes:
    """A Postfix-style delivery status notification about the mail `returned_message_id`
    to `recipient`; without a recipient, a report that names none (as forgers send)."""
    status = (f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.1.1\n"
              f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\n"
              if recipient else "Action: failed\nStatus: 5.1.1\n")
    to = f"To: {recipient}\n" if recipient else ""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>
To: support@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: {make_msgid(domain="mx.customer.example")}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.customer.example. I'm sorry to have to
inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

{status}
--B
Content-Type: text/rfc822-headers

From: Example Support <support@example.com>
{to}Subject: [Ticket #1] Printer on fire
Message-ID: {returned_message_id}

--B--
""".replace("\n", "\r\n").encode()
