"""`ticketd migrate`: bring both stores up to this ticketd's schema, one numbered step at a time.

The steps are modules in daemon/store/migrations/ named mNNNN_what.py, each
with VERSION (the schema it produces), SUMMARY (one line for --dry-run) and
up(step). They run forward only, in order, each in a transaction per store,
and are written against frozen table names and SQL, never against today's
models, so an old step still means what it meant. peewee's playhouse.migrate
does the portable ALTERs; Alembic would need a second model layer
(SQLAlchemy) beside peewee's. A step may also define applied(step): then it
runs even below the stored version when it finds itself missing (steps from
parallel branches merge in any order), so it must be idempotent. Version 1 is
the first release's schema (spool and tickets in one database); a fresh
database is created at the latest version directly by `ticketd run`.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass
from types import ModuleType

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator

from daemon.store import migrations, models
from daemon.store.db import is_postgres, make_database, safe_url

log = logging.getLogger("ticketd.migrate")


@dataclass
class Step:
    """What a migration step works with."""

    tickets: pw.Database
    spool: pw.Database
    same_database: bool  # PostgreSQL: both stores are tables of one database

    def migrator(self, db: pw.Database) -> SchemaMigrator:
        return PostgresqlMigrator(db) if is_postgres(db) else SqliteMigrator(db)

    def columns(self, db: pw.Database, table: str) -> set[str]:
        return {c.name for c in db.get_columns(table)}

    def has_table(self, db: pw.Database, table: str) -> bool:
        return db.table_exists(table)


def steps() -> list[ModuleType]:
    found = [importlib.import_module(f"{migrations.__name__}.{m.name}")
             for m in pkgutil.iter_modules(migrations.__path__) if m.name.startswith("m")]
    return sorted(found, key=lambda m: m.VERSION)


def stored_version(db: pw.Database, table: str) -> int | None:
    """The version in a store's meta table; None for a store with no tables yet."""
    if not db.table_exists(table):
        return None
    row = db.execute_sql(f'SELECT value FROM "{table}" WHERE key = \'schema_version\''
                         ).fetchone()
    return int(row[0]) if row else None


def open_plain(tickets_url: str, spool_url: str) -> Step:
    tickets = make_database(tickets_url)
    spool = tickets if tickets_url == spool_url and tickets_url.startswith("postgres") \
        else make_database(spool_url)
    tickets.connect(reuse_if_open=True)
    spool.connect(reuse_if_open=True)
    return Step(tickets, spool, spool is tickets)


def pending(step: Step) -> tuple[int | None, list[ModuleType]]:
    """(the tickets' version now, the steps still to run)."""
    version = stored_version(step.tickets, "meta")
    if version is None:
        return None, []
    # A step numbered below the stored version may still be missing: steps written in
    # parallel branches (7, 8, 9) merge in any order. A step that can tell (`applied`) runs
    # when it finds itself missing; it must be idempotent.
    return version, [m for m in steps() if m.VERSION > version or (
        hasattr(m, "applied") and not m.applied(step))]


def migrate(tickets_url: str, spool_url: str, dry_run: bool = False) -> list[str]:
    """Run every pending step; returns a line per step (what would run, with dry_run)."""
    step = open_plain(tickets_url, spool_url)
    try:
        version, todo = pending(step)
        if version is None:  # a new install (an MTA pipe may come before `ticketd run`)
            return [create_fresh(tickets_url, spool_url, dry_run)]
        if version > models.SCHEMA_VERSION:
            raise RuntimeError(f"{safe_url(tickets_url)} has schema {version}, newer than this "
                               f"ticketd's {models.SCHEMA_VERSION}: upgrade ticketd")
        lines = []
        for module in todo:
            lines.append(f"schema {module.VERSION - 1} -> {module.VERSION}: {module.SUMMARY}")
            if not dry_run:
                log.info("migrating to schema %s: %s", module.VERSION, module.SUMMARY)
                module.up(step)
                stamp(step, max(module.VERSION, version))
                version = max(module.VERSION, version)
        return lines or [f"schema {version}: up to date"]
    finally:
        for db in {id(step.tickets): step.tickets, id(step.spool): step.spool}.values():
            db.close()


def create_fresh(tickets_url: str, spool_url: str, dry_run: bool) -> str:
    where = safe_url(tickets_url)
    if dry_run:
        return f"{where}: no ticketd tables yet; would create them at schema " \
               f"{models.SCHEMA_VERSION}"
    from daemon.store.db import open_stores

    open_stores(tickets_url, spool_url, create=True).close()
    return f"{where}: created the tables at schema {models.SCHEMA_VERSION}"


def stamp(step: Step, version: int) -> None:
    for db, table in ((step.spool, "spool_meta"), (step.tickets, "meta")):
        with db.atomic():
            db.execute_sql(f'UPDATE "{table}" SET value = {db.param} WHERE key = '
                           "'schema_version'", (str(version),))
