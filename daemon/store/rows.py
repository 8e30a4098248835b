"""Inserts without per-row query building: the SQL is made once per table and column set.

The worker writes about ten rows per mail; peewee's Model.create builds its
SQL anew each time, which dominated the apply profile. Values still pass
through each field's db_value, so JSON and UTC conversions stay the models'.
"""

from __future__ import annotations

import peewee as pw

# Fields whose value goes to the driver as it is: no db_value call per row for them.
PLAIN = (pw.TextField, pw.CharField, pw.IntegerField, pw.BigIntegerField)


class Statement:
    """An INSERT for one table and set of given columns, made once: its SQL, the columns
    the model fills in by default, and each column's conversion (None: as it is)."""

    def __init__(self, db: pw.Database, model: type[pw.Model], given: tuple[str, ...],
                 returning: bool):
        meta = model._meta
        self.defaults = [(name, f.default) for name, f in meta.fields.items()
                         if name not in given and not isinstance(f, pw.AutoField)
                         and f.default is not None]
        columns = given + tuple(name for name, _ in self.defaults)
        fields = [meta.fields[c] for c in columns]
        # only the columns that need it are converted: (position, the field's db_value)
        self.convert = [(i, f.db_value) for i, f in enumerate(fields) if type(f) not in PLAIN]
        names = ", ".join(_quoted(db, f.column_name) for f in fields)
        marks = ", ".join([db.param] * len(fields))
        self.sql = f"INSERT INTO {_quoted(db, meta.table_name)} ({names}) VALUES ({marks})"
        if returning:
            self.sql += f" RETURNING {_quoted(db, meta.primary_key.column_name)}"

    def params(self, values: dict) -> list:
        row = list(values.values())
        for _, d in self.defaults:
            row.append(d() if callable(d) else d)
        for i, db_value in self.convert:
            if row[i] is not None:
                row[i] = db_value(row[i])
        return row


_cache: dict[tuple, Statement] = {}


def _statement(db: pw.Database, model: type[pw.Model], given: tuple[str, ...],
               returning: bool) -> Statement:
    key = (id(db), model, given, returning)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = Statement(db, model, given, returning)
    return found


def _quoted(db: pw.Database, name: str) -> str:
    left, right = db.quote  # peewee keeps the quote characters as a pair, e.g. '""'
    return f"{left}{name}{right}"


def insert(db: pw.Database, model: type[pw.Model], **values) -> int:
    """One row; returns its primary key."""
    st = _statement(db, model, tuple(values), returning=True)
    return db.execute_sql(st.sql, st.params(values)).fetchone()[0]


def insert_many(db: pw.Database, model: type[pw.Model], rows: list[dict]) -> None:
    """Several rows of one table in one executemany (each with the same keys, in the same
    order); ids are not returned."""
    if not rows:
        return
    st = _statement(db, model, tuple(rows[0]), returning=False)
    params = [st.params(r) for r in rows]
    if len(params) > 1 and is_postgres(db):
        # psycopg2's executemany is a round trip and a statement per row: one VALUES list
        from psycopg2.extras import execute_values

        head, _, marks = st.sql.partition(" VALUES ")
        execute_values(db.cursor(), f"{head} VALUES %s", params, template=marks,
                       page_size=len(params))
    else:
        db.cursor().executemany(st.sql, params)


def add(db: pw.Database, model: type[pw.Model], **values) -> None:
    """One row whose id nobody needs (an event, an outbox row)."""
    insert_many(db, model, [values])


# --- named statements: hand-written SQL for the hot path --------------------------------

_sql_cache: dict[tuple, str] = {}


def sql_for(db: pw.Database, sql: str) -> str:
    """`sql` written with `?` placeholders, in the database's own parameter style."""
    key = (db.param, sql)
    found = _sql_cache.get(key)
    if found is None:
        found = _sql_cache[key] = sql if db.param == "?" else sql.replace("?", db.param)
    return found


def fetch_all(db: pw.Database, sql: str, *params) -> list[tuple]:
    return list(db.execute_sql(sql_for(db, sql), params).fetchall())


def fetch_one(db: pw.Database, sql: str, *params) -> tuple | None:
    return db.execute_sql(sql_for(db, sql), params).fetchone()


def execute(db: pw.Database, sql: str, *params) -> int:
    """A write; returns the number of rows it changed."""
    return db.execute_sql(sql_for(db, sql), params).rowcount


def execute_many(db: pw.Database, sql: str, params: list[tuple]) -> None:
    """One statement over several rows; on PostgreSQL sent in one round trip."""
    if len(params) > 1 and is_postgres(db):
        from psycopg2.extras import execute_batch

        execute_batch(db.cursor(), sql_for(db, sql), params, page_size=len(params))
    elif params:
        db.cursor().executemany(sql_for(db, sql), params)


def is_postgres(db: pw.Database) -> bool:
    """The models' DatabaseProxy counts as what it stands for (else a row lock or an
    advisory lock asked for through a model's database is silently skipped)."""
    target = db.obj if isinstance(db, pw.DatabaseProxy) else db
    return isinstance(target, pw.PostgresqlDatabase)
