"""Where the stores live: database URLs as the config gives them, made absolute, the
spool's place beside them, and what a PostgreSQL URL means to its driver. Pure and free of
peewee, so `ticketd ingest` and `tickets list` find their store without loading the rest
of ticketd."""

from __future__ import annotations

from pathlib import Path

SCHEMA_VERSION = 10  # 1: the first release, spool and tickets in one file
DEFAULT_DATABASE = "sqlite:///ticketd.db"


def absolute(url: str, folder: Path) -> str:
    """A relative SQLite path is relative to the config file's folder."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///") :]
        if rel and rel != ":memory:":
            p = Path(rel).expanduser()
            return "sqlite:///" + str(p if p.is_absolute() else folder / p)
    return url


def spool_url_for(database_url: str, spool_url: str = "") -> str:
    """The spool store: as configured, else a file beside a SQLite database (so ticket
    work never locks it), else the same PostgreSQL database."""
    if spool_url:
        return spool_url
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        path = Path(database_url[len("sqlite:///") :])
        return "sqlite:///" + str(path.with_name(f"{path.stem}-spool{path.suffix or '.db'}"))
    return database_url


def lock_path(db_path: str) -> str:
    """The file whose flock every writer of a SQLite store takes first (db.write_transaction)."""
    p = Path(db_path)
    return str(p.with_name(p.name + ".lock"))


def pg_params(url: str, lock_timeout_seconds: int) -> dict:
    """A postgresql:// URL -> psycopg2's connect arguments (None: the driver's default)."""
    from urllib.parse import unquote, urlparse

    u = urlparse(url)
    return {"database": u.path.lstrip("/") or "postgres",
            "user": unquote(u.username) if u.username else None,
            "password": unquote(u.password) if u.password else None,
            "host": u.hostname or None, "port": u.port or None,
            # a lock held elsewhere (a long report) fails our statement, as SQLite's busy
            # timeout does, instead of hanging a listener or a worker for good
            "options": f"-c lock_timeout={lock_timeout_seconds * 1000}"}
