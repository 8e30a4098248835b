"""Builders for raw test mail: exact bytes, the way real clients write them."""

from __future__ import annotations

import base64
import struct


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
