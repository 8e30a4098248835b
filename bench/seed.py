"""Seed a ticketd database with a large history: `python -m bench.seed URL [--tickets N]`.

    python -m bench.seed sqlite:////tmp/big/ticketd.db --tickets 1000000
    python -m bench.seed postgresql://postgres@127.0.0.1/ticketd_big --tickets 1000000

Makes the schema with the daemon's own code (a new database at the current
version), then writes, in large transactions (SQLite: executemany with
synchronous off; PostgreSQL: COPY): N tickets over three years (80% closed,
10% resolved, the rest open, new or pending), 3 messages each (the customer's
mail, the acknowledgement, a staff reply), 2 events each, a participant on
every tenth, the spool's mail-log rows (raw bytes purged, as retention leaves
them) and the maintained staff counts. Prints the time it took.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from daemon.store.db import open_stores

STAFF = ("alice@example.com", "bob@example.com", "carol@example.com")
QUEUES = (("general", 60), ("billing", 30), ("sales", 10))
STATUSES = (("closed", 80), ("resolved", 10), ("open", 5), ("new", 3), ("pending", 2))
CHUNK = 50_000
START = datetime(2023, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)


def pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def when(i: int, n: int) -> str:
    t = START + SPAN * (i / max(n, 1))
    return t.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def rows_for(first: int, last: int, n: int, rng: random.Random) -> dict[str, list[tuple]]:
    """The rows of tickets first..last (ids), table by table, in column order of COLUMNS."""
    out: dict[str, list[tuple]] = {t: [] for t in COLUMNS}
    for tid in range(first, last + 1):
        at = when(tid, n)
        status, queue = pick(rng, STATUSES), pick(rng, QUEUES)
        staff = STAFF[tid % 3]
        customer = f"customer{tid}@example{tid % 997}.org"
        subject = f"Problem with item {tid % 5000} #{tid}"
        done = status in ("resolved", "closed")
        out["ticket"].append((tid, subject, status, queue, staff, customer, f"Customer {tid}",
                              "normal", "[]", at, at, at if done else None,
                              staff if done else None, at if status == "closed" else None,
                              f"seed.{tid}@example.org", None, 2))
        mid = 3 * tid
        out["message"] += [
            (mid, tid, tid, "in", "customer", customer, '["support@example.com"]', "[]",
             subject, f"Hello, item {tid} broke again. Please help.\n", "Hello, item "
             f"{tid} broke again. Please help.", "", f"seed.{tid}@example.org", None, "[]",
             at, at),
            (mid + 1, tid, None, "out", "notification", "support@example.com",
             json.dumps([customer]), "[]", f"[Ticket #{tid}] {subject}",
             f"We got your mail about ticket {tid}.\n", "", "",
             f"ticketd.seed{tid}a@example.com", None, "[]", None, at),
            (mid + 2, tid, None, "in", "staff", staff, '["support@example.com"]', "[]",
             f"Re: [Ticket #{tid}] {subject}", "Fixed, please try again.\n",
             "Fixed, please try again.", "", f"staff.{tid}@example.com", "subject tag", "[]",
             at, at)]
        out["event"] += [(2 * tid, tid, at, customer, "created", None, "new ticket"),
                         (2 * tid + 1, tid, at, "ticketd (round_robin)", "assignee", None,
                          staff)]
        if tid % 10 == 0:
            out["participant"].append((tid, tid, f"cc{tid}@example.org", ""))
        out["spool"].append((tid, at, "smtp", "smtp:support@example.com",
                             f"mid:seed.{tid}@example.org", customer,
                             '["support@example.com"]', None, None, 3000, "done", 1, None, None,
                             None, "ticket", tid, f"seed.{tid}@example.org", subject, at))
    return out


COLUMNS = {
    "ticket": ("id", "subject", "status", "queue", "assignee", "requester", "requester_name",
               "priority", "tags", "created_at", "updated_at", "resolved_at", "resolved_by",
               "closed_at", "root_message_id", "merged_from", "version"),
    "message": ("id", "ticket_id", "spool_id", "direction", "kind", "from_addr", "to_addrs",
                "cc_addrs", "subject", "text", "visible_text", "html", "message_id",
                "thread_rung", "defects", "sent_at", "created_at"),
    "event": ("id", "ticket_id", "at", "actor", "action", "old", "new"),
    "participant": ("id", "ticket_id", "email", "name"),
    "spool": ("id", "received_at", "source", "mailbox", "dedupe_key", "mail_from", "rcpt_to",
              "queue_hint", "raw", "size", "state", "attempts", "claimed_until", "claimed_by",
              "reason", "outcome", "ticket_id", "message_id", "subject", "processed_at"),
}


def seed(url: str, spool_url: str, n: int, seed_value: int = 1) -> float:
    stores = open_stores(url, spool_url, create=True)
    stores.close()
    rng = random.Random(seed_value)
    t0 = time.perf_counter()
    writer = SqliteWriter(url, spool_url) if url.startswith("sqlite") else PgWriter(url)
    try:
        for first in range(1, n + 1, CHUNK):
            last = min(n, first + CHUNK - 1)
            writer.write(rows_for(first, last, n, rng))
            print(f"\r{last:,} / {n:,} tickets", end="", flush=True)
        writer.finish()
    finally:
        writer.close()
    took = time.perf_counter() - t0
    print(f"\nseeded {n:,} tickets and {3 * n:,} messages in {took:.0f} s")
    return took


class SqliteWriter:
    def __init__(self, url: str, spool_url: str):
        self.tickets = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        self.spool = sqlite3.connect(spool_url[len("sqlite:///"):], isolation_level=None)
        for con in (self.tickets, self.spool):
            con.execute("PRAGMA synchronous = OFF")

    def write(self, rows: dict[str, list[tuple]]) -> None:
        for con, tables in ((self.tickets, ("ticket", "message", "event", "participant")),
                            (self.spool, ("spool",))):
            con.execute("BEGIN")
            for table in tables:
                cols = COLUMNS[table]
                con.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES '
                                f'({", ".join("?" * len(cols))})', rows[table])
            con.execute("COMMIT")

    def finish(self) -> None:
        self.tickets.execute(LOAD_SQL)
        for con in (self.tickets, self.spool):
            con.execute("PRAGMA synchronous = FULL")
            con.execute("ANALYZE")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.tickets.close()
        self.spool.close()


class PgWriter:
    def __init__(self, url: str):
        import psycopg2

        self.con = psycopg2.connect(url)

    def write(self, rows: dict[str, list[tuple]]) -> None:
        cur = self.con.cursor()
        for table, cols in COLUMNS.items():
            buf = io.StringIO()
            out = csv.writer(buf)
            for r in rows[table]:
                out.writerow(["\\N" if v is None else v for v in r])
            buf.seek(0)
            cur.copy_expert(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN WITH (FORMAT csv, '
                            "NULL '\\N')", buf)
        self.con.commit()

    def finish(self) -> None:
        cur = self.con.cursor()
        for table in COLUMNS:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT MAX(id) FROM "{table}"))')
        cur.execute(LOAD_SQL)
        self.con.commit()
        self.con.autocommit = True
        self.con.cursor().execute("ANALYZE")

    def close(self) -> None:
        self.con.close()


LOAD_SQL = ("INSERT INTO staffload (email, open_count) SELECT assignee, COUNT(*) FROM ticket "
            "WHERE assignee IS NOT NULL AND status IN ('new', 'open', 'pending') "
            "GROUP BY assignee")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__.split("\n")[0])
    ap.add_argument("url", help="the ticket store: sqlite:////ABS/PATH/ticketd.db or postgresql://")
    ap.add_argument("--spool", help="the spool store (default: as ticketd derives it)")
    ap.add_argument("--tickets", type=int, default=1_000_000)
    args = ap.parse_args()
    seed(args.url, args.spool or spool_url_of(args.url), args.tickets)


def spool_url_of(url: str) -> str:
    if url.startswith("sqlite:///"):
        return url.replace(".db", "-spool.db") if url.endswith(".db") else url + "-spool"
    return url


if __name__ == "__main__":
    main()
