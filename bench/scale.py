"""A million tickets: `python -m bench.scale [--tickets 1000000] [--backend sqlite|postgres]`.

Seeds a database (bench/seed.py; the time is recorded), then, against it and
against an empty database in the same run: new-ticket mail over SMTP (8
clients) until every mail is a ticket with its notice rows, one reply per new
ticket until stored, and the CLI as an admin uses it (`tickets list --status
open --queue billing --limit 50`, `tickets show ID`: whole processes, median of
7). Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import contract, corpus, installed, results
from bench.clients import Burst
from bench.daemonproc import Daemon
from bench.seed import seed
from bench.sink import Sink
from bench.stats import machine, today

PG_URL = os.environ.get("TICKETD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def database(backend: str, folder: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / name}.db"
    import psycopg2

    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    db = f"ticketd_scale_{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{db}"')
    admin.cursor().execute(f'CREATE DATABASE "{db}"')
    admin.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + db


def drop(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg2

    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    name = url.rsplit("/", 1)[1]
    admin.cursor().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s", (name,))
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def config_for(url: str, sink_port: int) -> str:
    return contract.config(sink_port).replace('database = "sqlite:///ticketd.db"',
                                              f'database = "{url}"')


def count(url: str, sql: str) -> int:
    found = _rows(url, sql)
    return int(found[0][0] or 0) if found else 0


def rates(url: str, mails, templates, clients: int) -> dict[str, float]:
    """New tickets, then one reply each, against the database at `url`."""
    base_ticket = count(url, "SELECT COALESCE(MAX(id), 0) FROM ticket")
    base_outbox = count(url, "SELECT COALESCE(MAX(id), 0) FROM outbox")
    n = len(mails)
    with Sink() as sink:
        daemon = Daemon(config_for(url, sink.port))
        try:
            daemon.start()
            burst = Burst(daemon.port, mails, clients).start()
            done = daemon.wait_for("new tickets with their notices", lambda: min(
                count(url, f"SELECT COUNT(*) FROM ticket WHERE id > {base_ticket}"),
                count(url, f"SELECT COUNT(*) FROM outbox WHERE id > {base_outbox}") // 2), n)
            new_rate = n / (done - burst.started)
            burst.join()
            tickets = dict(_rows(url, "SELECT m.message_id, m.ticket_id FROM message m WHERE "
                                      f"m.ticket_id > {base_ticket} AND m.direction = 'in'"))
            pairs = corpus.replies(templates, mails, tickets)
            base_in = count(url, f"SELECT COUNT(*) FROM message WHERE ticket_id > {base_ticket}"
                                 " AND direction = 'in'")
            burst = Burst(daemon.port, [m for m, _ in pairs], clients).start()
            done = daemon.wait_for("replies stored", lambda: count(
                url, f"SELECT COUNT(*) FROM message WHERE ticket_id > {base_ticket} AND "
                     "direction = 'in'"), base_in + n)
            reply_rate = n / (done - burst.started)
            burst.join()
        finally:
            daemon.cleanup()
    return {"new": new_rate, "replies": reply_rate}


def _rows(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite:///"):
        return contract.query(Path(url[len("sqlite:///"):]), sql)
    import psycopg2

    con = psycopg2.connect(url)
    try:
        cur = con.cursor()
        try:
            cur.execute(sql)
        except psycopg2.errors.UndefinedTable:  # a new database: the daemon makes its tables
            return []
        return cur.fetchall()
    finally:
        con.close()


def cli_seconds(url: str, folder: Path, args: list[str], runs: int = 7) -> list[float]:
    """Whole processes of the `ticketd` a user has (bench/installed.py)."""
    config = folder / "cli.toml"
    config.write_text(config_for(url, 25))
    script = folder / "installed-venv" / "bin" / "ticketd"
    if not script.exists():
        script = installed.console_script(folder)
    out = []
    for _ in range(runs + 1):  # the first warms the page cache
        t0 = time.perf_counter()
        subprocess.run([str(script), "-c", str(config), *args], check=True,
                       capture_output=True, env=installed.env())
        out.append(time.perf_counter() - t0)
    return out[1:]


WARM = """
import contextlib, io, json, sys, time
from daemon.cli.main import main
args = sys.argv[1:]
times = []
for _ in range(8):  # the first pays for the imports
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(args)
    times.append(time.perf_counter() - t0)
