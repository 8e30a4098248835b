"""Store a message's attachments within the configured limits.

Content is stored once per sha256 (the Blob table); an attachment over
`[limits] max_attachment_bytes`, or past `max_message_attachment_bytes` for
the whole message, is left out and named, so the ticket can say so and the
sender can be told.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.config import LimitsConfig
from daemon.store import repository, rows
from daemon.store.models import Attachment
from parsers.message import ParsedMessage


@dataclass(frozen=True)
class Omitted:
    filename: str
    size: int
    why: str

    def line(self) -> str:
        return f"{self.filename} ({human_size(self.size)}): {self.why}"


def store_attachments(message_id: int, msg: ParsedMessage, limits: LimitsConfig) -> list[Omitted]:
    omitted: list[Omitted] = []
    total = 0
    for att in msg.attachments:
        why = _over_limit(att.size, total, limits)
        if why:
            omitted.append(Omitted(att.filename, att.size, why))
            continue
        total += att.size
        digest = att.sha256
        repository.store_blob(digest, att.data)
        rows.add(Attachment._meta.database, Attachment, message=message_id,
                 filename=att.filename, content_type=att.content_type[:200], size=att.size,
                 sha256=digest, content_id=att.content_id, inline=att.inline)
    return omitted


def _over_limit(size: int, total: int, limits: LimitsConfig) -> str:
    if limits.max_attachment_bytes and size > limits.max_attachment_bytes:
        return f"larger than the limit of {human_size(limits.max_attachment_bytes)}"
    cap = limits.max_message_attachment_bytes
    if cap and total + size > cap:
        return f"the attachments of one message may total {human_size(cap)}"
    return ""


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
