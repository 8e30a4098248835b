"""What intake writes to the spool: the envelope, the mailbox a delivery is deduplicated
in, and the one INSERT. Free of peewee, so `ticketd ingest` (intake/pipe_fast.py) and the
spool store (spool.py) write the same row the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass

from daemon.store.dedupe import dedupe_key
from parsers.references import raw_message_id

IMPORTED = "import:"  # the source of mail from `ticketd import`: stored, never answered

# one statement: another process may insert the same key at the same moment
INSERT_SQL = ("INSERT INTO spool (received_at, source, mailbox, dedupe_key, mail_from, rcpt_to, "
              "queue_hint, raw, size, message_id, state, attempts) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 0) "
              "ON CONFLICT (mailbox, dedupe_key) DO NOTHING RETURNING id")


@dataclass(frozen=True)
class Envelope:
    source: str  # smtp | lmtp | pipe | imap:<name>
    mail_from: str = ""
    rcpt_to: tuple[str, ...] = ()
    mailbox: str = ""  # dedupe scope; default: the recipients
    queue_hint: str | None = None

    @property
    def imported(self) -> bool:
        """From `ticketd import`: an archive's old mail, which must send no notice."""
        return self.source.startswith(IMPORTED)


def mailbox_of(env: Envelope) -> str:
    if env.mailbox:
        return env.mailbox
    return (env.source.split(":")[0] + ":" + ",".join(sorted(a.lower() for a in env.rcpt_to)))[:255]


def insert_values(raw: bytes, env: Envelope) -> tuple:
    """INSERT_SQL's parameters after received_at (which each store converts its own way)."""
    return (env.source, mailbox_of(env), dedupe_key(raw), env.mail_from,
            json.dumps(list(env.rcpt_to), ensure_ascii=False), env.queue_hint, raw, len(raw),
            raw_message_id(raw))
