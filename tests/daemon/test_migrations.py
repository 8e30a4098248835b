"""A version-1 database made by the first release is refused until `ticketd migrate`, then
upgraded with every row intact, on SQLite and on PostgreSQL, and the daemon carries on."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import NEEDS_PG, REPO, SQLITE_ONLY, config_text, wait_for

from daemon.store import models

V1 = REPO / "tests" / "data" / "v1"
# table -> its key, for every table of the first release whose rows must survive
KEPT = {"ticket": "id", "message": "id", "attachment": "id", "blob": "sha256", "event": "id",
        "outbox": "id", "participant": "id", "assigncursor": "queue", "bouncingaddress": "email",
        "spool": "id", "imapstate": "mailbox", "mailboxhealth": "mailbox"}
MOVED_TO_THE_SPOOL_STORE = ("spool", "imapstate", "mailboxhealth")


def rung_of(sentence):
    """Schema 3 keeps only the rung of the first release's sentence."""
    found = re.search(r" by (subject tag|In-Reply-To|References|plus address)\b", sentence or "")
    return found.group(1) if found else None


CHANGED_ON_PURPOSE = {("message", "thread_rung"): rung_of}


def as_migrated(table: str, columns: list[str], rows: list[tuple]) -> list[tuple]:
    change = [CHANGED_ON_PURPOSE.get((table, c)) for c in columns]
    return [tuple(f(v) if f else v for f, v in zip(change, row, strict=True)) for row in rows]


class Backend:
    """Where a test's databases live, and plain SQL on them (no ticketd code)."""

    def __init__(self, kind: str, folder: Path, pg_url: str | None = None):
        self.kind, self.folder, self.pg_url = kind, folder, pg_url

    @property
    def url(self) -> str:
        return self.pg_url or "sqlite:///ticketd.db"

    def connect(self, store: str = "tickets"):
        if self.kind == "sqlite":
            name = "ticketd.db" if store == "tickets" else "ticketd-spool.db"
            return sqlite3.connect(self.folder / name)
        import psycopg2

        return psycopg2.connect(self.pg_url)

    def load_v1(self) -> None:
        con = self.connect()
        dump = (V1 / f"{self.kind if self.kind == 'sqlite' else 'postgres'}.sql").read_text()
        if self.kind == "sqlite":
            con.executescript(dump)
        else:
            con.cursor().execute(dump)
            con.commit()
        con.close()

    def rows(self, table: str, columns: list[str], store: str = "tickets") -> list[tuple]:
        con = self.connect(store)
        try:
            cur = con.cursor()
            cur.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY {KEPT[table]}')
            return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
                    for r in cur.fetchall()]
        finally:
            con.close()

    def columns(self, table: str, store: str = "tickets") -> list[str]:
        con = self.connect(store)
        try:
            cur = con.cursor()
            if self.kind == "sqlite":
                cur.execute(f'PRAGMA table_info("{table}")')
                return sorted(r[1] for r in cur.fetchall())
            cur.execute("SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = %s AND table_schema = 'public'", (table,))
            return sorted(r[0] for r in cur.fetchall())
        finally:
            con.close()


@pytest.fixture(params=[pytest.param("sqlite", marks=SQLITE_ONLY),
                        pytest.param("postgres", marks=[pytest.mark.postgres, NEEDS_PG])])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return Backend("sqlite", tmp_path)
    return Backend("postgres", tmp_path, request.getfixturevalue("pg_database_factory")())


def v1_daemon(daemon_factory, sink, backend: Backend):
    text = config_text(sink.port).replace('database = "sqlite:///ticketd.db"',
                                          f'database = "{backend.url}"')
    backend.load_v1()
    return daemon_factory(text, start=False, folder=backend.folder)


def test_a_version_1_database_is_refused_until_migrated_then_every_row_is_intact(
        daemon_factory, sink, backend):
    d = v1_daemon(daemon_factory, sink, backend)
    v1_columns = {t: backend.columns(t) for t in KEPT}  # the first release's, all of them
    before = {t: backend.rows(t, v1_columns[t]) for t in KEPT}
    assert len(before["ticket"]) == 5 and len(before["attachment"]) == 1
    assert {r[-1] for r in backend.rows("spool", ["state"])} == {"done", "new", "quarantined"}

    for command in (["run"], ["tickets", "list"]):
        refused = d.cli(*command, check=False)
        assert refused.returncode == 78, refused.stderr
        (line,) = refused.stderr.decode().strip().splitlines()
        assert "schema 1" in line and "`ticketd migrate`" in line
    dry = d.cli("migrate", "--dry-run").stdout.decode()
    assert "schema 1 -> 2" in dry and f"-> {models.SCHEMA_VERSION}:" in dry
    assert d.cli("tickets", "list", check=False).returncode == 78  # a dry run changes nothing

    assert "schema 1 -> 2" in d.cli("migrate").stdout.decode()
    assert "up to date" in d.cli("migrate").stdout.decode()
    for table, rows in before.items():
        store = "spool" if table in MOVED_TO_THE_SPOOL_STORE else "tickets"
        expected = as_migrated(table, v1_columns[table], rows)
        assert backend.rows(table, v1_columns[table], store) == expected, table


def test_a_migrated_database_has_the_schema_of_a_new_one_and_the_daemon_carries_on(
        daemon_factory, sink, backend, tmp_path, request):
    d = v1_daemon(daemon_factory, sink, backend)
    d.cli("migrate")
    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    fresh = Backend(backend.kind, fresh_folder, backend.pg_url and request.getfixturevalue(
        "pg_database_factory")())
    daemon_factory(config_text(sink.port).replace(
        'database = "sqlite:///ticketd.db"', f'database = "{fresh.url}"'),
        folder=fresh_folder).stop()  # `ticketd run` makes a new database at the latest schema
    for table in ("ticket", "message", "outbox", "assigncursor", "applied", "staffload",
                  "staffloadchange", "ticket_field", "sla_clock", "relayhealth"):
        assert backend.columns(table) == fresh.columns(table), table
    for table in ("spool", "imapstate", "mailboxhealth", "heartbeat", "spool_meta"):
        assert backend.columns(table, "spool") == fresh.columns(table, "spool"), table

    d.start()  # the mail the first release spooled, and its pending notices, go on
    wait_for(lambda: "Left in the spool" in [t["subject"] for t in d.tickets()],
             what="the spooled mail's ticket")
    pending = [o for o in d.outbox() if o["subject"] == "[Ticket #5] VPN down"]
    assert len(pending) == 2
    wait_for(lambda: all(o["status"] == "sent" for o in d.outbox()
                         if o["id"] in {p["id"] for p in pending}), what="the v1 notices sent")
    sent_ids = {m["Message-ID"].strip("<>") for m in sink.parsed()}
    assert {p["message_id"] for p in pending} <= sent_ids  # the Message-IDs they were given
