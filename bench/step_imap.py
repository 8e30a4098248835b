"""Step 4: a Dovecot mailbox with a backlog, drained into tickets by `ticketd run`.

The tests' Dovecot (tests/imap/dovecot.py: loopback, no TLS, Maildir) holds N
mails; each round a fresh daemon with an `[[imap]]` section (the tests'
imap_section, `after = "seen"`) drains them, timed from its readiness until
every mail is spooled and until every mail is a ticket. The ceiling, in the
same round: a plain imapclient FETCH of the same mailbox in the same batches.
A fresh database each round takes the mailbox again from its first UID.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass

from bench import contract
from bench.corpus import Mail
from bench.daemonproc import BenchError, Daemon
from bench.procs import Peak, TreeSampler
from bench.sink import Sink
from bench.testkit import DOVECOT, Dovecot, imap_section

USER, PASSWORD = "support", "bench-pw"


@dataclass
class ImapRound:
    ceiling: float  # plain FETCH msg/s
    spooled: float  # IMAP -> spool msg/s
    tickets: float  # IMAP -> tickets msg/s
    rss: dict[str, Peak]


def fill(dovecot: Dovecot, mails: list[Mail]) -> None:
    """Drop the mails into the Maildir as an MDA would: faster than APPEND, same mailbox."""
    with dovecot.client(USER) as c:
        c.select_folder("INBOX")  # creates the Maildir
    for m in mails:
        dovecot.deliver(USER, m.raw.replace(b"\r\n", b"\n"))
    with dovecot.client(USER) as c:
        if c.select_folder("INBOX")[b"EXISTS"] != len(mails):
            raise BenchError("Dovecot does not see every delivered mail")


def fetch_all(dovecot: Dovecot, batch: int) -> float:
    """The ceiling: log in, FETCH every message body in batches, keep nothing."""
    start = time.perf_counter()
    with dovecot.client(USER) as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["ALL"])
        for i in range(0, len(uids), batch):
            c.fetch(uids[i:i + batch], ["BODY.PEEK[]"])
    return len(uids) / (time.perf_counter() - start)


def drain(dovecot: Dovecot, n: int, batch: int) -> ImapRound:
    with Sink(record=True) as sink:
        daemon = Daemon(lambda folder: contract.config(sink.port, extra=imap_section(
            dovecot, folder, name=USER, batch_size=batch, after="seen")),
            prefix="ticketd-bench-imap-")
        try:
            daemon.start()
            t0, spooled_at = time.perf_counter(), None

            def tickets() -> int:
                nonlocal spooled_at
                if spooled_at is None and contract.spooled(daemon.folder) >= n:
                    spooled_at = time.perf_counter()
                return contract.processed(daemon.folder)[0]

            with TreeSampler(daemon.pid) as rss:
                done = daemon.wait_for("IMAP mail drained into tickets", tickets, n)
        finally:
            daemon.cleanup()
    return ImapRound(0.0, n / ((spooled_at or done) - t0), n / (done - t0), rss.peaks)


def run(mails: list[Mail], rounds: int, batch: int = 200) -> tuple[list[ImapRound], str]:
    """Rounds of (ceiling, daemon) on one mailbox; also Dovecot's version."""
    if not DOVECOT:
        raise BenchError("Dovecot is not installed (apt-get install dovecot-imapd)")
    version = subprocess.run([DOVECOT, "--version"], capture_output=True,
                             text=True).stdout.strip()
    dovecot = Dovecot()
    dovecot.add_user(USER, PASSWORD)
    dovecot.start()
    try:
        fill(dovecot, mails)
        out = []
        for _ in range(rounds):
            top = fetch_all(dovecot, batch)
            r = drain(dovecot, len(mails), batch)
            r.ceiling = top
            out.append(r)
        return out, version
    finally:
        dovecot.cleanup()
