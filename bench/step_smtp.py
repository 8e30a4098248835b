"""Steps 1 and 2: new tickets over SMTP, then one reply per ticket, against a no-op server.

One round: a do-nothing aiosmtpd takes the new mails (the ceiling); a fresh
`ticketd run` takes the same mails from the same clients, and we time the
last 250, the last ticket with its notice rows, and the last notice at the
sink; then every ticket gets a reply, timed until stored, and the no-op
server takes the same replies. The daemon's memory is sampled throughout.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from bench import contract, corpus
from bench.clients import Burst, send_all
from bench.daemonproc import BenchError, Daemon
from bench.procs import Peak, TreeSampler
from bench.pyspy import Breakdown, Profiler
from bench.sink import Sink

SAMPLE_EVERY = 0.5  # seconds between backlog samples


@dataclass
class Replies:
    accepted: float  # replies/s until the last 250
    stored: float  # replies/s until every reply is a message of its ticket
    ceiling: float  # no-op aiosmtpd, the same replies
    threaded: int  # replies found on the ticket they name
    total: int
    cpu_ms: float = 0.0  # the daemon's CPU (all its processes) per reply


@dataclass
class Round:
    ceiling: float  # no-op aiosmtpd accepted/s
    accepted: float
    rows: float  # every mail a ticket with its notice rows
    arrived: float  # every notice arrived at the sink
    last_250: float  # seconds after the first MAIL
    drained: float  # seconds after the first MAIL: every mail a ticket with its notices
    backlog: list[tuple[float, int]]  # (seconds, accepted - processed) every SAMPLE_EVERY
    rss: dict[str, Peak]
    replies: Replies | None = None
    profile: Breakdown | None = None
    notices: dict[str, int] = field(default_factory=dict)
    cpu_ms: float = 0.0  # the daemon's CPU (all its processes) per new ticket


def ceiling(mails: list[corpus.Mail], clients: int) -> float:
    with Sink() as noop:
        return send_all(noop.port, mails, clients)


def one_round(mails, templates, clients: int, replies: bool,
              profile_dir: Path | None = None) -> Round:
    """A measured round; with profile_dir, py-spy watches it (its figures are apart)."""
    top = ceiling(mails, clients)
    with Sink(record=True) as sink:
        daemon = Daemon(contract.config(sink.port))
        try:
            daemon.start()
            with TreeSampler(daemon.pid) as tree:
                spy = Profiler(daemon.pid, profile_dir) if profile_dir else nullcontext()
                with spy:
                    r = new_tickets(daemon, sink, mails, clients)
                    r.ceiling = top
                tree.sample()
                r.cpu_ms = tree.cpu_seconds() * 1000 / len(mails)
                if profile_dir:
                    r.profile = spy.breakdown(len(mails))
                if replies:
                    r.replies, sent = reply_phase(daemon, mails, templates, clients)
                    tree.sample()
                    r.replies.cpu_ms = tree.cpu_seconds() * 1000 / len(mails) - r.cpu_ms
            r.rss = tree.peaks
        finally:
            daemon.cleanup()
    if r.replies:  # with the daemon gone: its notices about the replies still go out
        r.replies.ceiling = ceiling(sent, clients)
    return r


def new_tickets(daemon: Daemon, sink: Sink, mails, clients: int) -> Round:
    n, expected = len(mails), len(mails) * contract.NOTICES_PER_NEW_TICKET
    burst = Burst(daemon.port, mails, clients).start()
    t0 = burst.started
    samples: list[tuple[float, int]] = []
    rows_at = arrived_at = None
    state, moved = None, time.monotonic()
    while rows_at is None or arrived_at is None:
        now = time.perf_counter()
        tickets, notices = contract.processed(daemon.folder)
        arrived = sink.count()
        if rows_at is None and tickets >= n and notices >= expected:
            rows_at = now
        if arrived_at is None and arrived >= expected:
            arrived_at = now
        if not samples or now - t0 - samples[-1][0] >= SAMPLE_EVERY:
            samples.append((now - t0, burst.accepted - tickets))
        if (burst.accepted, tickets, notices, arrived) != state:
            state, moved = (burst.accepted, tickets, notices, arrived), time.monotonic()
        elif time.monotonic() - moved > 60:
            raise BenchError(
                f"new tickets: no progress for 60 s: {burst.accepted}/{n} accepted, "
                f"{tickets}/{n} tickets, {notices}/{expected} notice rows, "
                f"{arrived}/{expected} notices at the sink\n{daemon.tail()}")
        if burst.errors:
            raise BenchError(f"SMTP clients failed: {burst.errors[:3]}\n{daemon.tail()}")
        daemon.check_alive("new tickets")
        time.sleep(0.05)
    seconds = burst.join()
    return Round(0.0, n / seconds, n / (rows_at - t0), n / (arrived_at - t0), seconds,
                 rows_at - t0, samples, {}, notices=count_notices(daemon, sink, mails))


def count_notices(daemon: Daemon, sink: Sink, mails) -> dict[str, int]:
    """Notice rows, and notices at the sink by kind (to the customer: the ack; or to
    staff) and how many came twice with one Message-ID (the relay's at-least-once)."""
    customers = {m.sender for m in mails}
    arrivals = sink.arrivals()
    acks = sum(1 for a in arrivals if a.rcpt in customers)
    return {"rows": contract.processed(daemon.folder)[1], "acknowledgements": acks,
            "to staff": len(arrivals) - acks,
            "sent twice": len(arrivals) - len({a.message_id for a in arrivals})}


def reply_phase(daemon: Daemon, mails, templates, clients: int
                ) -> tuple[Replies, list[corpus.Mail]]:
    ticket_of = contract.tickets_by_message_id(daemon.folder)
    missing = [m.message_id for m in mails if m.message_id not in ticket_of]
    if missing:
        raise BenchError(f"{len(missing)} new mails have no ticket, e.g. {missing[:3]}")
    pairs = corpus.replies(templates, mails, ticket_of)
    replies = [m for m, _ in pairs]
    base = contract.inbound_messages(daemon.folder)
    burst = Burst(daemon.port, replies, clients).start()
    stored_at = daemon.wait_for("replies stored on their tickets",
                                lambda: contract.inbound_messages(daemon.folder),
                                base + len(replies))
    seconds = burst.join()
    landed = contract.tickets_by_message_id(daemon.folder)
    threaded = sum(1 for m, ticket in pairs if landed.get(m.message_id) == ticket)
    return Replies(len(replies) / seconds, len(replies) / (stored_at - burst.started),
                   0.0, threaded, len(replies)), replies