print(json.dumps(times[1:]))
"""


def warm_seconds(url: str, folder: Path, args: list[str]) -> list[float]:
    """The command's own time (config, parser, queries, output) once Python and the
    modules are loaded: what a long-lived caller (a web UI, a shell with the CLI loaded)
    would see, and what is left when interpreter start-up is taken away."""
    config = folder / "cli.toml"
    config.write_text(config_for(url, 25))
    out = subprocess.run([sys.executable, "-c", WARM, "-c", str(config), *args], check=True,
                         capture_output=True, text=True, env=contract.env())
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--n", type=int, default=2_000, help="new mails per rate measurement")
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--out", type=Path, default=results.RESULTS)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ticketd-scale-"))
    mails = corpus.new_ticket_mails(args.n)
    templates = corpus.reply_templates(mails)
    empty = database(args.backend, folder, "empty")
    big = database(args.backend, folder, "big")
    seconds = seed(big, big.replace(".db", "-spool.db") if args.backend == "sqlite" else big,
                   args.tickets)
    listing = cli_seconds(big, folder, ["tickets", "list", "--status", "open", "--queue",
                                         "billing", "--limit", "50"])
    show = cli_seconds(big, folder, ["tickets", "show", str(args.tickets // 2)])
    baseline = cli_seconds(big, folder, ["--help"])
    warm = {"list": warm_seconds(big, folder, ["tickets", "list", "--status", "open", "--queue",
                                               "billing", "--limit", "50"]),
            "show": warm_seconds(big, folder, ["tickets", "show", str(args.tickets // 2)])}
    at_empty = rates(empty, mails, templates, args.clients)
    at_big = rates(big, mails, templates, args.clients)
    write(args, seconds, listing, show, baseline, warm, at_empty, at_big)
    for url in (empty, big):
        drop(url)


def med(values) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms ({min(values) * 1000:.0f}–" \
           f"{max(values) * 1000:.0f})"


def write(args, seconds, listing, show, baseline, warm, at_empty, at_big) -> None:
    n = f"{args.tickets:,}"
    command = (f"python -m bench.scale --tickets {args.tickets} --backend {args.backend} "
               f"--n {args.n}")
    row = "| {} | {:.0f} | {:.0f} | {:.2f} |".format
    body = "\n".join([
        f"*{today()}; {machine()}; `{command}`*", "",
        f"Seeded {n} tickets with {3 * args.tickets:,} messages ({args.backend}): "
        f"{seconds:.0f} s.", "",
        f"| measurement | empty database | {n} tickets | ratio |", "|---|---:|---:|---:|",
        row("new tickets over SMTP, with both notice rows (msg/s)", at_empty["new"],
            at_big["new"], at_big["new"] / at_empty["new"]),
        row("replies stored on their tickets (msg/s)", at_empty["replies"],
            at_big["replies"], at_big["replies"] / at_empty["replies"]), "",
        f"Whole `ticketd` processes at {n} tickets (the console script of a venv with this "
        "checkout installed, as the README installs it), median (min–max) of 7:",
        f"`tickets list --status open --queue billing --limit 50` {med(listing)};",
        f"`tickets show ID` {med(show)}; for scale, `ticketd --help` {med(baseline)}.",
        "The same commands' own time, in a process that has loaded Python and ticketd's "
        f"modules once (median of 7): `tickets list` {med(warm['list'])}, `tickets show` "
        f"{med(warm['show'])}."])
    results.write_section(f"A million tickets, {args.backend} (`python -m bench.scale`)",
                          body, args.out)


if __name__ == "__main__":
    main()
