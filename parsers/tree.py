"""The MIME tree, built once by the stdlib parser (as mail-parser itself builds it).

The policy is compat32 with one change: a header holding raw 8-bit bytes is
read as text (UTF-8, else what the rest of the mail suggests) instead of a
`Header` object, so `get_filename()` and `get_param()` work on it rather than
raising (`'Header' object has no attribute 'strip'`) or giving U+FFFD.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32

from parsers.charsets import unescape_8bit
from parsers.detect import NO_HINT

TOO_DEEP = "MIME structure nested too deep to read"
MAX_MULTIPARTS = 200  # more multipart containers than this is an attack, not a mail
_MULTIPART_HEADER = re.compile(rb"(?im)^content-type:[ \t]*multipart/")


class ReadingPolicy(Compat32):
    hint = NO_HINT

    def header_fetch_parse(self, name, value):
        if isinstance(value, str) and not value.isascii():
            return unescape_8bit(value, self.hint)
        return super().header_fetch_parse(name, value)


def build(raw: bytes, hint=NO_HINT) -> tuple[Message, bool]:
    """(the message, False) or, when nesting defeats the parser, (its headers only, True)."""
    policy = ReadingPolicy(hint=hint)
    try:
        if len(_MULTIPART_HEADER.findall(raw)) > MAX_MULTIPARTS:
            raise RecursionError("too many nested multiparts to try")
        return BytesParser(policy=policy).parsebytes(raw), False
    except RecursionError:
        return BytesParser(policy=policy).parsebytes(raw, headersonly=True), True
