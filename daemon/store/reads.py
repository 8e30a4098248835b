"""Named queries of `ticketd tickets list` and `show`, in plain SQL over a DB-API connection.

Reading tickets is typed often, and peewee and the models take ~100 ms to import
where the queries take ~8, so these run on sqlite3 or psycopg2 directly: on a
connection of their own (`tickets list` and `show`), or on the one a peewee
database holds. Values come out as the models give them: times as aware UTC,
JSON columns as lists, booleans as bools.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import UTC, datetime

# a ticket with its circulation clock (rule NULL: none), read in one go for list and show
TICKETS = ("SELECT t.id, t.subject, t.status, t.queue, t.assignee, t.requester, t.priority, "
           "t.tags, t.created_at, t.updated_at, t.resolved_by, t.resolved_at, t.merged_from, "
           "t.first_response_at, c.rule, c.due_first_response, c.due_resolution, "
           "c.paused_since FROM ticket t LEFT JOIN sla_clock c ON c.ticket_id = t.id")
CHUNK = 1000  # ids in one IN (...): within every backend's limit on parameters


def utc_time(value: str | datetime | None) -> datetime | None:
    """models.UTCDateTimeField: naive UTC in the database (text on SQLite), aware UTC out."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _json(value: str | None):
    return None if value is None else json.loads(value)


def _bool(value) -> bool | None:
    return None if value is None else bool(value)


# column -> how the models store it (models.py: UTCDateTimeField, JSONField, BooleanField)
DECODE = {name: utc_time for name in (
    "created_at", "updated_at", "resolved_at", "first_response_at", "sent_at", "relayed_at", "at",
    "due_first_response", "due_resolution", "paused_since")}
DECODE.update({name: _json for name in ("tags", "to_addrs", "cc_addrs", "defects")})
DECODE["inline"] = _bool


