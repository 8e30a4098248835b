"""One poller per mailbox across hosts: a PostgreSQL advisory lock, held per connection.

Without it two hosts would both drain the mailbox; the spool's unique key and
the forward-only cursor keep that correct, but it doubles the IMAP traffic.
SQLite means one host, so there the lock is always granted.
"""

from __future__ import annotations

import hashlib

import peewee as pw

from daemon.store.db import is_postgres


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"ticketd:{key}".encode()).digest()[:8], "big",
                          signed=True)


def try_lock(db: pw.Database, key: str) -> bool:
    if not is_postgres(db):
        return True
    row = db.execute_sql("SELECT pg_try_advisory_lock(%s)", (_lock_id(key),)).fetchone()
    return bool(row[0])


def unlock(db: pw.Database, key: str) -> None:
    if is_postgres(db):
        try:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (_lock_id(key),))
        except pw.DatabaseError:  # connection gone: the server dropped the lock with it
            pass
