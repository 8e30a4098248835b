"""The values a MIME walk yields: attachments, forwarded messages, decoded bodies.

Kept apart from the walk (parsers.mime) so the TNEF unpacker and the inline
image linker can build them without importing the walker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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
    mime_defects: dict[str, None] = field(default_factory=dict)  # the stdlib's, by class
    signed: bool = False
