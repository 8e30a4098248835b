"""`ticketd import`: an archive's mail into tickets, oldest first, through the spool.

Each batch of messages (in Date order) is spooled with source `import:<name>`
and a lease held by this process, in one commit, and then processed here by
the worker's own pipeline (parse, classify, route, plan, apply): the same
dedupe and threading as live mail, and the plan of imported mail sends
nothing (worker/plan.py `imported`). Processing in this process, rather than
leaving it to a running daemon, keeps the order strict (a reply is applied
after its original, so References thread it), works whether or not the
daemon runs, and lets the progress bar and the summary count what was made.
The spool is the record of progress: a rerun skips what it already holds
(finished), and takes over what an interrupted run left unfinished.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from daemon.config import Config
from daemon.intake.archive import Archive, Entry
from daemon.states import Outcome
from daemon.store import rows, spool
from daemon.store.db import Stores
from daemon.store.spool import Envelope, Finished, owner_name
from daemon.worker.pipeline import Pipeline

log = logging.getLogger("ticketd.import")

MAILBOX = "import"  # one dedupe scope for every import, whatever the archive's file name
LOOKUP_CHUNK = 500  # Message-IDs per IN (...) query


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def advance(self, n: int, tally: Tally) -> None: ...
    def close(self) -> None: ...


@dataclass
class Tally:
    """What became of the archive's messages."""

    total: int = 0
    already: int = 0  # imported before (this archive or another), or already on a ticket
    outcomes: Counter = field(default_factory=Counter)  # Outcome -> count
    queues: Counter = field(default_factory=Counter)  # queue -> new tickets (dry run)

    def add(self, finished: Iterable[Finished]) -> None:
        self.outcomes.update(f.outcome for f in finished)

    def short(self) -> str:
        o = self.outcomes
        return (f"{o[Outcome.TICKET]} tickets, {o[Outcome.FOLLOW_UP]} follow-ups, "
                f"{self.already} skipped")


def envelope_for(archive: Archive, queue: str | None) -> Envelope:
    return Envelope(source=f"{spool.IMPORTED}{archive.name}"[:255], mailbox=MAILBOX,
                    queue_hint=queue)


def already_imported(stores: Stores, entries: list[Entry]) -> set[str]:
    """Message-IDs the spool has imported and finished, or a ticket already holds (mail the
    daemon took in live, before the archive was made): these are skipped unread."""
    ids = [e.message_id for e in entries if e.message_id]
    found: set[str] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        part = ids[start:start + LOOKUP_CHUNK]
        marks = ", ".join("?" * len(part))
        found.update(r[0] for r in rows.fetch_all(
            stores.spool, f"SELECT message_id FROM spool WHERE mailbox = ? AND state != 'new' "
                          f"AND message_id IN ({marks})", MAILBOX, *part))
        found.update(r[0] for r in rows.fetch_all(
            stores.tickets, f"SELECT message_id FROM message WHERE message_id IN ({marks})",
            *part))
    return found


def to_import(stores: Stores, entries: list[Entry]) -> tuple[list[Entry], int]:
    """(the entries still to import, oldest first; how many are skipped)."""
    done = already_imported(stores, entries)
    todo = [e for e in entries if not (e.message_id and e.message_id in done)]
    return todo, len(entries) - len(todo)


class Importer:
    def __init__(self, config: Config, stores: Stores, archive: Archive, queue: str | None,
                 progress: Progress):
        self.config, self.stores, self.archive = config, stores, archive
        self.progress = progress
        self.envelope = envelope_for(archive, queue)
        self.owner = owner_name("import")
        self.pipeline = Pipeline(config, stores, self.owner, wait_for_originals=False)
        self.batch = max(1, config.daemon.batch_size)

    def run(self) -> Tally:
        freed = spool.release_dead_claims(self.stores.spool)  # a killed import's leases
        if freed:
            log.info("%d message(s) left by an interrupted run taken over", freed)
        entries = self.archive.entries()
        todo, skipped = to_import(self.stores, entries)
        tally = Tally(total=len(entries), already=skipped)
        self.progress.start(len(entries), skipped)
        try:
            for start in range(0, len(todo), self.batch):
                chunk = todo[start:start + self.batch]
                self.import_batch(chunk, tally)
                self.progress.advance(len(chunk), tally)
        except BaseException:
            spool.release_claims(self.stores.spool, self.owner)  # Ctrl-C: a rerun goes on
            raise
        finally:
            self.progress.close()
        return tally

    def import_batch(self, chunk: list[Entry], tally: Tally) -> None:
        items = [(self.archive.raw(e), self.envelope) for e in chunk]
        stored, claimed = spool.put_leased(self.stores.spool, items, self.owner,
                                           self.config.daemon.claim_seconds)
        leased = {c.id for c in claimed}
        tally.already += sum(1 for s in stored if s.id not in leased)
        tally.add(self.pipeline.process(claimed))
