"""Where a mailbox stands: UIDVALIDITY and two UID watermarks, kept in ImapState.

`last_uid` moves in the same transaction that spools the messages, so a
crash can never lose a message or store it twice. `handled_uid` trails it
until the `after` action (flag, move, delete) is done; on reconnect the gap
between the two is handled again, which is harmless because every action
is idempotent. Never is the \\Seen flag the record of what was processed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import peewee as pw

from daemon.store import spool
from daemon.store.db import write_transaction
from daemon.store.models import ImapState, utcnow
from daemon.store.spool import Envelope

log = logging.getLogger("ticketd.imap")

FETCH_TRIES = 3  # a message the server refuses this often is skipped, with an error logged


@dataclass(frozen=True)
class Cursor:
    uidvalidity: int
    last_uid: int  # every UID up to here is in the spool (or was skipped on purpose)
    handled_uid: int  # every UID up to here has had its `after` action
    first_pass_until: int  # up to here only unseen mail is taken (skip_seen_on_first_start)


class StateMoved(Exception):
    """Another process reset this mailbox's state (new UIDVALIDITY) meanwhile."""


def _cursor(row: ImapState) -> Cursor:
    return Cursor(row.uidvalidity, row.last_uid, row.handled_uid, row.first_pass_until)


def open_cursor(db: pw.Database, key: str, uidvalidity: int, first_start_skip_until: int,
                name: str) -> Cursor:
    """The stored cursor; created on the first start, reset when UIDVALIDITY changed."""
    with write_transaction(db):
        row = ImapState.get_or_none(ImapState.mailbox == key)
        if row is None:
            row = ImapState.create(mailbox=key, uidvalidity=uidvalidity, last_uid=0,
                                   handled_uid=0, first_pass_until=first_start_skip_until)
            log.info("imap %s: first start (UIDVALIDITY %s)%s", name, uidvalidity,
                     f"; mail already read up to UID {first_start_skip_until} is skipped"
                     if first_start_skip_until else "")
        elif row.uidvalidity != uidvalidity:
            log.warning("imap %s: UIDVALIDITY changed from %s to %s: re-reading the folder "
                        "(messages already stored are recognised and not stored twice)",
                        name, row.uidvalidity, uidvalidity)
            ImapState.update(uidvalidity=uidvalidity, last_uid=0, handled_uid=0,
                             first_pass_until=0, refused_fetches={},
                             updated_at=utcnow()).where(
                ImapState.mailbox == key).execute()
            row = ImapState.get(ImapState.mailbox == key)
        return _cursor(row)


def store_batch(db: pw.Database, key: str, cursor: Cursor, messages: list[bytes],
                through_uid: int, envelope: Envelope) -> tuple[Cursor, int]:
    """Spool the messages and advance last_uid in one commit; returns (cursor, duplicates)."""
    with write_transaction(db):
        row = ImapState.get_or_none(ImapState.mailbox == key)
        if row is None or row.uidvalidity != cursor.uidvalidity:
            raise StateMoved(key)
        results = [spool.put_in_transaction(db, raw, envelope) for raw in messages]
        last = max(row.last_uid, through_uid)  # another poller may be ahead: never go back
        ImapState.update(last_uid=last, updated_at=utcnow()).where(
            ImapState.mailbox == key).execute()
    dupes = sum(r.duplicate for r in results)
    return Cursor(cursor.uidvalidity, last, cursor.handled_uid, cursor.first_pass_until), dupes


def mark_handled(db: pw.Database, key: str, cursor: Cursor, through_uid: int) -> Cursor:
    with write_transaction(db):
        ImapState.update(handled_uid=through_uid).where(
            (ImapState.mailbox == key) & (ImapState.uidvalidity == cursor.uidvalidity)
            & (ImapState.handled_uid < through_uid)).execute()
    handled = max(cursor.handled_uid, through_uid)
    return Cursor(cursor.uidvalidity, cursor.last_uid, handled, cursor.first_pass_until)


def refusals(db: pw.Database, key: str, uidvalidity: int) -> dict[int, int]:
    """UID -> how often the server refused to FETCH it (kept with the cursor, so a message
    skipped for good stays skipped after a restart)."""
    row = ImapState.get_or_none(ImapState.mailbox == key)
    if row is None or row.uidvalidity != uidvalidity:
        return {}
    return {int(uid): int(n) for uid, n in (row.refused_fetches or {}).items()}


def record_refusal(db: pw.Database, key: str, uidvalidity: int, uid: int) -> dict[int, int]:
    """Count one more refused FETCH of `uid`; returns every count now stored."""
    with write_transaction(db):
        found = refusals(db, key, uidvalidity)
        found[uid] = found.get(uid, 0) + 1
        ImapState.update(refused_fetches={str(u): n for u, n in found.items()}).where(
            (ImapState.mailbox == key) & (ImapState.uidvalidity == uidvalidity)).execute()
    return found
