"""Schema 5: retention. Spooled mail may lose its raw bytes (the row stays, as the mail log),
and SQLite files are switched to incremental auto-vacuum so that a purge shrinks them.

The switch rewrites each SQLite file once (VACUUM): on a large database this
takes a while, and needs the daemon stopped, as every migration does.
"""

from __future__ import annotations

import peewee as pw

VERSION = 5
SUMMARY = "raw mail can be purged ([retention]); SQLite files give freed pages back"


def up(step) -> None:
    m = step.migrator(step.spool)
    with m.migration_context():
        m.migrate(m.drop_not_null("spool", "raw"))
    for db in {id(step.spool): step.spool, id(step.tickets): step.tickets}.values():
        if isinstance(db, pw.SqliteDatabase) and \
                db.execute_sql("PRAGMA auto_vacuum").fetchone()[0] != 2:
            db.execute_sql("PRAGMA auto_vacuum = 2")
            db.execute_sql("VACUUM")  # takes effect only through a rewrite of the file
