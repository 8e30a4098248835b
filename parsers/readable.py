"""What a person reads of a mail: its text, and the part the author wrote now.

A written plain part is stripped as text; HTML-only mail by its markup,
converted once. A forward (Fwd:, FW:, WG:...) is kept whole: the old mail
under it is what we are sent. Forwarded messages follow the author's text,
never quote-stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.body import html_to_text, visible_html_text, visible_text
from parsers.inline import link_inline_images
from parsers.parts import Attachment, Forward, Walked

_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|wg|tr|rv|enc|doorst|vs|vb|i|转发|轉寄)\s*:", re.I)


@dataclass(frozen=True)
class Readable:
    text: str
    html: str
    visible: str
    attachments: tuple[Attachment, ...]


def readable(walked: Walked, subject: str) -> Readable:
    plain = "\n".join(p for p in walked.plain if p) or "\n".join(walked.fallback_plain)
    html = "\n".join(p for p in walked.html if p) or "\n".join(walked.fallback_html)
    html, attachments = link_inline_images(html, walked.attachments)
    converted = None
    if not plain.strip() and html.strip():
        converted = plain = html_to_text(html)
    text = plain.replace("\r\n", "\n").replace("\x00", "")
    written = any(p.strip() for p in walked.plain + walked.fallback_plain)
    shown = _visible(text, html, written, subject, converted)
    shown = shown or _placeholder(attachments)
    forwarded = _forward_text(walked.forwards)
    return Readable(text + forwarded, html, shown + forwarded, tuple(attachments))


def _visible(text: str, html: str, written: bool, subject: str, converted: str | None) -> str:
    if _FORWARD_SUBJECT.match(subject):
        return text.strip()
    if written or converted is None:
        return visible_text(text)
    return visible_html_text(html, converted) or visible_text(text, False)


def _placeholder(attachments) -> str:
    """An empty body still says what came (§13): the ack and staff notice show this."""
    names = ", ".join(a.filename for a in attachments if not a.inline)
    return f"(no text; attachments: {names})" if names else "(no text)"


def _forward_text(forwards: list[Forward]) -> str:
    return "".join(f"\n\n---------- Forwarded message ----------\nFrom: {f.from_}\n"
                   f"Date: {f.date}\nSubject: {f.subject}\n\n{f.text}" for f in forwards)
