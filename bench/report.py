"""The results as Markdown: one part per step, each saying when, where and how it was run.

Each part carries its own provenance line because `--only` reruns refresh
single parts of bench/RESULTS.md and keep the others.
"""

from __future__ import annotations

from bench.procs import Peak, merge
from bench.pyspy import Breakdown
from bench.stats import ratio, spread
from bench.step_imap import ImapRound
from bench.step_ingest import Ingest
from bench.step_latency import Latency
from bench.step_smtp import Round

HEADING = "ticketd end to end (`python -m bench`)"
PARTS = ["New tickets over SMTP", "Replies", "ticketd ingest (MTA pipe)", "IMAP backlog",
         "Acknowledgement latency", "Where a message's time goes"]
INTRO = """\
`python -m bench` starts `ticketd run` as a user would (a temp folder, the tests'
config from `tests/conftest.py`: three staff, three queues, five rules, INFO log,
acknowledgements unlimited), with outbound mail going to an SMTP sink in its own
process, so both notices of a new ticket (the acknowledgement and the staff notice)
are really sent. Figures are median (min–max) over rounds; every ratio is taken
within its round against a ceiling measured in the same run, then medianed. Each
part below says when, on what machine and by which command it was measured; `--only`
reruns refresh single parts."""


def table(rows: list[tuple[str, str, str]], unit: str, against: str) -> str:
    head = f"| measurement | {unit} | ratio to {against} |\n|---|---:|---:|\n"
    return head + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def smtp_part(rounds: list[Round], n: int, clients: int) -> str:
    col = {k: [getattr(r, k) for r in rounds] for k in ("ceiling", "accepted", "rows",
                                                         "arrived")}
    rel = {k: [getattr(r, k) / r.ceiling for r in rounds] for k in col}
    rows = [("no-op aiosmtpd, accepted", spread(col["ceiling"]), "1"),
            ("ticketd accepted (last 250)", spread(col["accepted"]), ratio(rel["accepted"])),
            ("ticketd processed (every mail a ticket with its 2 notice rows)",
             spread(col["rows"], 1), ratio(rel["rows"])),
            ("ticketd notified (every notice arrived at the sink)", spread(col["arrived"], 1),
             ratio(rel["arrived"]))]
    notices = "; ".join(f"{r.notices['rows']:,} rows, {r.notices['acknowledgements']:,} acks + "
                        f"{r.notices['to staff']:,} staff notices at the sink"
                        + (f" ({r.notices['sent twice']} of them a second copy)"
                           if r.notices["sent twice"] else "") for r in rounds)
    return (f"{n:,} new-ticket mails (~2.9 KB: Received chain, DKIM-like header, 2 KB body, "
            f"distinct senders) from {clients} smtplib clients on kept-alive connections, "
            f"rounds: {len(rounds)}, a fresh daemon each.\n\n"
            + table(rows, "msg/s", "no-op aiosmtpd") + "\n\n"
            + "Backlog (mails answered 250 but not yet tickets), sampled every 0.5 s:\n\n"
            + "\n".join(f"- round {i + 1}: {backlog_line(r)}" for i, r in enumerate(rounds))
            + "\n\nFor scale (shared/research/perf-anchors.md, this machine kind, another "
            "day): Roundup's mail gateway makes 8.6 new issues/s (mailbox mode), RT's "
            "rt-mailgate 6.8/s; a no-op aiosmtpd takes 2,479/s from 8 clients."
            + f"\n\nNotices per round: {notices}. The daemon's CPU (utime + "
            f"stime of all its processes, from /proc): "
            f"{spread([r.cpu_ms for r in rounds], 1)} ms per new ticket.\n\n"
            + memory_line([r.rss for r in rounds]))


