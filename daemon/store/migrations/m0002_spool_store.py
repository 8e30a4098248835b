"""Schema 2: the spool gets a store of its own; ticket versions, notice intents, applied rows.

From the first release's single database: on SQLite the spool, the IMAP
cursors and the mailbox health move to their own file (rows and ids kept, so
mail waiting in the spool is processed after the upgrade); on PostgreSQL they
stay tables of the same database and gain the new columns. The ticket store
gains a version per ticket, notice intents (queued notices already composed
keep their bytes), lease owners, the round-robin position and the table of
applied spool rows; a message no longer has a foreign key into the spool.
"""

from __future__ import annotations

import peewee as pw

VERSION = 2
SUMMARY = ("the spool, IMAP cursors and heartbeats in a store of their own; ticket versions, "
           "notice intents, applied spool rows")

SPOOL_TABLES = ("spool", "imapstate", "mailboxhealth")


def frozen(db: pw.Database):
    """The tables this step creates, as they are at schema 2."""

    class Base(pw.Model):
        class Meta:
            database = db

    class Spool(Base):
        received_at = pw.DateTimeField(index=True)
        source = pw.CharField()
        mailbox = pw.CharField()
        dedupe_key = pw.CharField()
        mail_from = pw.TextField(default="")
        rcpt_to = pw.TextField(default="[]")
        queue_hint = pw.CharField(null=True)
        raw = pw.BlobField()
        size = pw.IntegerField()
        state = pw.CharField(default="new", index=True)
        attempts = pw.IntegerField(default=0)
        claimed_until = pw.DateTimeField(null=True)
        claimed_by = pw.TextField(null=True)
        reason = pw.TextField(null=True)
        outcome = pw.TextField(null=True)
        ticket_id = pw.IntegerField(null=True)
        message_id = pw.TextField(null=True, index=True)
        subject = pw.TextField(null=True)
        processed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "spool"
            indexes = ((("mailbox", "dedupe_key"), True),)

    class ImapState(Base):
        mailbox = pw.CharField(primary_key=True)
        uidvalidity = pw.BigIntegerField()
        last_uid = pw.BigIntegerField(default=0)
        handled_uid = pw.BigIntegerField(default=0)
        first_pass_until = pw.BigIntegerField(default=0)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "imapstate"

    class MailboxHealth(Base):
        mailbox = pw.CharField(primary_key=True)
        checked_at = pw.DateTimeField(null=True)
        failing_since = pw.DateTimeField(null=True)
        last_error = pw.TextField(null=True)

        class Meta:
            table_name = "mailboxhealth"

    class Heartbeat(Base):
        name = pw.CharField(primary_key=True)
        pid = pw.IntegerField()
        started_at = pw.DateTimeField()
        beat_at = pw.DateTimeField()
        failing_since = pw.DateTimeField(null=True)
        last_error = pw.TextField(null=True)
        stopped = pw.BooleanField(default=False)

        class Meta:
            table_name = "heartbeat"

    class SpoolMeta(Base):
        key = pw.CharField(primary_key=True)
        value = pw.TextField()

        class Meta:
            table_name = "spool_meta"

    class Applied(Base):
        spool_id = pw.BigIntegerField(primary_key=True)
        outcome = pw.TextField()
        summary = pw.TextField(default="")
        ticket_id = pw.IntegerField(null=True)
        at = pw.DateTimeField()

        class Meta:
            table_name = "applied"

    return Spool, ImapState, MailboxHealth, Heartbeat, SpoolMeta, Applied


def up(step) -> None:
    if step.same_database:
        _spool_in_place(step)
    else:
        _spool_to_its_own_file(step)
    _tickets(step)


