"""Where the stores live: database URLs as the config gives them, made absolute, the
spool's place beside them, and what a PostgreSQL URL means to its driver. Pure and free of
peewee and pathlib (~8 ms to import, with urllib), so `ticketd ingest` and `tickets list`
find their store without loading the rest of ticketd. Paths are spelled as pathlib spells
them, so a URL reads the same however the config was read."""

from __future__ import annotations

import os

SCHEMA_VERSION = 11  # 1: the first release, spool and tickets in one file
DEFAULT_DATABASE = "sqlite:///ticketd.db"


def absolute(url: str, folder: str | os.PathLike) -> str:
    """A relative SQLite path is relative to the config file's folder."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///") :]
        if rel and rel != ":memory:":
            p = _home(spelled(rel))
            return "sqlite:///" + (p if p.startswith("/") else
                                   spelled(os.path.join(os.fspath(folder), p)))
    return url


def spool_url_for(database_url: str, spool_url: str = "") -> str:
    """The spool store: as configured, else a file beside a SQLite database (so ticket
    work never locks it), else the same PostgreSQL database."""
    if spool_url:
        return spool_url
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        path = database_url[len("sqlite:///") :]
        name = spelled(path).rpartition("/")[2]
        dot = name.rfind(".")
        stem, suffix = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
        return "sqlite:///" + _with_name(path, f"{stem}-spool{suffix or '.db'}")
    return database_url


def lock_path(db_path: str) -> str:
    """The file whose flock every writer of a SQLite store takes first (db.write_transaction)."""
    return _with_name(db_path, spelled(db_path).rpartition("/")[2] + ".lock")


def spelled(path: str) -> str:
    """A POSIX path as pathlib writes it: empty and '.' parts dropped, '..' kept, and a
    leading '//' kept (POSIX leaves its meaning to the system)."""
    root = "//" if path[:2] == "//" and path[2:3] != "/" else "/" if path[:1] == "/" else ""
    return root + "/".join(p for p in path.split("/") if p not in ("", ".")) or "."


def _with_name(path: str, name: str) -> str:
    """pathlib's with_name: the last part of `path` replaced by `name`."""
    path = spelled(path)
    if path in (".", "/", "//"):
        raise ValueError(f"{path!r} has an empty name")
    head, sep, _ = path.rpartition("/")
    return head + sep + name


def _home(path: str) -> str:
    """pathlib's expanduser: a first part ~ or ~user made that user's home folder."""
    first, sep, rest = path.partition("/")
    if first[:1] != "~":
        return path
    home = os.path.expanduser(first)
    if home[:1] == "~":
        raise RuntimeError("Could not determine home directory.")
    return spelled(home + sep + rest)


def pg_params(url: str, lock_timeout_seconds: int) -> dict:
    """A postgresql:// URL -> psycopg2's connect arguments, parsed by libpq itself (as psql
    reads it: percent-escapes, and parameters such as ?sslmode=require or ?host=/run/...)."""
    try:
        from psycopg2.extensions import parse_dsn
    except ImportError:
        from daemon.store import SchemaError

        raise SchemaError("a postgresql:// database needs the psycopg2 driver, which is not "
                          "installed: pip install 'ticketd[postgres]'") from None
    params = parse_dsn(url)
    params["database"] = params.pop("dbname", None) or "postgres"
    # a lock held elsewhere (a long report) fails our statement, as SQLite's busy timeout
    # does, instead of hanging a listener or a worker for good
    params["options"] = " ".join(filter(None, (params.get("options"),
                                               f"-c lock_timeout={lock_timeout_seconds * 1000}")))
    return params