class Reader:
    """A DB-API connection (sqlite3 or psycopg2) and its parameter style."""

    def __init__(self, connection, param: str = "?"):
        self.connection, self.param = connection, param

    def rows(self, sql: str, *params) -> list[dict]:
        """Each row as a dict by column name, its values decoded as the models would."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql if self.param == "?" else sql.replace("?", self.param), params)
            names = [d[0] for d in cursor.description]
            decoders = [(i, DECODE[n]) for i, n in enumerate(names) if n in DECODE]
            out = []
            for row in cursor.fetchall():
                row = list(row)
                for i, decode in decoders:
                    row[i] = decode(row[i])
                out.append(dict(zip(names, row, strict=True)))
            return out
        finally:
            cursor.close()

    @contextlib.contextmanager
    def snapshot(self):
        """The reads of one command see one moment. Without it each SELECT is a transaction
        of its own, and a worker committing between two of them shows half its change (a
        reply's form field filled in, the status it set not yet). The connection is in
        autocommit mode here, as peewee keeps its own, so nothing else is open."""
        cursor = self.connection.cursor()
        cursor.execute("BEGIN" if self.param == "?" else
                       "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self
        finally:
            cursor.execute("COMMIT")  # read only: nothing to keep or lose
            cursor.close()

    def close(self) -> None:
        self.connection.close()


def connect(url: str, lock_timeout_seconds: int) -> Reader:
    """A connection of its own to the store at `url`: a SQLite file that exists (it is not
    made here), or PostgreSQL, whose driver is imported only then."""
    if url.startswith("sqlite:///"):
        import sqlite3

        path = url[len("sqlite:///"):].replace("%", "%25").replace("?", "%3f").replace("#", "%23")
        return Reader(sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None,
                                      timeout=lock_timeout_seconds))
    if not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"unsupported database URL: {url}")
    from daemon.store.locations import pg_params

    connection = _psycopg2().connect(**pg_params(url, lock_timeout_seconds))
    connection.autocommit = True  # as peewee runs it: no transaction left open between reads
    return Reader(connection, "%s")


def driver(url: str) -> bool:
    """Import the driver a connection to `url` would (psycopg2 as _psycopg2 does); True when
    there is one to import, i.e. for PostgreSQL."""
    if not url.startswith(("postgresql://", "postgres://")):
        return False
    try:
        _psycopg2()
    except ImportError:
        return False
    return True


def _psycopg2():
    """psycopg2, without the ssl module when nothing has loaded it yet: psycopg2 imports it
    (~30 ms) only so that Python sets up libcrypto's callbacks, and when it cannot, leaves
    them to libpq ("fall back to relying on libpq's libcrypto locking", psycopgmodule.c),
    which serves a reader of one thread as well; libpq still speaks TLS either way."""
    if "psycopg2" in sys.modules or "ssl" in sys.modules:
        import psycopg2

        return psycopg2
    sys.modules["ssl"] = None  # an ImportError for psycopg2; gone again at once
    try:
        import psycopg2
    finally:
        del sys.modules["ssl"]
    return psycopg2


def on(db) -> Reader:
    """The connection a peewee database holds (the full path; tests in-process)."""
    return Reader(db.connection(), db.param)


def schema_versions(reader: Reader, *tables: str) -> tuple[str | None, ...]:
    """The versions the stores' meta tables (`meta`, `spool_meta`) hold, in one statement."""
    found = reader.rows("SELECT " + ", ".join(
        f"(SELECT value FROM {t} WHERE key = 'schema_version') AS {t}" for t in tables))
    return tuple(found[0].values())


def page(reader: Reader, status: str | None = None, queue: str | None = None,
         assignee: str | None = None, fields: list[tuple[str, str]] = (),
         before: int | None = None, limit: int | None = None) -> list[dict]:
    """Newest first, a page at a time: `before` is the last id of the previous page (keyset
    pagination, so page 1,000 costs what page 1 does; the indexes end in id); `fields`
    keeps the tickets whose form fields have these values (an index seek each)."""
    where, params = [], []
    for name, value in fields:
        where.append("t.id IN (SELECT ticket_id FROM ticket_field WHERE name = ? AND "
                     "value = ?)")
        params += [name, value]
    for test, value in (("t.status = ?", status), ("t.queue = ?", queue),
                        ("t.assignee = ?", assignee and assignee.lower()), ("t.id < ?", before)):
        if value:
            where.append(test)
            params.append(value)
    sql = TICKETS
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY t.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return reader.rows(sql, *params)


def ticket(reader: Reader, ticket_id: int) -> dict | None:
    found = reader.rows(f"{TICKETS} WHERE t.id = ?", ticket_id)
    return found[0] if found else None


def _by_chunk(reader: Reader, sql: str, ids: list) -> list[dict]:
    """`sql` with `{marks}` for the ids, run a thousand ids at a time."""
    out = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        out += reader.rows(sql.format(marks=", ".join("?" * len(chunk))), *chunk)
    return out


def field_values(reader: Reader, ticket_ids: list[int]) -> dict[int, dict[str, str]]:
    """The form fields of many tickets, by name (what a list shows)."""
    out: dict[int, dict[str, str]] = {i: {} for i in ticket_ids}
    for r in _by_chunk(reader, "SELECT ticket_id, name, value FROM ticket_field WHERE "
                               "ticket_id IN ({marks}) ORDER BY name", ticket_ids):
        out[r["ticket_id"]][r["name"]] = r["value"]
    return out


def fields_of(reader: Reader, ticket_id: int) -> list[dict]:
    """One ticket's fields by name, each with where its value was read (`source`)."""
    return reader.rows("SELECT name, value, source FROM ticket_field WHERE ticket_id = ? "
                       "ORDER BY name", ticket_id)


PARTICIPANTS_SQL = "SELECT email FROM participant WHERE ticket_id = ? ORDER BY id"


def participants(reader: Reader, ticket_id: int) -> list[str]:
    return [r["email"] for r in reader.rows(PARTICIPANTS_SQL, ticket_id)]


def messages(reader: Reader, ticket_id: int) -> list[dict]:
    """A ticket's messages, oldest first; ours with `relayed_at`, when the relay (or the
    folder) took it (NULL while not yet sent)."""
    return reader.rows(
        "SELECT m.id, m.direction, m.kind, m.from_addr, m.to_addrs, m.cc_addrs, m.subject, "
        "m.text, m.visible_text, m.message_id, m.html, m.thread_rung, m.defects, "
        "m.created_at, m.sent_at, o.sent_at AS relayed_at FROM message m LEFT JOIN outbox o "
        "ON o.message_id = m.message_id AND m.direction = 'out' AND o.sent_at IS NOT NULL "
        "WHERE m.ticket_id = ? ORDER BY m.id", ticket_id)


def attachments(reader: Reader, message_ids: list[int]) -> dict[int, list[dict]]:
    """Each message's attachments, in the order they were stored (a message's are all in
    one chunk)."""
    out: dict[int, list[dict]] = {}
    for a in _by_chunk(reader, "SELECT message_id, filename, content_type, size, sha256, "
                               "inline FROM attachment WHERE message_id IN ({marks}) "
                               "ORDER BY id", message_ids):
        out.setdefault(a["message_id"], []).append(a)
    return out


def events(reader: Reader, ticket_id: int) -> list[dict]:
    return reader.rows("SELECT at, actor, action, old, new FROM event WHERE ticket_id = ? "
                       "ORDER BY id", ticket_id)
