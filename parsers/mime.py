"""Walk the MIME tree ourselves: bodies decoded with our charset rules, attachments whole.

mail-parser mis-decodes lying charsets and re-encodes every attachment, so
the parts are read here with the stdlib. The walk is iterative and stops at
a fixed depth, so 1,000 nested multiparts cost nothing. Forwarded messages
(message/rfc822) are kept whole as .eml and their text is shown apart from
the outer body, so the quote stripper never cuts them. winmail.dat (TNEF) is
unpacked; an S/MIME signature is kept as an attachment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32

from parsers.bigparts import MARKER, Extracted
from parsers.charsets import decode_bytes, decode_header_value
from parsers.filenames import eml_name, safe_filename

MAX_DEPTH = 40
MAX_PARTS = 2000
_TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)
    content_id: str = ""
    inline: bool = False
    source: str = ""  # "", "tnef" (unpacked from winmail.dat), "forward" (inside a .eml)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Forward:
    """A message/rfc822 part: shown after the author's text, never quote-stripped."""

    subject: str
    from_: str
    date: str
    text: str


@dataclass
class Walked:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwards: list[Forward] = field(default_factory=list)
    fallback_plain: list[str] = field(default_factory=list)  # winmail.dat bodies
    fallback_html: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    signed: bool = False


def walk(msg: Message, extracted: Extracted | None = None, depth_limit: int = MAX_DEPTH,
         source: str = "") -> Walked:
    out = Walked()
    stack: list[tuple[Message, int]] = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MAX_PARTS:
            out.defects.append(f"more than {MAX_PARTS} MIME parts; the rest ignored")
            break
        if depth > depth_limit:
            out.defects.append(f"MIME nested deeper than {depth_limit}; inner parts ignored")
            continue
        ctype = _content_type(part)
        if ctype == "multipart/signed":
            out.signed = True
        if part.is_multipart() and not ctype.startswith("message/"):
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((c, depth + 1) for c in reversed(children)
                             if isinstance(c, Message))
            continue
        _leaf(part, ctype, out, extracted, source)
    return out


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _leaf(part: Message, ctype: str, out: Walked, extracted, source: str) -> None:
    if ctype == "message/rfc822":
        _forward(part, out)
        return
    data = _payload(part, extracted)
    filename = _filename(part)
    disposition = (part.get("content-disposition") or "").strip().lower()
    is_attachment = disposition.startswith("attachment") or bool(filename)
    if ctype in _TNEF_TYPES or filename.lower() == "winmail.dat":
        _tnef(data, out)
    if ctype in ("text/plain", "text/html") and not is_attachment:
        text = decode_bytes(data, part.get_param("charset"))
        (out.plain if ctype == "text/plain" else out.html).append(text)
        return
    if ctype in ("multipart/mixed", "multipart/alternative") or (not data and not filename):
        return
    cid = decode_header_value(part.get("content-id") or "").strip().strip("<>")
    out.attachments.append(Attachment(
        filename=safe_filename(filename, ctype),
        content_type=ctype,
        data=data,
        content_id=cid[:250],
        inline=disposition.startswith("inline") or (bool(cid) and not disposition),
        source=source,
    ))


def _payload(part: Message, extracted: Extracted | None) -> bytes:
    if extracted is not None and part.get(MARKER):
        data = extracted.data_for(str(part.get(MARKER)))
        if data is not None:
            return data
    try:
        data = part.get_payload(decode=True)
    except Exception:  # broken base64/qp: keep the undecoded text
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value get_param did not collapse
        name = decode_bytes(name[2].encode("latin-1", "replace"), name[0])
    return decode_header_value(str(name))


def _forward(part: Message, out: Walked) -> None:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    if not isinstance(inner, Message):
        return
    try:
        data = inner.as_bytes(policy=compat32)
    except Exception:
        data = str(inner).encode("utf-8", "surrogateescape")
    subject = decode_header_value(inner.get("subject") or "")
    out.attachments.append(Attachment(eml_name(subject), "message/rfc822", data))
    nested = walk(inner, None, depth_limit=MAX_DEPTH // 2, source="forward")
    text = "\n".join(nested.plain).strip()
    if not text and nested.html:
        from parsers.body import html_to_text

        text = html_to_text("\n".join(nested.html))
    out.forwards.append(Forward(" ".join(subject.split()),
                                decode_header_value(inner.get("from") or ""),
                                decode_header_value(inner.get("date") or ""), text))
    out.forwards.extend(nested.forwards)
    out.attachments.extend(a for a in nested.attachments if a.content_type != "message/rfc822"
                           or a.source)
    out.defects.extend(nested.defects)


def _tnef(data: bytes, out: Walked) -> None:
    """winmail.dat: its files become attachments, its body the text if there is no other."""
    try:
        from tnefparse import TNEF

        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # a broken winmail.dat is kept as it is
        out.defects.append(f"winmail.dat could not be unpacked: {exc!r}"[:200])
        return
    for att in tnef.attachments:
        try:
            name = att.long_filename() or att.name
        except Exception:
            name = ""
        if isinstance(name, bytes):
            name = decode_bytes(name.rstrip(b"\x00"))
        content = att.data if isinstance(att.data, bytes) else bytes(att.data or b"")
        out.attachments.append(Attachment(safe_filename(str(name), ""),
                                          "application/octet-stream", content, source="tnef"))
    body = tnef.body
    if isinstance(body, bytes):
        body = decode_bytes(body.rstrip(b"\x00"))
    if body and body.strip():
        out.fallback_plain.append(body)
    html = tnef.htmlbody
    if isinstance(html, bytes):
        html = decode_bytes(html.rstrip(b"\x00"))
    if html and html.strip():
        out.fallback_html.append(html)
