"""Two daemons on one PostgreSQL against one: `python -m bench.multi [--n 3000] [--rounds 3]`.

Each daemon is limited to one worker process; the same new-ticket mails go to
one daemon, then (a fresh database each time) half to each of two, from the
same 8 clients. The aggregate end-to-end rate (every mail a ticket with its
notice rows) of the two against the one shows whether anything serialises
the hosts. Everything shares this machine's cores, so what only stands in for
other hosts costs as little as it can: notices go to bench/relay.py (not
aiosmtpd), and the counts are read four times a second (a COUNT(*) of the
outbox is itself a scan). Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench import contract, corpus, results
from bench.clients import Burst
from bench.daemonproc import Daemon
from bench.scale import count, database, drop
from bench.sink import Sink
from bench.stats import machine, today


def config_for(url: str, sink_port: int) -> str:
    return contract.config(sink_port).replace(
        'database = "sqlite:///ticketd.db"', f'database = "{url}"\nworkers = 1')


def rate(hosts: int, mails, clients: int, name: str) -> float:
    url = database("postgres", Path("/tmp"), name)
    n = len(mails)
    with Sink(light=True) as sink:  # the relay: in production another host's MTA
        daemons = [Daemon(config_for(url, sink.port)) for _ in range(hosts)]
        try:
            for d in daemons:
                d.start()
            bursts = [Burst(d.port, mails[i::hosts], max(1, clients // hosts)).start()
                      for i, d in enumerate(daemons)]
            started = min(b.started for b in bursts)
            done = daemons[0].wait_for("tickets with their notices", lambda: min(
                count(url, "SELECT COUNT(*) FROM ticket"),
                count(url, "SELECT COUNT(*) FROM outbox") // 2), n, interval=0.25)
            for b in bursts:
                b.join()
        finally:
            for d in daemons:
                d.cleanup()
            drop(url)
    return n / (done - started)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.multi", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--out", type=Path, default=results.RESULTS)
    args = ap.parse_args()
    mails = corpus.new_ticket_mails(args.n)
    one, two, ratios = [], [], []
    for r in range(args.rounds):
        a = rate(1, mails, args.clients, f"multi_one_{r}")
        b = rate(2, mails, args.clients, f"multi_two_{r}")
        one.append(a)
        two.append(b)
        ratios.append(b / a)
        print(f"round {r + 1}: one daemon {a:.0f}/s, two daemons {b:.0f}/s ({b / a:.2f}x)",
              flush=True)
    med = statistics.median
    body = "\n".join([
        f"*{today()}; {machine()}; `python -m bench.multi --n {args.n} --rounds {args.rounds}`*",
        "", f"{args.n:,} new-ticket mails, PostgreSQL, each daemon with one worker process; "
        "end to end (every mail a ticket with both notice rows). Median (min–max) of "
        f"{args.rounds} rounds; the ratio is taken within each round.", "",
        "| daemons | tickets/s |", "|---|---:|",
        f"| one | {med(one):.0f} ({min(one):.0f}–{max(one):.0f}) |",
        f"| two | {med(two):.0f} ({min(two):.0f}–{max(two):.0f}) |",
        f"| two against one | {med(ratios):.2f}x ({min(ratios):.2f}–{max(ratios):.2f}) |"])
    results.write_section("Two daemons on one PostgreSQL (`python -m bench.multi`)", body,
                          args.out)


if __name__ == "__main__":
    main()
