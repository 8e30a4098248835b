"""Schema 3: text columns that never refuse real mail, the rung a reply matched, indexes.

On PostgreSQL the first release made most columns VARCHAR(255), so a long
Message-ID, address or display name failed there (and not on SQLite); they
become TEXT. `thread_rung` held a sentence; it keeps only the rung. The
indexes serve `tickets list` (filtered, newest first), the workers' and the
sender's claims and the acknowledgement limits.
"""

from __future__ import annotations

import re

import peewee as pw

VERSION = 3
SUMMARY = "text columns instead of VARCHAR(255); thread_rung holds the rung; indexes for lists"

OURS = ("meta", "ticket", "participant", "message", "blob", "attachment", "event", "outbox",
        "assigncursor", "bouncingaddress", "applied", "spool_meta", "spool", "imapstate",
        "mailboxhealth", "heartbeat")
RUNG = re.compile(r" by (subject tag|In-Reply-To|References|plus address)\b")
INDEXES = {
    "tickets": (("ticket", ("status", "id")), ("ticket", ("queue", "status", "id")),
                ("ticket", ("assignee", "status", "id")), ("ticket", ("requester", "id")),
                ("outbox", ("status", "next_attempt_at")),
                ("outbox", ("rate_key", "kind", "created_at"))),
    "spool": (("spool", ("state", "id")),),
}


def up(step) -> None:
    for store in ("spool", "tickets"):
        db = getattr(step, store)
        if store == "spool" and step.same_database:
            continue  # done with the tickets: one database
        m = step.migrator(db)
        with m.migration_context():
            if isinstance(db, pw.PostgresqlDatabase):  # SQLite never enforced the 255
                _text_columns(db)
            for table, columns in _indexes(step, store):
                name = f"{table}_{'_'.join(columns)}"
                if name not in {i.name for i in db.get_indexes(table)}:
                    m.migrate(m.add_index(table, columns))
            if store == "tickets":
                _rungs(db)


def _indexes(step, store: str):
    out = list(INDEXES[store])
    if store == "tickets" and step.same_database:
        out += list(INDEXES["spool"])
    return out


def _text_columns(db) -> None:
    rows = db.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type = 'character varying'").fetchall()
    for table, column in rows:
        if table not in OURS:  # another application's tables may share the database
            continue
        db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE text')


def _rungs(db) -> None:
    p = db.param
    for row_id, sentence in db.execute_sql(
            "SELECT id, thread_rung FROM message WHERE thread_rung IS NOT NULL").fetchall():
        found = RUNG.search(sentence or "")
        rung = found.group(1) if found else None
        if rung != sentence:
            db.execute_sql(f"UPDATE message SET thread_rung = {p} WHERE id = {p}", (rung, row_id))
