"""What a person reads of a mail: its text, and the part the author wrote now.

A written plain part is stripped as text; HTML-only mail by its markup,
converted once. A forward (Fwd:, FW:, WG:...) is kept whole: the old mail
under it is what we are sent. Forwarded messages follow the author's text,
never quote-stripped. Each cap on the way is named in the defects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.body import tidy_text, visible_html_text, visible_text
from parsers.htmltidy import cap_html, tidy_html
from parsers.inline import link_inline_images
from parsers.limits import MAX_QUOTE_CHARS, cut_note
from parsers.parts import Attachment, Forward, Walked

_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|wg|tr|rv|enc|doorst|vs|vb|i|转发|轉寄)\s*:", re.I)


@dataclass(frozen=True)
class Readable:
    text: str
    html: str
    visible: str
    attachments: tuple[Attachment, ...]


def readable(walked: Walked, subject: str, defects: list[str]) -> Readable:
    plain = "\n".join(p for p in walked.plain if p) or "\n".join(walked.fallback_plain)
    html = "\n".join(p for p in walked.html if p) or "\n".join(walked.fallback_html)
    html, attachments = link_inline_images(html, walked.attachments)
    tidied = converted = None
    if not plain.strip() and html.strip():
        tidied = tidy_html(cap_html(html, defects), defects)
        converted = plain = tidy_text(tidied)
    text = plain.replace("\r\n", "\n").replace("\x00", "")
    written = any(p.strip() for p in walked.plain + walked.fallback_plain)
    shown = _visible(text, tidied, written, subject, converted, defects)
    shown = shown or _placeholder(attachments)
    forwarded = _forward_text(walked.forwards)
    return Readable(text + forwarded, html, shown + forwarded, tuple(attachments))


def _visible(text: str, tidied: str | None, written: bool, subject: str,
             converted: str | None, defects: list[str]) -> str:
    if _FORWARD_SUBJECT.match(subject):
        return text.strip()
    _note_cut(defects, "text searched for quoted history", len(text), MAX_QUOTE_CHARS)
    if written or tidied is None:
        return visible_text(text)
    return visible_html_text(tidied, converted, tidy=False) or visible_text(text, False)


def _note_cut(defects: list[str], what: str, size: int, limit: int) -> None:
    if size > limit:
        defects.append(cut_note(what, limit, size, "characters"))


def _placeholder(attachments) -> str:
    """An empty body still says what came (§13): the ack and staff notice show this."""
    names = ", ".join(a.filename for a in attachments if not a.inline)
    return f"(no text; attachments: {names})" if names else "(no text)"


def _forward_text(forwards: list[Forward]) -> str:
    return "".join(f"\n\n---------- Forwarded message ----------\nFrom: {f.from_}\n"
                   f"Date: {f.date}\nSubject: {f.subject}\n\n{f.text}" for f in forwards)
