"""Inserts without per-row query building: the SQL is made once per table and column set.

The worker writes about ten rows per mail; peewee's Model.create builds its
SQL anew each time, which dominated the apply profile. Values still pass
through each field's db_value, so JSON and UTC conversions stay the models'.
"""

from __future__ import annotations

import peewee as pw

_cache: dict[tuple, tuple[str, list[pw.Field]]] = {}


def _statement(db: pw.Database, model: type[pw.Model], columns: tuple[str, ...],
               returning: bool) -> tuple[str, list[pw.Field]]:
    key = (id(db), model, columns, returning)
    found = _cache.get(key)
    if found is None:
        meta = model._meta
        fields = [meta.fields[c] for c in columns]
        names = ", ".join(_quoted(db, f.column_name) for f in fields)
        marks = ", ".join([db.param] * len(fields))
        sql = f"INSERT INTO {_quoted(db, meta.table_name)} ({names}) VALUES ({marks})"
        if returning:
            sql += f" RETURNING {_quoted(db, meta.primary_key.column_name)}"
        found = _cache[key] = (sql, fields)
    return found


def _quoted(db: pw.Database, name: str) -> str:
    left, right = db.quote  # peewee keeps the quote characters as a pair, e.g. '""'
    return f"{left}{name}{right}"


def _complete(model: type[pw.Model], values: dict) -> dict:
    """Fill in the model's defaults for the columns not given."""
    out = dict(values)
    for name, field in model._meta.fields.items():
        if name in out or isinstance(field, pw.AutoField):
            continue
        default = field.default
        if default is None and field.null:
            continue
        if default is not None:
            out[name] = default() if callable(default) else default
    return out


def _params(fields: list[pw.Field], values: dict) -> tuple:
    return tuple(f.db_value(values[f.name]) for f in fields)


def insert(db: pw.Database, model: type[pw.Model], **values) -> int:
    """One row; returns its primary key."""
    values = _complete(model, values)
    sql, fields = _statement(db, model, tuple(values), returning=True)
    return db.execute_sql(sql, _params(fields, values)).fetchone()[0]


def insert_many(db: pw.Database, model: type[pw.Model], rows: list[dict]) -> None:
    """Several rows of one table in one executemany; ids are not returned."""
    if not rows:
        return
    rows = [_complete(model, r) for r in rows]
    sql, fields = _statement(db, model, tuple(rows[0]), returning=False)
    cursor = db.cursor()
    cursor.executemany(sql, [_params(fields, r) for r in rows])


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
    if params:
        db.cursor().executemany(sql_for(db, sql), params)
