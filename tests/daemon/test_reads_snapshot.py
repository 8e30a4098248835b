"""`tickets list` and `show` read in one snapshot. Each SELECT on its own would see the
database as it is at that statement, so a worker committing between two of them showed
half of its change: CI once read a reply's form field filled in and the status the same
commit set not yet."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import NEEDS_PG

from daemon.store import reads


def _sqlite_table(tmp_path, request):
    path = tmp_path / "tickets.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")  # as ticketd opens its stores: readers never block
    con.execute("CREATE TABLE t (status TEXT)")
    con.execute("INSERT INTO t VALUES ('pending')")
    con.commit()
    request.addfinalizer(con.close)

    def write(sql: str) -> None:
        con.execute(sql)
        con.commit()
    return f"sqlite:///{path}", write


def _pg_table(url: str, request):
    import psycopg2

    con = psycopg2.connect(url)
    request.addfinalizer(con.close)
    con.autocommit = True
    con.cursor().execute("CREATE TABLE t (status TEXT)")
    con.cursor().execute("INSERT INTO t VALUES ('pending')")
    return url, lambda sql: con.cursor().execute(sql)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres,
                                                                   NEEDS_PG])])
def table(request, tmp_path):
    if request.param == "sqlite":
        return _sqlite_table(tmp_path, request)
    return _pg_table(request.getfixturevalue("pg_database_factory")(), request)


def test_a_commit_between_two_reads_of_one_command_is_not_seen_by_the_second(table):
    url, write = table
    reader = reads.connect(url, 5)
    try:
        with reader.snapshot():
            assert reader.rows("SELECT status FROM t") == [{"status": "pending"}]
            write("UPDATE t SET status = 'open'")  # a worker commits meanwhile
            assert reader.rows("SELECT status FROM t") == [{"status": "pending"}]
        assert reader.rows("SELECT status FROM t") == [{"status": "open"}]  # the next command
    finally:
        reader.close()
