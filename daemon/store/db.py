"""Open the database named in the config and make sure its schema is current.

SQLite runs in WAL mode with a busy timeout so the listener, the worker and
the outbox can share one file; PostgreSQL is used as is.
"""

from __future__ import annotations

import threading
from urllib.parse import unquote, urlparse

import peewee as pw

from daemon.store import models


class SchemaTooNew(Exception):
    pass


def open_database(url: str, lock_timeout_seconds: int = 30) -> pw.Database:
    """URL -> connected peewee database, bound to the models, schema created."""
    db = make_database(url, lock_timeout_seconds)
    models.BaseModel._meta.database.initialize(db)
    db.connect(reuse_if_open=True)
    ensure_schema(db)
    return db


def make_database(url: str, lock_timeout_seconds: int = 30) -> pw.Database:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        return pw.SqliteDatabase(
            path,
            pragmas={
                "journal_mode": "wal",
                "synchronous": "full",
                "busy_timeout": lock_timeout_seconds * 1000,
                "foreign_keys": 1,
            },
            check_same_thread=False,
            timeout=lock_timeout_seconds,
        )
    if url.startswith(("postgresql://", "postgres://")):
        u = urlparse(url)
        return pw.PostgresqlDatabase(
            u.path.lstrip("/") or "postgres",
            user=unquote(u.username) if u.username else None,
            password=unquote(u.password) if u.password else None,
            host=u.hostname or None,
            port=u.port or None,
            autorollback=True,
        )
    raise ValueError(f"unsupported database URL: {url}")


def is_postgres(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def ensure_schema(db: pw.Database) -> None:
    """Create missing tables and record the schema version; refuse a newer schema."""
    with db.atomic():
        db.create_tables(models.ALL_MODELS, safe=True)
        row = models.Meta.get_or_none(models.Meta.key == "schema_version")
        if row is None:
            models.Meta.create(key="schema_version", value=str(models.SCHEMA_VERSION))
        elif int(row.value) > models.SCHEMA_VERSION:
            raise SchemaTooNew(
                f"the database has schema {row.value}, this ticketd knows {models.SCHEMA_VERSION}"
            )
        elif int(row.value) < models.SCHEMA_VERSION:
            migrate(db, int(row.value))


def migrate(db: pw.Database, from_version: int) -> None:
    """Step a database up to SCHEMA_VERSION, one version at a time."""
    # No migrations exist yet: version 1 is the first schema.
    models.Meta.update(value=str(models.SCHEMA_VERSION)).where(
        models.Meta.key == "schema_version").execute()


def write_transaction(db: pw.Database):
    """A transaction that takes the write lock first (SQLite BEGIN IMMEDIATE).

    Read-then-write decisions (claiming spool rows, deduplicating) must not
    run on a snapshot another process is about to change.
    """
    if isinstance(db, pw.SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


class AcceptFirst:
    """Mail waiting for its 250 goes before ticket processing on a shared SQLite lock.

    SQLite's busy handler polls with sleeps, so a worker that commits and at once
    begins its next batch would starve the listener. The listener marks itself
    waiting; the worker lets it through between batches.
    """

    def __init__(self):
        self._waiting = 0
        self._lock = threading.Lock()
        self._clear = threading.Event()
        self._clear.set()

    def __enter__(self):
        with self._lock:
            self._waiting += 1
            self._clear.clear()
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._waiting -= 1
            if not self._waiting:
                self._clear.set()

    def waiting(self) -> bool:
        """Is the listener waiting to write? The worker then ends its batch early."""
        return not self._clear.is_set()

    def let_through(self, timeout: float = 1.0) -> None:
        """Called by the worker between batches: wait while the listener is writing."""
        self._clear.wait(timeout)
