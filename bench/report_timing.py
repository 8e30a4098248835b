"""`python -m bench.report_timing`: `ticketd report` on a seeded database, each format timed.

Seeds N work orders (bench/seed_reports.py, 10,000 by default) into a fresh
SQLite database, then runs `ticketd report --format F --output FILE` as a
user would (a new process each time: start-up, config, queries, rendering),
R times per format, and writes the median and the worst to bench/RESULTS.md.

    python -m bench.report_timing [--n 10000] [--runs 5] [--out bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import results
from bench.stats import machine, today

HEADING = "`ticketd report` on 10,000 tickets (`bench/report_timing.py`)"
FORMATS = ("text", "json", "csv", "html")


def seed(folder: Path, n: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "workorders"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from repair import repair_config

    from bench.seed_reports import seed_tickets
    from daemon.clock import SYSTEM_CLOCK
    from daemon.store.db import open_stores

    config = folder / "config.toml"
    config.write_text(repair_config(directory="outbox"))
    stores = open_stores(f"sqlite:///{folder / 'ticketd.db'}",
                         f"sqlite:///{folder / 'ticketd-spool.db'}", create=True)
    seed_tickets(n, SYSTEM_CLOCK.now())
    stores.close()
    return config


def time_format(config: Path, fmt: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "daemon", "-c", str(config), "report",
                        "--format", fmt, "--output", str(config.parent / f"report.{fmt}")],
                       check=True, cwd=config.parent)
        out.append(time.perf_counter() - started)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.report_timing")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=results.RESULTS)
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ticketd-bench-report-") as tmp:
        config = seed(Path(tmp), args.n)
        sizes, timings = {}, {}
        for fmt in FORMATS:
            timings[fmt] = time_format(config, fmt, args.runs)
            sizes[fmt] = (config.parent / f"report.{fmt}").stat().st_size
            print(f"{fmt}: median {statistics.median(timings[fmt]):.2f} s", flush=True)
    rows = "\n".join(f"| {fmt} | {statistics.median(t):.2f} s | {max(t):.2f} s | "
                     f"{sizes[fmt] / 1024:,.0f} KiB |" for fmt, t in timings.items())
    body = (f"*{today()}; {machine()}; load {load:.1f} at start; "
            f"`python -m bench.report_timing --n {args.n} --runs {args.runs}`*\n\n"
            f"A fresh SQLite database seeded with {args.n:,} work orders over 60 days "
            "(`bench/seed_reports.py`: fields, clocks, resolutions); each run is a new "
            "`ticketd report --format F --output FILE` process over the default window (the "
            "last 30 days), start-up included. The issue asks for under 2 s each.\n\n"
            "| format | median | worst | output |\n|---|---:|---:|---:|\n" + rows)
    results.write_section(HEADING, body, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
