"""Inline images: `<img src="cid:...">` (or a bare file name) tied to its attachment.

The image stays an attachment, flagged inline; in the text it becomes
`[image: name]` at the place it was shown, so a reader knows what was there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from parsers.parts import Attachment

# Bounded runs: an unclosed `<img` must not make every later one scan to the end.
_IMG = re.compile(r"<img\b[^<>]{0,4000}?\bsrc\s*=\s*(\"[^\"<>]{0,4000}\"|'[^'<>]{0,4000}'|[^\s<>]+)"
                  r"[^<>]{0,4000}>", re.I | re.S)


def link_inline_images(html: str, attachments: list[Attachment]) -> tuple[str, list[Attachment]]:
    """HTML with cid images replaced by a text marker; attachments flagged inline."""
    by_cid = {a.content_id.lower(): a for a in attachments if a.content_id}
    by_name = {a.filename.lower(): a for a in attachments}
    used: set[int] = set()

    def swap(m: re.Match) -> str:
        src = m.group(1).strip("\"'").strip()
        key = src[4:] if src.lower().startswith("cid:") else src
        key = key.strip("<>").lower()
        att = by_cid.get(key) or by_name.get(key) or by_name.get(key.split("@")[0])
        if att is None:
            return m.group(0)
        used.add(id(att))
        return f" [image: {att.filename}] "

    html = _IMG.sub(swap, html or "")
    out = [replace(a, inline=True) if id(a) in used else a for a in attachments]
    return html, out
