"""Which deliveries are the same mail: the spool's dedupe key. Pure: bytes in, a key out."""

from __future__ import annotations

import hashlib
import re

# Trace fields an MTA puts on top of a message it relays: two deliveries of one mail
# through two MX hosts differ only in these, and are still the same mail.
TRACE = re.compile(rb"(?i)(received|return-path|delivered-to|x-original-to|"
                   rb"x-envelope-(from|to))[ \t]*:")


def dedupe_key(raw: bytes) -> str:
    """The identity of a delivery: the hash of its bytes below the MTAs' trace fields.

    Identical deliveries (an MTA retrying after a lost 250, two MX hosts, an IMAP copy)
    share it; two different mails that share a Message-ID (a careless sender, or one
    forging ours) do not, and both are kept (issue 12 point 7)."""
    return "sha:" + hashlib.sha256(without_trace(raw)).hexdigest()


def without_trace(raw: bytes) -> bytes:
    """`raw` without the trace header lines (and their continuations) at its top."""
    pos = 0
    while True:
        end = raw.find(b"\n", pos)
        if end < 0 or not TRACE.match(raw, pos):
            return raw[pos:]
        while end >= 0 and raw[end + 1:end + 2] in (b" ", b"\t"):  # folded lines
            end = raw.find(b"\n", end + 1)
        if end < 0:
            return b""
        pos = end + 1
