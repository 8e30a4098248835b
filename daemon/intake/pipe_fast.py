"""`ticketd ingest` for the everyday case, without loading the rest of ticketd.

An MTA starts one process per mail, so what this path imports is its cost. It
reads four settings from config.toml with tomllib (quick_config.py) and writes
the row with sqlite3, taking the same file lock and using the same INSERT as the
spool store (store/intake_rows.py): no config schema, no peewee, no models (~70
ms less a mail). It handles only what it can be sure of: a readable config whose
spool is a SQLite file of this ticketd's schema, and mail not seen before. For
anything else it answers None, and the full path, with all of its error
messages, takes the mail instead.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from datetime import UTC, datetime

from daemon import quick_config
from daemon.store.intake_rows import INSERT_SQL, Envelope, insert_values
from daemon.store.locations import SCHEMA_VERSION, lock_path

log = logging.getLogger("ticketd.ingest")


def read_inputs(files: list[str]) -> list[tuple[str, bytes]]:
    """stdin, or each file named: read once, for whichever path stores them."""
    import sys

    if not files:
        return [("<stdin>", sys.stdin.buffer.read())]
    return [(name, open(name, "rb").read()) for name in files]


def ingest_quickly(args, config_path: str, inputs: list[tuple[str, bytes]]) -> int | None:
    """Store every input and return 0, or None (having stored nothing) to hand them all to
    the full path."""
    settings = _settings(config_path)
    if settings is None or not inputs or any(not raw.strip() for _, raw in inputs):
        return None
    spool_path, timeout, level, fmt = settings
    try:
        stored = _store(spool_path, timeout, inputs, Envelope(
            source="pipe", mail_from=args.sender, rcpt_to=tuple(args.recipient),
            queue_hint=args.queue))
    except (sqlite3.Error, OSError):
        return None  # the full path says what is wrong, or stores it after all
    if stored is None:
        return None
    from daemon.service.logs import setup_logging

    setup_logging(level, "", fmt)
    for (name, _), spool_id in zip(inputs, stored, strict=True):
        log.info("%s: spooled as #%s", name, spool_id)
    return 0


def _settings(config_path: str) -> tuple[str, int, str, str] | None:
    """(spool file, lock timeout, log level, log format), when the config says them plainly."""
    found = quick_config.read(config_path)
    urls = found and quick_config.stores(*found)
    if not urls:
        return None
    daemon = found[0].get("daemon", {})
    level, fmt = daemon.get("log_level", "INFO"), daemon.get("log_format", "text")
    _, url, timeout = urls
    if not (isinstance(level, str) and isinstance(fmt, str)) or \
            not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return url[len("sqlite:///"):], timeout, level, fmt


def _store(spool_path: str, timeout: int, inputs, env: Envelope) -> list[int] | None:
    """Every input in one durable commit, or nothing (a duplicate, an older schema)."""
    if not os.path.exists(spool_path):
        return None  # no spool yet: the full path says to start ticketd or migrate
    lock_fd = os.open(lock_path(spool_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)  # as every other writer of the spool does
        db = sqlite3.connect(f"file:{spool_path}?mode=rw", uri=True, timeout=timeout,
                             isolation_level=None)
        try:
            return _insert(db, timeout, inputs, env)
        finally:
            db.close()
    finally:
        os.close(lock_fd)


def _insert(db: sqlite3.Connection, timeout: int, inputs, env: Envelope) -> list[int] | None:
    db.execute(f"PRAGMA busy_timeout = {timeout * 1000}")
    db.execute("PRAGMA synchronous = FULL")
    version = db.execute("SELECT value FROM spool_meta WHERE key = 'schema_version'").fetchone()
    if version is None or version[0] != str(SCHEMA_VERSION):
        return None
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    db.execute("BEGIN IMMEDIATE")
    ids = []
    for _, raw in inputs:
        row = db.execute(INSERT_SQL, (now, *insert_values(raw, env))).fetchone()
        if row is None:  # delivered before: the full path logs it in the mail log
            db.execute("ROLLBACK")
            return None
        ids.append(row[0])
    db.execute("COMMIT")
    return ids
