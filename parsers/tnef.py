"""winmail.dat (TNEF): Outlook's wrapper around the files and the body it sent.

Its files become attachments and its body the text when no other part has
one; a broken winmail.dat is kept as it is, with the reason in the defects.
"""

from __future__ import annotations

from tnefparse import TNEF

from parsers.charsets import decode_bytes
from parsers.filenames import safe_filename
from parsers.parts import Attachment, Walked

TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


def unpack_tnef(data: bytes, out: Walked) -> None:
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # a broken winmail.dat is kept as it is
        out.defects.append(f"winmail.dat could not be unpacked: {exc!r}"[:200])
        return
    for att in tnef.attachments:
        content = att.data if isinstance(att.data, bytes) else bytes(att.data or b"")
        out.attachments.append(Attachment(safe_filename(_name(att), ""),
                                          "application/octet-stream", content, source="tnef"))
    body = _text(tnef.body)
    if body.strip():
        out.fallback_plain.append(body)
    html = _text(tnef.htmlbody)
    if html.strip():
        out.fallback_html.append(html)


def _name(att) -> str:
    try:
        name = att.long_filename() or att.name
    except Exception:
        name = ""
    return _text(name)


def _text(value) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"))
    return str(value or "")
