"""A mail archive (mbox or Maildir) as a list of messages, oldest first by their Date.

Only the header block of each message is read to order them, so a large
archive is never held in memory; the bytes of each message are read when it
is imported. Oldest first matters: a reply must come after the mail it
answers, or it could not thread to it by References.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from parsers.dates import raw_header_date
from parsers.references import raw_message_id

KINDS = ("mbox", "maildir")
HEADER_BYTES = 64 * 1024  # a header block longer than this is ordered by what it has
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)


class ArchiveError(Exception):
    """The archive cannot be opened: one line for the admin."""


@dataclass(frozen=True)
class Entry:
    key: str  # the archive's own key for the message
    position: int  # where it is in the archive
    date: datetime  # its Date (UTC); a message without one keeps its neighbour's
    message_id: str | None


class Archive:
    def __init__(self, kind: str, path: str | Path):
        self.kind, self.path = kind, Path(path)
        self.box = _open(kind, self.path)

    @property
    def name(self) -> str:
        return self.path.name or str(self.path)

    def entries(self) -> list[Entry]:
        """Every message, oldest first (ties keep the archive's order)."""
        found: list[Entry] = []
        previous, now = NO_DATE, datetime.now(UTC)
        for position, key in enumerate(self._keys()):
            head = self._head(key)
            date = raw_header_date(head, now) or previous
            previous = date
            found.append(Entry(str(key), position, date, raw_message_id(head)))
        return sorted(found, key=lambda e: (e.date, e.position))

    def raw(self, entry: Entry) -> bytes:
        return self.box.get_bytes(self._key(entry.key))

    def _keys(self) -> list:
        if self.kind == "maildir":  # file names start with the delivery time: keep that order
            return sorted(self.box.keys())
        return list(self.box.keys())

    def _key(self, key: str):
        return int(key) if self.kind == "mbox" else key

    def _head(self, key) -> bytes:
        with self.box.get_file(key) as f:
            lines, size = [], 0
            for line in f:
                if line in (b"\n", b"\r\n") or size > HEADER_BYTES:
                    break
                lines.append(line)
                size += len(line)
        return b"".join(lines) + b"\n"


def _open(kind: str, path: Path):
    if kind not in KINDS:
        raise ArchiveError(f"unknown archive kind {kind!r} (use mbox or maildir)")
    if kind == "mbox":
        if not path.is_file():
            raise ArchiveError(f"{path}: no such mbox file")
        return mailbox.mbox(path, factory=None, create=False)
    if not (path / "cur").is_dir() or not (path / "new").is_dir():
        raise ArchiveError(f"{path}: not a Maildir (it needs cur/ and new/ folders)")
    return mailbox.Maildir(path, factory=None, create=False)
