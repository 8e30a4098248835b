"""Raw bytes mended before the MIME parser sees them, the way mail clients read them.

Python's parser ends the header block at the first line that is not a header,
so one broken line loses From, Subject and Content-Type below it, and a junk
first line (an archive's `>From ` line) loses them all. Here, in one pass over
the header block only: NUL bytes go; a header block past MAX_HEADER_FIELDS
fields or MAX_HEAD_BYTES is cut there; a junk first line right above a header
goes; `Name : value` loses its space; a line without leading white space
between two header lines is taken as the folded line it was meant to be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The stdlib parser reads header lines one by one in Python: ~7 µs a field (1 MB of short
# fields took a second) and ~0.1 s a MB of folded lines. Real mail has under 100 fields
# and a few tens of KB; the top ones (our MTA's) are kept, the rest dropped.
MAX_HEADER_FIELDS = 1000
MAX_HEAD_BYTES = 4 * 1024 * 1024
_FIELD_START = re.compile(rb"\n(?=[^ \t\r\n])")
_HEAD_END = re.compile(rb"\n\r?\n")
# A line Python's feedparser does not take for a header (its headerRE, inverted).
_NOT_HEADER = re.compile(rb"(?:^|\n)(?![\x21-\x39\x3b-\x7e]*:|[ \t]|From |\r?\n|\r?$)")
_STDLIB_HEADER = re.compile(rb"[\x21-\x39\x3b-\x7e]*:|[ \t]")
_NAME = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_.-]{0,75}:")  # what a real header starts with
_SPACED_NAME = re.compile(rb"([A-Za-z0-9][A-Za-z0-9_.-]{0,75})[ \t]+:")


@dataclass(frozen=True)
class Repaired:
    raw: bytes
    notes: tuple[str, ...] = ()


def repair(raw: bytes) -> Repaired:
    notes: list[str] = []
    if b"\x00" in raw:
        raw, notes = raw.replace(b"\x00", b""), ["NUL bytes removed"]
    raw, end = _cap_head(raw, notes)
    if not _NOT_HEADER.search(raw, 0, end):
        return Repaired(raw, tuple(notes))
    lines = raw[:end].splitlines(keepends=True)
    fixed = _mend(lines, notes)
    return Repaired(b"".join(fixed) + raw[end:], tuple(notes))


def _cap_head(raw: bytes, notes: list[str]) -> tuple[bytes, int]:
    """(raw with at most MAX_HEADER_FIELDS fields in MAX_HEAD_BYTES, where they end)."""
    m = _HEAD_END.search(raw)
    end = m.start() + 1 if m else len(raw)
    cut = raw.rfind(b"\n", 0, MAX_HEAD_BYTES) + 1 if end > MAX_HEAD_BYTES else end
    for n, field in enumerate(_FIELD_START.finditer(raw, 0, cut), start=1):
        if n == MAX_HEADER_FIELDS:
            cut = field.end()
            break
    if cut >= end or cut <= 0:
        return raw, end
    notes.append(f"header block cut to its first {cut} of {end} bytes "
                 f"(at most {MAX_HEADER_FIELDS} fields, {MAX_HEAD_BYTES} bytes)")
    return raw[:cut] + (raw[end:] if m else b"\n" + raw[cut:]), cut


def _mend(lines: list[bytes], notes: list[str]) -> list[bytes]:
    kinds = [_kind(line) for line in lines]
    if len(kinds) > 1 and kinds[0] == "other" and kinds[1] in ("header", "spaced"):
        notes.append(f"junk first line dropped: {_show(lines[0])}")
        lines, kinds = lines[1:], kinds[1:]
    named = [i for i, k in enumerate(kinds) if k in ("header", "spaced")]
    first, last = (named[0], named[-1]) if named else (0, -1)
    joined = 0
    for i, kind in enumerate(kinds):
        if kind == "spaced":
            lines[i] = _SPACED_NAME.sub(rb"\1:", lines[i], count=1)
        elif kind == "other" and first < i < last:
            lines[i] = b" " + lines[i]
            joined += 1
    if joined:
        notes.append(f"{joined} header line(s) without leading white space read as folded")
    return lines


def _kind(line: bytes) -> str:
    """header (a real name), spaced (`Name :`), other (ends the stdlib's header block),
    stdlib (odd, but the stdlib reads on), or blank."""
    if _NAME.match(line) or line.startswith(b"From "):
        return "header"
    if _SPACED_NAME.match(line):
        return "spaced"
    if _STDLIB_HEADER.match(line):
        return "stdlib"
    return "other" if line.strip() else "blank"


def _show(line: bytes) -> str:
    return repr(line.rstrip(b"\r\n")[:60].decode("utf-8", "replace"))
