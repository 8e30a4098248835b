"""[retention]: raw mail is kept for a while, then purged; the tickets and their texts stay.

The raw bytes of processed mail (the mail log row stays, without them) and
quarantined mail go after their days. Notices keep no raw bytes once sent
(their text is on the ticket), and attachments are stored once per content.
Work is done in small batches, each its own short transaction, and SQLite
files give the freed pages back (incremental vacuum), so they shrink.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import peewee as pw

from daemon.config import RetentionConfig
from daemon.states import SpoolState
from daemon.store import rows
from daemon.store.db import Stores, write_transaction

log = logging.getLogger("ticketd.retention")

BATCH = 500
INCREMENTAL = 2  # SQLite's auto_vacuum mode that lets us give pages back in steps
VACUUM_PAGES = 2000  # pages given back per step, so a large purge never holds the lock long


@dataclass
class Purge:
    """What a purge took (or, dry, would take): rows and bytes per kind."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{what}: {n} ({size / 1048576:.1f} MiB)" for what, (n, size) in
                self.counts.items()] or ["nothing to purge"]


RAW = ("raw bytes of processed mail",
       "state = ? AND raw IS NOT NULL AND received_at < ?", SpoolState.DONE)
QUARANTINED = ("quarantined mail", "state = ? AND received_at < ?", SpoolState.QUARANTINED)


def purge(config: RetentionConfig, stores: Stores, now: datetime, dry_run: bool = False
          ) -> Purge:
    out = Purge()
    for (what, where, state), days, action in ((RAW, config.raw_days, _drop_raw),
                                                (QUARANTINED, config.quarantine_days, _delete)):
        if not days:
            continue
        cutoff = _db_time(now - timedelta(days=days))
        n, size = rows.fetch_one(stores.spool, f"SELECT COUNT(*), COALESCE(SUM(size), 0) "
                                               f"FROM spool WHERE {where}", state, cutoff)
        if n:
            out.counts[what] = (n, size)
            if not dry_run:
                _in_batches(stores.spool, action, where, state, cutoff)
    if out.counts and not dry_run:
        give_back_space(stores.spool)
        log.info("retention: purged %s", "; ".join(out.lines()))
    return out


def _in_batches(db: pw.Database, action, where: str, state: str, cutoff) -> None:
    while True:
        with write_transaction(db):
            ids = [r[0] for r in rows.fetch_all(db, f"SELECT id FROM spool WHERE {where} "
                                                    f"LIMIT {BATCH}", state, cutoff)]
            if ids:
                action(db, ids)
        if len(ids) < BATCH:
            return


def _drop_raw(db: pw.Database, ids: list[int]) -> None:
    rows.execute(db, f"UPDATE spool SET raw = NULL WHERE id IN ({', '.join('?' * len(ids))})",
                 *ids)


def _delete(db: pw.Database, ids: list[int]) -> None:
    rows.execute(db, f"DELETE FROM spool WHERE id IN ({', '.join('?' * len(ids))})", *ids)


def give_back_space(db: pw.Database) -> None:
    """SQLite: free pages go back to the file system, a little at a time."""
    if not isinstance(db, pw.SqliteDatabase):
        return  # PostgreSQL reuses the space (autovacuum)
    if db.execute_sql("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
        return  # a file made before schema 5 and not migrated: `ticketd migrate` switches it
    while True:
        free = db.execute_sql("PRAGMA freelist_count").fetchone()[0]
        if not free:
            break
        with write_transaction(db):
            # Python's sqlite3 steps the statement once, which frees one page: so one page a
            # statement, many statements in one transaction
            for _ in range(min(free, VACUUM_PAGES)):
                db.execute_sql("PRAGMA incremental_vacuum(1)")
        if free <= VACUUM_PAGES:
            break
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _db_time(when: datetime):
    from daemon.store.models import Spool

    return Spool.received_at.db_value(when)
