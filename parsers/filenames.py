"""Attachment names that are safe to show and to write to disk.

No directories, no control or bidi-override characters, no leading dots,
at most 200 characters with the extension kept, never empty.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata

MAX_NAME = 200
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RESERVED = re.compile(r'[<>:"|?*]')


def safe_filename(name: str, content_type: str = "") -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _RESERVED.sub("_", _BAD.sub("", name))
    name = " ".join(name.split()).strip().lstrip(".").strip()
    if not name or name in (".", ".."):
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        name = "attachment" + ext
    return shorten(name)


def shorten(name: str, limit: int = MAX_NAME) -> str:
    """Cut a long name in the middle of its stem, keeping the extension."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16:
        return stem[: limit - len(ext) - 2] + "…." + ext
    return name[: limit - 1] + "…"


def eml_name(subject: str) -> str:
    """A forwarded message is kept as `<subject>.eml`."""
    stem = " ".join((subject or "").split()) or "forwarded message"
    return safe_filename(shorten(stem, MAX_NAME - 4) + ".eml", "message/rfc822")
