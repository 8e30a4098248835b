"""Migrations written on parallel branches merge in any order: a store stamped with a
later schema that lacks step 8 gets it from `ticketd migrate` (schema 8 checks itself)."""

from __future__ import annotations

import sqlite3

from conftest import SQLITE_ONLY, config_text


@SQLITE_ONLY
def test_a_store_stamped_9_without_step_8_gets_it_from_migrate(daemon_factory, sink):
    d = daemon_factory(config_text(sink.port))
    d.stop()
    spool, tickets = (sqlite3.connect(d.folder / name) for name in ("ticketd-spool.db",
                                                                     "ticketd.db"))
    for column in ("acknowledged_at", "decision", "processing_ms"):
        spool.execute(f"ALTER TABLE spool DROP COLUMN {column}")
    tickets.execute("ALTER TABLE outbox DROP COLUMN acknowledged_at")
    tickets.execute("DROP TABLE relayhealth")
    for con in (spool, tickets):
        con.commit()
    out = d.cli("migrate").stdout.decode()
    assert "schema 7 -> 8" in out
    columns = {r[1] for r in spool.execute("PRAGMA table_info(spool)")}
    assert {"acknowledged_at", "decision", "processing_ms"} <= columns
    assert tickets.execute("SELECT count(*) FROM relayhealth").fetchone() == (0,)
    assert "up to date" in d.cli("migrate").stdout.decode()
    d.start()  # and the daemon runs on it
    for con in (spool, tickets):
        con.close()
