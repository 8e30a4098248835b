"""Raw bytes mended before the MIME parser sees them, the way mail clients read them.

Python's parser ends the header block at the first line that is not a header,
so one broken line loses From, Subject and Content-Type below it, and a junk
first line (an archive's `>From ` line) loses them all. Here, in one pass over
the header block only: NUL bytes go; a junk first line goes; `Name : value`
loses its space; a line without leading white space that is followed by more
header lines is taken as the folded line it was meant to be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_HEAD_BYTES = 1024 * 1024  # header blocks past this are attacks; only this much is mended
_HEAD_END = re.compile(rb"\n\r?\n")
# A line Python's feedparser does not take for a header (its headerRE, inverted).
_NOT_HEADER = re.compile(rb"(?:^|\n)(?![\x21-\x39\x3b-\x7e]*:|[ \t]|From |\r?\n|\r?$)")
_HEADER = re.compile(rb"[\x21-\x39\x3b-\x7e]*:|[ \t]")
_SPACED_NAME = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]+:")


@dataclass(frozen=True)
class Repaired:
    raw: bytes
    notes: tuple[str, ...] = ()


def repair(raw: bytes) -> Repaired:
    notes: list[str] = []
    if b"\x00" in raw:
        raw, notes = raw.replace(b"\x00", b""), ["NUL bytes removed"]
    m = _HEAD_END.search(raw, 0, MAX_HEAD_BYTES)
    end = m.start() + 1 if m else min(len(raw), MAX_HEAD_BYTES)
    if not _NOT_HEADER.search(raw, 0, end):
        return Repaired(raw, tuple(notes))
    lines = raw[:end].splitlines(keepends=True)
    fixed, line_notes = _mend(lines)
    return Repaired(b"".join(fixed) + raw[end:], tuple(notes + line_notes))


def _mend(lines: list[bytes]) -> tuple[list[bytes], list[str]]:
    kinds = [_kind(line) for line in lines]
    last = max((i for i, k in enumerate(kinds) if k in ("header", "spaced")), default=-1)
    notes: list[str] = []
    if kinds and kinds[0] == "other" and last > 0:
        notes.append(f"junk first line dropped: {_show(lines[0])}")
        lines, kinds, last = lines[1:], kinds[1:], last - 1
    joined = 0
    for i, kind in enumerate(kinds):
        if kind == "spaced":
            lines[i] = _SPACED_NAME.sub(rb"\1:", lines[i], count=1)
        elif kind == "other" and i < last:
            lines[i] = b" " + lines[i]
            joined += 1
    if joined:
        notes.append(f"{joined} header line(s) without leading white space read as folded")
    return lines, notes


def _kind(line: bytes) -> str:
    if _HEADER.match(line) or line.startswith(b"From "):
        return "header"
    if _SPACED_NAME.match(line):
        return "spaced"
    return "other" if line.strip() else "blank"


def _show(line: bytes) -> str:
    return repr(line.rstrip(b"\r\n")[:60].decode("utf-8", "replace"))
