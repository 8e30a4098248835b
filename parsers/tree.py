"""The MIME tree, built once by the stdlib parser (as mail-parser itself builds it).

Nesting past what the parser can recurse through keeps the headers only, and
the caller says why the body is missing.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

TOO_DEEP = "MIME structure nested too deep to read"
MAX_MULTIPARTS = 200  # more multipart containers than this is an attack, not a mail
_MULTIPART_HEADER = re.compile(rb"(?im)^content-type:[ \t]*multipart/")


def build(raw: bytes) -> tuple[Message, bool]:
    """(the message, False) or, when nesting defeats the parser, (its headers only, True)."""
    try:
        if len(_MULTIPART_HEADER.findall(raw)) > MAX_MULTIPARTS:
            raise RecursionError("too many nested multiparts to try")
        return BytesParser(policy=compat32).parsebytes(raw), False
    except RecursionError:
        return BytesParser(policy=compat32).parsebytes(raw, headersonly=True), True