def _spool_to_its_own_file(step) -> None:
    """SQLite: copy the spool tables into the new file (idempotent), then drop the old."""
    spool_db, tickets_db = step.spool, step.tickets
    spool, imap, health, heartbeat, meta, _ = frozen(spool_db)
    with spool_db.atomic():
        spool_db.create_tables([spool, imap, health, heartbeat, meta], safe=True)
        meta.insert(key="schema_version", value="1").on_conflict_ignore().execute()
    if not step.has_table(tickets_db, "spool"):
        return  # copied and dropped by an earlier, interrupted run
    spool_db.execute_sql("ATTACH DATABASE ? AS old", (tickets_db.database,))
    try:
        with spool_db.atomic():
            for table in SPOOL_TABLES:
                columns = ", ".join(f'"{c}"' for c in sorted(step.columns(tickets_db, table)))
                spool_db.execute_sql(f'INSERT OR IGNORE INTO "{table}" ({columns}) '
                                     f'SELECT {columns} FROM old."{table}"')
            _message_ids(spool_db)
    finally:
        spool_db.execute_sql("DETACH DATABASE old")
    with step.migrator(tickets_db).migration_context():
        for table in SPOOL_TABLES:
            tickets_db.execute_sql(f'DROP TABLE "{table}"')


def _spool_in_place(step) -> None:
    """PostgreSQL: the spool tables stay; they gain their new columns and company."""
    db = step.spool
    _, _, _, heartbeat, meta, _ = frozen(db)
    m = step.migrator(db)
    have = step.columns(db, "spool")
    new = [("claimed_by", pw.TextField(null=True)), ("message_id", pw.TextField(null=True)),
           ("subject", pw.TextField(null=True)), ("processed_at", pw.DateTimeField(null=True))]
    with m.migration_context():
        m.migrate(*[m.add_column("spool", name, field) for name, field in new
                    if name not in have])
        if "message_id" not in have:
            m.migrate(m.add_index("spool", ("message_id",)))
        db.create_tables([heartbeat, meta], safe=True)
        meta.insert(key="schema_version", value="1").on_conflict_ignore().execute()
        _message_ids(db)


def _message_ids(db: pw.Database) -> None:
    """The Message-ID of each spooled mail, from its dedupe key where it has one."""
    db.execute_sql("UPDATE spool SET message_id = substr(dedupe_key, 5) "
                   f"WHERE message_id IS NULL AND dedupe_key LIKE {db.param}", ("mid:%",))


def _tickets(step) -> None:
    db = step.tickets
    m = step.migrator(db)
    *_, applied = frozen(db)
    with m.migration_context():
        adds = [("ticket", "version", pw.IntegerField(default=0)),
                ("outbox", "intent", pw.TextField(null=True)),
                ("outbox", "claimed_by", pw.TextField(null=True)),
                ("assigncursor", "position", pw.IntegerField(default=0))]
        m.migrate(*[m.add_column(t, c, f) for t, c, f in adds
                    if c not in step.columns(db, t)])
        m.migrate(m.drop_not_null("outbox", "raw"))
        db.create_tables([applied], safe=True)
        _drop_spool_foreign_key(step, db)


def _drop_spool_foreign_key(step, db: pw.Database) -> None:
    """message.spool_id names a row of another store now: a plain column, no constraint."""
    fks = [fk for fk in db.get_foreign_keys("message") if fk.column == "spool_id"]
    if not fks:
        return
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql(f'ALTER TABLE message DROP CONSTRAINT "{fks[0].name}"')
        return
    (create,) = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'message'"
                               ).fetchone()
    clause = ', FOREIGN KEY ("spool_id") REFERENCES "spool" ("id") ON DELETE SET NULL'
    assert clause in create, create
    indexes = [sql for (sql,) in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'message' AND type = 'index' "
        "AND sql IS NOT NULL")]
    db.execute_sql(create.replace(clause, "").replace('"message"', '"message__v2"', 1))
    db.execute_sql('INSERT INTO "message__v2" SELECT * FROM "message"')
    db.execute_sql('DROP TABLE "message"')
    db.execute_sql('ALTER TABLE "message__v2" RENAME TO "message"')
    for sql in indexes:
        db.execute_sql(sql)
