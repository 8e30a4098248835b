"""`python -m bench`: ticketd end to end, each figure against a ceiling from the same run.

    python -m bench [--quick] [--rounds 3] [--n 10000] [--only smtp,replies,...] [--out F]

Steps (`--only`, comma-separated; default all):
  smtp      new tickets over SMTP: accepted, processed and notified rates, the backlog
  replies   one reply per ticket after the new ones, and whether each threads right
  ingest    `ticketd ingest` per process, against `python -c pass`
  imap      a Dovecot backlog drained into tickets, against a plain FETCH loop
  latency   250 -> acknowledgement at the sink, at half the peak rate of `smtp`
  profile   py-spy on every daemon process during an extra SMTP round
Memory peaks per process are read during every step that runs a daemon. Results
are printed and written as one section of bench/RESULTS.md (`--out`); a rerun
of some steps replaces only their parts. Run from the repository root with
PYTHONPATH pointing at it (the daemon subprocesses import this checkout anyway).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus, report, results, step_imap, step_ingest, step_latency, step_smtp
from bench.daemonproc import BenchError
from bench.stats import machine, today

STEPS = ("smtp", "replies", "ingest", "imap", "latency", "profile")
OLD_SECTIONS = ("SMTP new tickets (`bench/bench_smtp.py`)", "IMAP backlog (`bench/bench_imap.py`)")
FULL = {"n": 10_000, "imap_n": 5_000, "ingest_runs": 30, "latency_seconds": 20.0}
QUICK = {"n": 1_000, "imap_n": 500, "ingest_runs": 10, "latency_seconds": 5.0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="trial sizes: 1,000 mails, 500 IMAP, 10 ingest runs, 5 s of latency")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of smtp/replies and imap")
    ap.add_argument("--n", type=int, help="new-ticket mails per round (10,000; quick 1,000)")
    ap.add_argument("--imap-n", type=int, help="mails in the IMAP backlog (5,000; quick 500)")
    ap.add_argument("--ingest-runs", type=int, help="ingest processes timed (30; quick 10)")
    ap.add_argument("--latency-seconds", type=float, help="paced sending (20; quick 5)")
    ap.add_argument("--profile-n", type=int, help="mails in the profiled round (n, at most 3,000)")
    ap.add_argument("--clients", type=int, default=8, help="SMTP client connections")
    ap.add_argument("--only", default=",".join(STEPS), help="comma-separated steps: "
                    + ", ".join(STEPS))
    ap.add_argument("--out", type=Path, default=results.RESULTS, help="the results file")
    args = ap.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.profile_n = args.profile_n or min(args.n, 3_000)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(STEPS)
    if unknown:
        ap.error(f"unknown steps {sorted(unknown)}; choose from {', '.join(STEPS)}")
    return args


class Run:
    """The steps, in order, sharing one corpus; each adds its Markdown part."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        command = " ".join(["python -m bench", *sys.argv[1:]])
        load = os.getloadavg()[0]  # how quiet the machine was: others' work skews figures
        self.stamp = f"{today()}; {machine()}; load {load:.1f} at start; `{command}`"
        self.parts: dict[str, str] = {}
        self.peak_rate: float | None = None
        self.peak_from = "the median of its rounds"
        size = max(args.n, args.imap_n if "imap" in args.only else 0, args.ingest_runs + 1)
        say(f"building a corpus of {size:,} mails")
        self.mails = corpus.new_ticket_mails(size)
        self.templates = (corpus.reply_templates(self.mails[:args.n])
                          if "replies" in args.only else [])

    def add(self, title: str, text: str) -> None:
        self.parts[title] = f"*{self.stamp}*\n\n{text}"
        print(f"\n### {title}\n\n{text}\n", flush=True)

    def smtp(self) -> None:
        a, rounds = self.args, []
        for i in range(a.rounds):
            r = step_smtp.one_round(self.mails[:a.n], self.templates, a.clients,
                                    replies="replies" in a.only)
            rounds.append(r)
            say(f"round {i + 1}: no-op {r.ceiling:,.0f}/s; ticketd accepted {r.accepted:,.0f}/s,"
                f" processed {r.rows:.1f}/s, notified {r.arrived:.1f}/s"
                + (f"; replies stored {r.replies.stored:.1f}/s" if r.replies else ""))
        # saturation throughput; the median, as one lucky round on a shared machine
        # would load the latency step past what the daemon sustains
        self.peak_rate = statistics.median(r.arrived for r in rounds)
        self.add(report.PARTS[0], report.smtp_part(rounds, a.n, a.clients))
        if "replies" in a.only:
            self.add(report.PARTS[1], report.replies_part(rounds))

    def ingest(self) -> None:
        self.add(report.PARTS[2], report.ingest_part(
            step_ingest.run(self.mails, self.args.ingest_runs)))

    def imap(self) -> None:
        rounds, version = step_imap.run(self.mails[:self.args.imap_n], self.args.rounds)
        self.add(report.PARTS[3], report.imap_part(rounds, self.args.imap_n, version))

    def latency(self) -> None:
        if self.peak_rate is None:
            say("no smtp step in this run: one unreported round finds the peak rate")
            n = min(self.args.n, 1_000)
            self.peak_rate = step_smtp.one_round(self.mails[:n], [], self.args.clients,
                                                 replies=False).arrived
            self.peak_from = f"one round of {n:,} mails in this run"
        lat = step_latency.run(self.mails, self.peak_rate / 2, self.args.latency_seconds,
                               self.args.clients)
        self.add(report.PARTS[4], report.latency_part(lat, self.peak_rate, self.peak_from,
                                                      self.args.latency_seconds))

    def profile(self) -> None:
        with tempfile.TemporaryDirectory(prefix="ticketd-bench-pyspy-") as tmp:
            r = step_smtp.one_round(self.mails[:self.args.profile_n], [], self.args.clients,
                                    replies=False, profile_dir=Path(tmp))
        self.add(report.PARTS[5], report.profile_part(r.profile, r))


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run, failed = Run(args), []
    for step in ("smtp", "ingest", "imap", "latency", "profile"):
        wanted = step in args.only or (step == "smtp" and "replies" in args.only)
        if not wanted:
            continue
        say(f"step {step}")
        try:
            getattr(run, step)()
        except BenchError as exc:
            failed.append(step)
            print(f"\nstep {step} FAILED: {exc}\n", file=sys.stderr, flush=True)
    if run.parts:
        results.write_parts(report.HEADING, report.INTRO, run.parts, report.PARTS, args.out)
        for old in OLD_SECTIONS:
            results.drop_section(old, args.out)
    if failed:
        print(f"failed steps: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
