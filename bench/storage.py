"""Bytes stored per new ticket with its two notices: `python -m bench.storage --old PATH`.

PATH is a checkout of the first release (`git worktree add /tmp/v1 3c1c3e9`). Each
layout runs its own `ticketd run` (its code by PYTHONPATH) on that release's shipped
config.toml, outbound to an SMTP sink; N new-ticket mails go in over SMTP, and once every
notice is at the sink the daemon stops and its SQLite files are measured: their size,
and the pages of each table and index (SQLite's dbstat). Writes its section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus, results
from bench.clients import send_all
from bench.sink import Sink
from bench.stats import machine, today

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_for(repo: Path, sink_port: int, port: int) -> str:
    """The release's own shipped config, listening on `port`, sending to the sink."""
    text = (repo / "config.toml").read_text()
    text = re.sub(r'^listen = "127\.0\.0\.1:\d+"', f'listen = "127.0.0.1:{port}"', text,
                  count=1, flags=re.M)
    text = re.sub(r'^directory = "outbox/?"', f'smtp = "127.0.0.1:{sink_port}"', text,
                  count=1, flags=re.M)
    return re.sub(r"^ack_limit_per_hour = \d+", "ack_limit_per_hour = 1000000", text,
                  count=1, flags=re.M)


def run_layout(repo: Path, n: int) -> dict:
    mails = corpus.new_ticket_mails(n)
    folder = Path(tempfile.mkdtemp(prefix="ticketd-storage-"))
    with Sink(record=True) as sink:
        port = free_port()
        (folder / "config.toml").write_text(config_for(repo, sink.port, port))
        env = dict(os.environ, PYTHONPATH=str(repo), PYTHONUNBUFFERED="1")
        log = open(folder / "daemon.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "daemon", "-c", "config.toml", "run"],
                                cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait(lambda: int(_listening(port)), 1, "the listener", proc)
            send_all(port, mails)
            wait(sink.count, 2 * n, f"{2 * n} notices at the sink", proc)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
            log.close()
    files = {p.name: p.stat().st_size for p in folder.glob("*.db*")}
    tables: dict[str, int] = {}
    for name in files:
        if name.endswith(".db"):
            with sqlite3.connect(folder / name) as c:
                c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                for table, size in c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
                    tables[f"{name}: {table}"] = size
    files = {p.name: p.stat().st_size for p in folder.glob("*.db*")}
    compact = 0  # the same rows rewritten tight: what the pages hold, less free space
    for name in files:
        if name.endswith(".db"):
            target = folder / f"{name}.vacuumed"
            with sqlite3.connect(folder / name) as c:
                c.execute("VACUUM INTO ?", (str(target),))
            compact += target.stat().st_size
    return {"files": files, "tables": tables, "n": n, "compact": compact}


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait(probe, target: int, what: str, proc: subprocess.Popen, stall: float = 60) -> None:
    """Until probe() >= target; fails when the count stops moving for `stall` s."""
    last, moved = -1, time.monotonic()
    while (value := probe()) < target:
        if proc.poll() is not None:
            raise RuntimeError(f"the daemon exited with {proc.returncode} waiting for {what}")
        if value != last:
            last, moved = value, time.monotonic()
        elif time.monotonic() - moved > stall:
            raise RuntimeError(f"{what}: stuck at {value} for {stall:.0f} s")
        time.sleep(0.1)


def kib(b: float) -> str:
    return f"{b / 1024:,.1f}"


def section(old: dict, new: dict, old_label: str, command: str) -> str:
    n = new["n"]
    out = [f"*{today()}; {machine()}; `{command}`*", "",
           f"{n:,} new-ticket mails (~2.9 KB each, the bench corpus) over SMTP, each with its "
           "two notices sent to a sink; then the daemon stopped, the WAL checkpointed, and "
           "the SQLite files measured. Both layouts ran the first release's shipped "
           "config.toml (outbound to the sink, acknowledgements unlimited).", "",
           "| layout | files | bytes per ticket | after VACUUM |", "|---|---|---:|---:|"]
    for label, r in ((old_label, old), ("this checkout", new)):
        total = sum(r["files"].values())
        names = ", ".join(f"{k} {kib(v)} KiB" for k, v in sorted(r["files"].items()) if v)
        out.append(f"| {label} | {names} | {total / n:,.0f} | {r['compact'] / n:,.0f} |")
    out += ["", "Largest tables and indexes (dbstat pages, bytes per ticket):", "",
            "| layout | table or index | bytes per ticket |", "|---|---|---:|"]
    for label, r in ((old_label, old), ("this checkout", new)):
        for name, size in sorted(r["tables"].items(), key=lambda kv: -kv[1])[:8]:
            out.append(f"| {label} | {name} | {size / n:,.0f} |")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, type=Path, help="a checkout of the first release")
    ap.add_argument("--n", type=int, default=2000, help="new-ticket mails per layout")
    ap.add_argument("--out", type=Path, default=results.RESULTS)
    args = ap.parse_args()
    old = run_layout(args.old.resolve(), args.n)
    new = run_layout(REPO, args.n)
    label = "first release (" + subprocess.run(
        ["git", "-C", str(args.old), "rev-parse", "--short", "HEAD"], capture_output=True,
        text=True).stdout.strip() + ")"
    text = section(old, new, label, "python -m bench.storage --old PATH --n "
                                    f"{args.n}")
    print(text)
    results.write_section("Bytes stored per new ticket (`python -m bench.storage`)", text,
                          args.out)


if __name__ == "__main__":
    main()
