"""Open the two stores a config names, and take the write lock the quick way.

The spool store (raw mail, IMAP cursors, heartbeats) and the ticket store are
separate SQLite files, or separate connections to one PostgreSQL database, so
that ticket work never holds a lock a transport waits for. SQLite runs in WAL
mode with synchronous=FULL. Writers of one file queue on an flock beside it
before BEGIN IMMEDIATE: the kernel wakes the next one at once, where SQLite's
own busy handler would sleep and poll.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import peewee as pw

from daemon.store import SchemaError, models
from daemon.store.locations import lock_path, pg_params
from daemon.store.rows import is_postgres


@dataclass
class Stores:
    tickets: pw.Database
    spool: pw.Database

    def close(self) -> None:
        for db in (self.tickets, self.spool):
            if not db.is_closed():
                db.close()


def open_stores(tickets_url: str, spool_url: str, lock_timeout_seconds: int = 30,
                create: bool = False) -> Stores:
    """Both stores, bound to the models; with `create`, missing tables are made."""
    return Stores(open_tickets(tickets_url, lock_timeout_seconds, create),
                  open_spool(spool_url, lock_timeout_seconds, create))


def open_tickets(url: str, lock_timeout_seconds: int = 30, create: bool = False) -> pw.Database:
    db = make_database(url, lock_timeout_seconds)
    models.TicketModel._meta.database.initialize(db)
    db.connect(reuse_if_open=True)
    check_schema(db, models.Meta, models.TICKET_MODELS, create, url)
    return db


def commits_without_fsync(db: pw.Database) -> None:
    """This connection's commits go to the WAL without waiting for the disk.

    For the outbox sender, which commits once per notice the relay took: a `kill -9`
    loses none of those commits (the kernel, or the PostgreSQL server, has them), and a
    power cut could at worst send a notice again, with the same Message-ID; an fsync per
    notice, under SQLite's write lock, held up the workers and capped sending at ~70
    notices/s. The next commit with a full sync (any worker's) makes them durable too.
    PostgreSQL: `synchronous_commit = off` for this session, and for any reconnection."""
    if isinstance(db, pw.SqliteDatabase):
        db.pragma("synchronous", "normal", permanent=True)
    elif is_postgres(db):
        _no_commit_flush(db.connect_params)
        db.execute_sql("SET synchronous_commit TO off")


def _no_commit_flush(connect_params: dict) -> dict:
    """PostgreSQL connection arguments whose sessions commit without waiting for the disk."""
    options = connect_params.get("options", "")
    connect_params["options"] = f"{options} -c synchronous_commit=off".strip()
    return connect_params


def open_spool(url: str, lock_timeout_seconds: int = 30, create: bool = False) -> pw.Database:
    db = make_database(url, lock_timeout_seconds)
    models.SpoolModel._meta.database.initialize(db)
    db.connect(reuse_if_open=True)
    check_schema(db, models.SpoolMeta, models.SPOOL_MODELS, create, url)
    return db


def make_database(url: str, lock_timeout_seconds: int = 30) -> pw.Database:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        return pw.SqliteDatabase(
            path,
            pragmas={
                # first: on a new file it must come before anything writes the header
                "auto_vacuum": 2,  # incremental: a purge gives pages back
                "journal_mode": "wal",
                "synchronous": "full",
                "busy_timeout": lock_timeout_seconds * 1000,
                "foreign_keys": 1,
            },
            check_same_thread=False,
            timeout=lock_timeout_seconds,
        )
    if url.startswith(("postgresql://", "postgres://")):
        return pw.PostgresqlDatabase(**pg_params(url, lock_timeout_seconds))
    raise ValueError(f"unsupported database URL: {url}")


_side: dict[int, pw.Database] = {}


def side_connection(db: pw.Database) -> pw.Database:
    """PostgreSQL: a second connection in autocommit, for a short statement that must not
    wait for the caller's transaction to end (a counter). SQLite: the database itself.

    Its commits do not wait for the disk (`synchronous_commit = off`): what it writes (the
    round-robin turn, a least_open hold) is worth nothing after a server crash, and an
    fsync for each cost a new ticket's worker a disk flush on its way."""
    target = db.obj if isinstance(db, pw.DatabaseProxy) else db
    if not isinstance(target, pw.PostgresqlDatabase):
        return db
    side = _side.get(id(target))
    if side is None:
        side = _side[id(target)] = pw.PostgresqlDatabase(
            target.database, **_no_commit_flush(dict(target.connect_params)))
    return side


def check_schema(db: pw.Database, meta, tables: list, create: bool, url: str) -> None:
    """Read the stored schema version (one query); create the tables only when asked."""
    try:
        row = meta.get_or_none(meta.key == "schema_version")
    except (pw.OperationalError, pw.ProgrammingError):
        if is_postgres(db):
            db.rollback()
        row = None
        if not create:
            raise SchemaError(f"{safe_url(url)} has no ticketd tables yet: start `ticketd run` "
                              "once (or run `ticketd migrate`)") from None
    if row is None:
        if not create:
            raise SchemaError(f"{safe_url(url)} has no schema version: run `ticketd migrate`")
        with write_transaction(db):
            db.create_tables(tables, safe=True)
            meta.insert(key="schema_version", value=str(models.SCHEMA_VERSION)
                        ).on_conflict_ignore().execute()
        return
    version = int(row.value)
    if version < models.SCHEMA_VERSION:
        raise SchemaError(f"{safe_url(url)} has schema {version}, this ticketd needs "
                          f"{models.SCHEMA_VERSION}: run `ticketd migrate`")
    if version > models.SCHEMA_VERSION:
        raise SchemaError(f"{safe_url(url)} has schema {version}, newer than this ticketd's "
                          f"{models.SCHEMA_VERSION}: upgrade ticketd")


def safe_url(url: str) -> str:
    """The database URL without its password, for logs and errors."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url


# --- the write lock -------------------------------------------------------------------

_held = threading.local()  # path -> depth, per thread: nested transactions lock once


@contextmanager
def write_transaction(db: pw.Database):
    """A transaction that holds the write lock from its start (SQLite BEGIN IMMEDIATE),
    so read-then-write decisions never run on a snapshot another writer is changing."""
    if not isinstance(db, pw.SqliteDatabase):
        with db.atomic() as txn:
            yield txn
        return
    with _file_lock(db.database), db.atomic(lock_type="IMMEDIATE") as txn:
        yield txn


@contextmanager
def _file_lock(path: str):
    if not path or path == ":memory:":
        yield
        return
    depths = _held.__dict__.setdefault("depths", {})
    if depths.get(path):
        depths[path] += 1
        try:
            yield
        finally:
            depths[path] -= 1
        return
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        depths[path] = 1
        try:
            yield
        finally:
            depths[path] = 0
    finally:
        os.close(fd)  # closing releases the flock


