"""Two daemons on one PostgreSQL against one: `python -m bench.multi [--n 3000] [--rounds 3]`.

Each daemon is limited to one worker process; the same new-ticket mails go to
one daemon, then (a fresh database each time) half to each of two, from the
same 8 clients. The aggregate end-to-end rate (every mail a ticket with its
notice rows) of the two against the one shows whether anything serialises
the hosts. Everything shares this machine's cores, so what only stands in for
other hosts costs as little as it can: notices go to bench/relay.py (not
aiosmtpd), and the counts are read four times a second (a COUNT(*) of the
outbox is itself a scan). Writes its section of bench/RESULTS.md.

On two cores one daemon already keeps ~1.5 busy, so the ratio there measures
the cores, not serialisation. `--host-cpus 0.5` runs each daemon (all its
processes) in a CPU quota of half a core, as if on a small host of its own,
the same quota for one daemon and for two; PostgreSQL, the clients and the
relay stay outside, as on other hosts in production (bench/hosts.py; root).
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path
from typing import NamedTuple

from bench import contract, corpus, results
from bench.clients import Burst
from bench.daemonproc import Daemon
from bench.hosts import Host
from bench.scale import count, database, drop
from bench.sink import Sink
from bench.stats import machine, today


def config_for(url: str, sink_port: int) -> str:
    return contract.config(sink_port).replace(
        'database = "sqlite:///ticketd.db"', f'database = "{url}"\nworkers = 1')


class Round(NamedTuple):
    rate: float  # tickets/s, all daemons together
    busy: float  # the machine's cores busy while they ran
    hosts: list[float]  # cores each daemon's quota was used (with --host-cpus)


def busy_jiffies() -> tuple[int, int]:
    """(busy, all) jiffies of every core so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def run_round(hosts: int, mails, clients: int, name: str,
              host_cpus: float | None = None) -> Round:
    url = database("postgres", Path("/tmp"), name)
    n = len(mails)
    quotas = [Host(f"ticketd-bench-host{i}", host_cpus) for i in range(hosts)] \
        if host_cpus else []
    with Sink(light=True) as sink:  # the relay: in production another host's MTA
        daemons = [Daemon(config_for(url, sink.port), host=quotas[i] if quotas else None)
                   for i in range(hosts)]
        try:
            for d in daemons:
                d.start()
            used = [q.usage() for q in quotas]
            busy0, all0 = busy_jiffies()
            bursts = [Burst(d.port, mails[i::hosts], max(1, clients // hosts)).start()
                      for i, d in enumerate(daemons)]
            started = min(b.started for b in bursts)
            done = daemons[0].wait_for("tickets with their notices", lambda: min(
                count(url, "SELECT COUNT(*) FROM ticket"),
                count(url, "SELECT COUNT(*) FROM outbox") // 2), n, interval=0.25)
            busy1, all1 = busy_jiffies()
            used = [(q.usage() - u) / (done - started) for q, u in zip(quotas, used, strict=True)]
            for b in bursts:
                b.join()
        finally:
            for d in daemons:
                d.cleanup()
            drop(url)
            for q in quotas:
                q.remove()
    cores = os.cpu_count() or 1
    return Round(n / (done - started), cores * (busy1 - busy0) / max(1, all1 - all0), used)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.multi", description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--host-cpus", type=float, default=None,
                    help="run each daemon in a CPU quota of this many cores, as on a host of "
                         "its own (root, cgroups)")
    ap.add_argument("--out", type=Path, default=results.RESULTS)
    args = ap.parse_args()
    mails = corpus.new_ticket_mails(args.n)
    one: list[Round] = []
    two: list[Round] = []
    for r in range(args.rounds):
        one.append(run_round(1, mails, args.clients, f"multi_one_{r}", args.host_cpus))
        two.append(run_round(2, mails, args.clients, f"multi_two_{r}", args.host_cpus))
        a, b = one[-1], two[-1]
        print(f"round {r + 1}: one daemon {a.rate:.0f}/s ({a.busy:.2f} cores busy), "
              f"two daemons {b.rate:.0f}/s ({b.busy:.2f} cores busy), "
              f"{b.rate / a.rate:.2f}x" + (f"; quotas used {a.hosts} / {b.hosts}"
                                           if args.host_cpus else ""), flush=True)
    write(args, one, two)


def spread(values: list[float], fmt: str = ".0f") -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"


def write(args, one: list[Round], two: list[Round]) -> None:
    ratios = [b.rate / a.rate for a, b in zip(one, two, strict=True)]
    quota = args.host_cpus
    command = f"python -m bench.multi --n {args.n} --rounds {args.rounds}" + (
        f" --host-cpus {quota:g}" if quota else "")
    where = (f"each daemon (all its processes) in a CPU quota of {quota:g} core, as on a "
             "host of its own; PostgreSQL, the clients and the relay outside the quotas"
             if quota else "everything sharing the machine's cores")
    rows = ["| daemons | tickets/s | machine cores busy |" + (" quota used per daemon |"
                                                              if quota else ""),
            "|---|---:|---:|" + ("---:|" if quota else "")]
    for label, rounds in (("one", one), ("two", two)):
        used = [u for r in rounds for u in r.hosts]
        rows.append(f"| {label} | {spread([r.rate for r in rounds])} | "
                    f"{spread([r.busy for r in rounds], '.2f')} |"
                    + (f" {spread(used, '.2f')} |" if quota else ""))
    rows.append(f"| two against one | {spread(ratios, '.2f')}x | |" + (" |" if quota else ""))
    body = "\n".join([
        f"*{today()}; {machine()}; `{command}`*", "",
        f"{args.n:,} new-ticket mails, PostgreSQL, each daemon with one worker process, "
        f"{where}; end to end (every mail a ticket with both notice rows). Median (min–max) "
        f"of {args.rounds} rounds; the ratio is taken within each round.", "", *rows])
    title = "Two daemons on one PostgreSQL (`python -m bench.multi`)"
    if quota:
        title = f"Two daemons on one PostgreSQL, each on a {quota:g}-core host " \
                "(`python -m bench.multi --host-cpus`)"
    results.write_section(title, body, args.out)


if __name__ == "__main__":
    main()
