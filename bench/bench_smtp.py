#!/usr/bin/env python3
"""SMTP new-ticket throughput of ticketd, against a do-nothing aiosmtpd in the same run.

    python bench/bench_smtp.py [--rounds 5] [--n 1000] [--clients 8] [--out bench/RESULTS.md]

Each round: (1) a no-op aiosmtpd server takes N mails from C clients (one
connection each); (2) `ticketd run` (SQLite, notices written to a folder)
takes the same N mails. Measured: accepted/s (until the last 250), processed/s
(until every spooled mail is a ticket) and notified/s (until every notice is
written out), each also as a ratio to the no-op server of the same round.
Figures are medians over rounds, with min-max.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import config_text  # noqa: E402
from corpus import new_ticket_mails  # noqa: E402
from results import write_section  # noqa: E402

NOOP = """
import asyncio, sys
from aiosmtpd.controller import Controller
class H:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_all(port: int, mails: list[tuple[str, bytes]], clients: int) -> float:
    """Seconds from the first MAIL to the last 250, C clients, one connection each."""
    chunks = [mails[i::clients] for i in range(clients)]
    barrier = threading.Barrier(clients + 1)
    errors: list[str] = []

    def worker(chunk):
        try:
            s = smtplib.SMTP("127.0.0.1", port, timeout=120)
            barrier.wait()
            for frm, raw in chunk:
                s.sendmail(frm, ["support@example.com"], raw)
            s.quit()
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[:3])
    return time.perf_counter() - t0


def noop_round(mails, clients) -> float:
    port = free_port()
    p = subprocess.Popen([sys.executable, "-c", NOOP, str(port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        p.stdout.readline()
        return len(mails) / send_all(port, mails, clients)
    finally:
        p.stdin.close()
        p.wait(30)


def ticketd_round(mails, clients) -> dict:
    with tempfile.TemporaryDirectory(prefix="ticketd-bench-") as tmp:
        folder = Path(tmp)
        # the tests' config (three staff, rules, round robin), acks unlimited
        (folder / "config.toml").write_text(config_text(directory="outbox",
                                                        ack_limit=1_000_000))
        log = folder / "daemon.log"
        with open(log, "wb") as logf:
            proc = subprocess.Popen([sys.executable, "-m", "daemon", "-c", "config.toml",
                                     "run"], cwd=folder, stdout=logf,
                                    stderr=subprocess.STDOUT,
                                    env=dict(os.environ, PYTHONUNBUFFERED="1"))
        try:
            port = wait_port(log, proc)
            t0 = time.perf_counter()
            accepted = send_all(port, mails, clients)
            processed = wait_count(folder, "SELECT count(*) FROM spool WHERE state = 'done'",
                                   len(mails)) - t0
            notified = wait_count(folder, "SELECT count(*) = 0 FROM outbox "
                                          "WHERE status = 'pending'", 1) - t0
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        n = len(mails)
        return {"accepted": n / accepted, "processed": n / processed, "notified": n / notified,
                "notices": count(folder, "SELECT count(*) FROM outbox WHERE status = 'sent'")}


def wait_port(log: Path, proc) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        m = re.search(r"listening for SMTP on [\d.]+:(\d+)", log.read_text(errors="replace"))
        if m:
            return int(m.group(1))
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.05)
    raise RuntimeError("ticketd did not start")


def wait_count(folder: Path, query: str, target: int) -> float:
    con = sqlite3.connect(f"file:{folder / 'ticketd.db'}?mode=ro", uri=True, timeout=30)
    try:
        while True:
            (n,) = con.execute(query).fetchone()
            if n >= target:
                return time.perf_counter()
            time.sleep(0.02)
    finally:
        con.close()


def count(folder: Path, query: str) -> int:
    con = sqlite3.connect(f"file:{folder / 'ticketd.db'}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(query).fetchone()[0]
    finally:
        con.close()


def med(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def ratio(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "RESULTS.md"))
    args = ap.parse_args()
    mails = new_ticket_mails(args.n)
    rows: dict[str, list[float]] = {k: [] for k in (
        "noop", "accepted", "processed", "notified", "r_acc", "r_proc", "r_notif")}
    for r in range(args.rounds):
        noop = noop_round(mails, args.clients)
        t = ticketd_round(mails, args.clients)
        for key, value in (("noop", noop), ("accepted", t["accepted"]),
                           ("processed", t["processed"]), ("notified", t["notified"]),
                           ("r_acc", t["accepted"] / noop), ("r_proc", t["processed"] / noop),
                           ("r_notif", t["notified"] / noop)):
            rows[key].append(value)
        print(f"round {r + 1}: noop {noop:,.0f}/s, ticketd accepted {t['accepted']:,.0f}/s, "
              f"processed {t['processed']:,.0f}/s, notified {t['notified']:,.0f}/s "
              f"({t['notices']} notices)", flush=True)
    write_results(Path(args.out), args, rows)


def write_results(out: Path, args, rows) -> None:
    import platform

    body = f"""{args.n} new-ticket mails (~2.8 KB: Received chain, DKIM-like header, 2 KB
body, distinct senders) from {args.clients} smtplib clients, one connection each;
ticketd on SQLite (WAL, synchronous=FULL) with the tests' config (`tests/conftest.py`:
three staff, three queues, five rules), two notices per ticket (ack and staff notice)
written to a folder.
Medians of {args.rounds} rounds (min–max); each ratio is taken within its round against
a do-nothing aiosmtpd server, then medianed. Machine: {os.cpu_count()} cores, Python
{platform.python_version()}.

| measurement | msg/s | ratio to no-op aiosmtpd |
|---|---:|---:|
| no-op aiosmtpd, accepted | {med(rows['noop'])} | 1 |
| ticketd accepted (last 250 received) | {med(rows['accepted'])} | {ratio(rows['r_acc'])} |
| ticketd processed (every mail a ticket) | {med(rows['processed'])} | {ratio(rows['r_proc'])} |
| ticketd notified (every notice written) | {med(rows['notified'])} | {ratio(rows['r_notif'])} |

For scale, from `shared/research/perf-anchors.md` on this machine kind:
Roundup's mail gateway makes 8.6 new issues/s (mailbox mode) and 4.2/s
(one process per mail); Request Tracker's rt-mailgate 6.8/s."""
    write_section("SMTP new tickets (`bench/bench_smtp.py`)", body, out)


if __name__ == "__main__":
    main()