def backlog_line(r: Round) -> str:
    peak_t, peak = max(r.backlog, key=lambda s: s[1])
    at_last = min(r.backlog, key=lambda s: abs(s[0] - r.last_250))[1]
    step = max(1, len(r.backlog) // 12)
    series = ", ".join(str(b) for _, b in r.backlog[::step])
    return (f"max {peak:,} at {peak_t:.1f} s; {at_last:,} at the last 250 ({r.last_250:.1f} s); "
            f"drained at {r.drained:.1f} s ({r.drained - r.last_250:.1f} s after the last "
            f"250). Every {step * 0.5:g} s: {series}")


def replies_part(rounds: list[Round]) -> str:
    reps = [r.replies for r in rounds if r.replies]
    rows = [("no-op aiosmtpd, replies accepted", spread([x.ceiling for x in reps]), "1"),
            ("ticketd replies accepted (last 250)", spread([x.accepted for x in reps]),
             ratio([x.accepted / x.ceiling for x in reps])),
            ("ticketd replies stored on their ticket", spread([x.stored for x in reps], 1),
             ratio([x.stored / x.ceiling for x in reps]))]
    threaded = ", ".join(f"{x.threaded:,}/{x.total:,}" for x in reps)
    cpu = spread([x.cpu_ms for x in reps], 1)
    return ("After the new tickets of each round, one reply per ticket in shuffled order "
            "(`Re: [Ticket #N] subject`, In-Reply-To/References to the original, a short "
            "new text and the quoted original), timed until every reply is a message of a "
            "ticket.\n\n" + table(rows, "msg/s", "no-op aiosmtpd") + "\n\n"
            f"Threading, every reply checked by its Message-ID: {threaded} on the ticket "
            f"it names. The daemon's CPU: {cpu} ms per reply (its notices included).")


def ingest_part(result: Ingest) -> str:
    rows = [("`python -c pass` (ceiling)", spread(result.python_ms, 1), "1"),
            ("`ticketd ingest < mail`", spread(result.ingest_ms, 1), ratio(result.ratios))]
    return (f"{len(result.ingest_ms)} runs, one mail on stdin each, start to exit, the "
            "daemon not running; ratio = ceiling's time / ingest's time, per pair.\n\n"
            + table(rows, "ms per process", "`python -c pass`")
            + "\n\n`ingest` only spools (one SQLite commit at synchronous=FULL) and exits; "
            "the running daemon's workers make the ticket. A new mail to a SQLite spool takes "
            "the quick path (intake/pipe_fast.py: tomllib and sqlite3, neither the config "
            "schema nor peewee); the rest of the time is Python starting. "
            "For scale (perf-anchors.md): one process per mail costs Roundup 240 ms and "
            "RT 148 ms per new ticket; `python -I -c pass` took 30 ms there.")


def imap_part(rounds: list[ImapRound], n: int, version: str) -> str:
    def rel(k):
        return [getattr(r, k) / r.ceiling for r in rounds]

    rows = [("plain imapclient FETCH of the mailbox", spread([r.ceiling for r in rounds]), "1"),
            ("ticketd IMAP -> spool", spread([r.spooled for r in rounds]), ratio(rel("spooled"))),
            ("ticketd IMAP -> tickets", spread([r.tickets for r in rounds], 1),
             ratio(rel("tickets")))]
    return (f"A Dovecot {version} mailbox on loopback (no TLS, Maildir) holding {n:,} mails, "
            f"drained by a fresh `ticketd run` per round (`[[imap]]`, `batch_size = 200`, "
            f"`after = \"seen\"`), clock from the daemon's readiness; rounds: {len(rounds)}.\n\n"
            + table(rows, "msg/s", "plain FETCH") + "\n\n"
            + memory_line([r.rss for r in rounds]))


def latency_part(lat: Latency, peak: float, peak_from: str, seconds: float) -> str:
    return (f"Open loop at {lat.rate:.1f} mails/s, half the peak end-to-end rate of the new "
            f"tickets ({peak:.1f}/s until every notice is at the sink, {peak_from}), "
            f"for {seconds:g} s: "
            f"{lat.mails} mails. From the client's 250 to the acknowledgement at the sink: "
            f"**p50 {lat.p50_ms:,.0f} ms, p99 {lat.p99_ms:,.0f} ms**, max {lat.max_ms:,.0f} ms."
            "\n\n" + memory_line([lat.rss]))


def memory_line(runs: list[dict[str, Peak]]) -> str:
    """Peak memory per role over all the daemons of a step (one dict per daemon run)."""
    merged: dict[str, Peak] = {}
    for peaks in runs:
        merge(merged, peaks)
    at_once = {role: max(len(p[role].pids) for p in runs if role in p) for role in merged}
    roles = "; ".join(f"{role} **{p.hwm_kib / 1024:.0f} MiB** ({at_once[role]} per daemon)"
                      for role, p in sorted(merged.items()))
    return ("Peak memory (VmHWM, or VmRSS if higher, of the daemon and each descendant; "
            f"/proc every 0.5 s and just before stop), largest per role over {len(runs)} "
            f"daemon run{'s' if len(runs) > 1 else ''}: {roles}.")


def profile_part(b: Breakdown, r: Round) -> str:
    total = sum(b.stages.values()) + b.idle
    rows = [f"| {stage} | {n:,} | {100 * n / total:.1f} % | {b.ms_per_message(n):.2f} |"
            for stage, n in b.stages.most_common()]
    rows.append(f"| idle (rest of one core per process) | {b.idle:,.0f} | "
                f"{100 * b.idle / total:.1f} % | {b.ms_per_message(b.idle):.2f} |")
    busy = sum(b.stages.values())
    procs = "; ".join(f"{role} (pid {pid}): {s:.0f} s, {n:,} busy samples"
                      for role, pid, s, n in b.processes)
    other = ", ".join(f"{f} {n}" for f, n in b.other_files.most_common(4)) or "none"
    return (f"py-spy ({b.rate} Hz, `--nonblocking`, running threads only) on every daemon "
            f"process during an extra round of {b.messages:,} new tickets, not counted "
            f"above (it ran at {r.accepted:,.0f} accepted/s, {r.rows:.1f} processed/s, "
            f"{r.arrived:.1f} notified/s, {r.cpu_ms:.1f} ms of CPU per ticket by /proc). "
            f"A sample goes to the first stage of "
            f"`bench/contract.py:STAGES` matching any frame of its stack.\n\n"
            "| stage | samples | % of samples | ms per message |\n|---|---:|---:|---:|\n"
            + "\n".join(rows)
            + f"\n\nBusy: {b.ms_per_message(busy):.1f} ms per message. "
            f"Processes: {procs}. Unmatched (`other`) by innermost file: {other}.")

