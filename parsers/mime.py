"""Walk the MIME tree once: bodies decoded with our charset rules, attachments whole.

This is the only pass over the parts: mail-parser's own walk decoded every
part again and re-encoded attachments, so the parts are read here with the
stdlib, and the stdlib's defects are gathered on the way. The walk is
iterative and stops at a fixed depth, so 1,000 nested multiparts cost
nothing. Forwarded messages (message/rfc822) are kept whole as .eml and
their text is shown apart from the outer body, so the quote stripper never
cuts them; forwards inside forwards are read to MAX_FORWARD_DEPTH.
winmail.dat (TNEF) is unpacked; an S/MIME signature is kept as an attachment.
"""

from __future__ import annotations

from email.message import Message
from email.policy import compat32

from parsers.bigparts import MARKER, Extracted
from parsers.body import html_to_text
from parsers.charsets import decode_bytes, decode_header_value
from parsers.detect import NO_HINT, Hint
from parsers.filenames import eml_name, safe_filename
from parsers.limits import MAX_FORWARD_DEPTH
from parsers.parts import Attachment, Forward, Walked
from parsers.tnef import TNEF_TYPES, unpack_tnef

__all__ = ["Attachment", "Forward", "Walked", "walk"]

MAX_DEPTH = 40
MAX_PARTS = 2000


def walk(msg: Message, extracted: Extracted | None = None, hint: Hint = NO_HINT,
         depth_limit: int = MAX_DEPTH, source: str = "", forwards: int = 0) -> Walked:
    """Every part of `msg` once; `forwards` is how many message/rfc822 levels we are in."""
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
        out.mime_defects.update((type(d).__name__, None) for d in part.defects)
        ctype = _content_type(part)
        out.signed = out.signed or ctype == "multipart/signed"
        children = part.get_payload()
        if ctype.startswith("multipart/") and isinstance(children, list):
            stack.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
        elif ctype == "message/rfc822":
            _forward(part, out, hint, forwards + 1)
        else:
            _leaf(part, ctype, out, extracted, hint, source)
    return out


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _leaf(part: Message, ctype: str, out: Walked, extracted, hint: Hint, source: str) -> None:
    data = _payload(part, extracted)
    filename = _filename(part)
    disposition = _header(part, "content-disposition").strip().lower()
    is_attachment = disposition.startswith("attachment") or bool(filename)
    if ctype in TNEF_TYPES or filename.lower() == "winmail.dat":
        unpack_tnef(data, out)
    if ctype.startswith("multipart/"):  # its boundary never came: the body is all there is
        if not data.strip():
            return
        ctype = "text/plain"
        out.defects.append("a multipart body without its boundary was read as text")
    if ctype in ("text/plain", "text/html") and not is_attachment:
        text = decode_bytes(data, _param(part, "charset"), hint)
        (out.plain if ctype == "text/plain" else out.html).append(text)
        return
    if not data and not filename:
        return
    cid = decode_header_value(_header(part, "content-id")).strip().strip("<>")
    out.attachments.append(Attachment(
        filename=safe_filename(filename, ctype),
        content_type=ctype,
        data=data,
        content_id=cid[:250],
        inline=disposition.startswith("inline") or (bool(cid) and not disposition),
        source=source,
    ))


def _header(part: Message, name: str) -> str:
    value = part.get(name)
    return "" if value is None else str(value)


def _param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:
        return None
    return value if isinstance(value, str) else None


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
    if part.get("content-disposition") is None and "name" not in _header(part, "content-type"):
        return ""  # most body parts: no parameter to parse
    try:
        name = (part.get_param("filename", header="content-disposition")
                or part.get_param("name") or "")
    except Exception:
        name = ""
    if isinstance(name, tuple):  # RFC 2231: (charset, language, text)
        name = _rfc2231(*name)
    return decode_header_value(str(name)).strip()


def _rfc2231(charset: str | None, _language, text: str) -> str:
    """Percent-decoded bytes arrive as Latin-1 characters; raw 8-bit ones already as text.
    A value without its charset is read as UTF-8 when it is (the stdlib says ASCII)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    if charset:
        return decode_bytes(data, charset)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _forward(part: Message, out: Walked, hint: Hint, level: int) -> None:
    """A forwarded message: kept as .eml (named as the sender named it), its text shown."""
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    if not isinstance(inner, Message):
        return
    subject = decode_header_value(inner.get("subject") or "", hint)
    if level == 1:  # inner forwards are inside this .eml already
        name = _filename(part)
        out.attachments.append(Attachment(safe_filename(name, "message/rfc822") if name
                                          else eml_name(subject), "message/rfc822",
                                          _eml(inner)))
    if level > MAX_FORWARD_DEPTH:
        out.defects.append(f"forwarded messages nested deeper than {MAX_FORWARD_DEPTH} "
                           "levels are kept only inside the .eml attachment")
        return
    nested = walk(inner, None, hint, MAX_DEPTH // 2, "forward", level)
    out.forwards.append(Forward(" ".join(subject.split()),
                                decode_header_value(inner.get("from") or "", hint),
                                decode_header_value(inner.get("date") or "", hint),
                                _forward_text(nested)))
    out.forwards.extend(nested.forwards)
    out.attachments.extend(nested.attachments)
    out.defects.extend(d for d in nested.defects if d not in out.defects)
    out.mime_defects.update(nested.mime_defects)


def _eml(inner: Message) -> bytes:
    try:
        return inner.as_bytes(policy=compat32)
    except RecursionError:  # nested past what the generator can write
        return b""
    except Exception:
        return str(inner).encode("utf-8", "surrogateescape")


def _forward_text(nested: Walked) -> str:
    text = "\n".join(nested.plain).strip()
    return text if text or not nested.html else html_to_text("\n".join(nested.html))
