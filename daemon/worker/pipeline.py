"""A worker's batch: claim spooled mail, decide each outside any lock, apply them together.

claim (spool store, a leased batch) -> decide each (parse, classify, route,
plan: no transaction, a CPU budget per mail) -> apply all in one short
transaction of the ticket store, a savepoint per mail, each recording its
spool id as applied -> finish the batch in the spool store. A crash between
the two commits is mended next time: an applied row is finished, not redone.
Outcomes map to dispositions in one place (`_dispose`).
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass

import peewee as pw

from daemon.clock import SYSTEM_CLOCK, Clock
from daemon.config import Config
from daemon.notices.notify import Notifier
from daemon.service.logs import mail_handled
from daemon.states import Outcome
from daemon.store import spool
from daemon.store.db import Stores, write_transaction
from daemon.store.models import Applied, utcnow
from daemon.store.spool import Claimed, Finished
from daemon.worker.apply import Applier, Result
from daemon.worker.budget import OverBudget, cpu_budget
from daemon.worker.decide import Decider, Decision, Unprocessable
from daemon.worker.explanation import decision_json
from parsers.dates import raw_date

log = logging.getLogger("ticketd.worker")

WAIT_FOR_ORIGINAL_SECONDS = 60  # a reply waits this long at most for the mail it answers


@dataclass
class Pending:
    item: Claimed
    decision: Decision
    started: float  # time.perf_counter() when its reading began


class Pipeline:
    def __init__(self, config: Config, stores: Stores, owner: str,
                 clock: Clock = SYSTEM_CLOCK, wait_for_originals: bool = True):
        """`wait_for_originals=False`: the caller feeds mail oldest first, a batch at a time
        (`ticketd import`), so a reply never races its original into a ticket."""
        self.config, self.stores, self.owner = config, stores, owner
        self.wait_for_originals = wait_for_originals
        self.decider = Decider(config, clock=clock)
        self.applier = Applier(config, Notifier(config, self.decider.proof.tokens), self.decider,
                               clock)

    def step(self) -> tuple[int, bool]:
        """Claim and process one batch: (mails handled, whether notices were queued)."""
        items = spool.claim(self.stores.spool, self.owner, self.config.daemon.batch_size,
                            self.config.daemon.claim_seconds)
        if not items:
            return 0, False
        finished = self.process(items)
        return len(items), any(f.outcome != Outcome.QUARANTINED for f in finished)

    def process(self, items: list[Claimed]) -> list[Finished]:
        finished = self._already_applied(items)
        done = {f.id for f in finished}
        pending, waiting = [], []
        for item in sorted((i for i in items if i.id not in done), key=written_order):
            started = time.perf_counter()
            outcome = self._decide(item, started)
            if isinstance(outcome, Finished):
                finished.append(outcome)
            elif self._waits_for_original(item, outcome):
                waiting.append(item.id)
            else:
                pending.append(Pending(item, outcome, started))
        spool.release(self.stores.spool, waiting, delay_seconds=1)
        try:
            finished += self._apply(pending)
        except pw.OperationalError:
            # the ticket store is busy or gone, not the mail's fault: give the rows back
            spool.release(self.stores.spool, [p.item.id for p in pending], delay_seconds=1)
            spool.finish(self.stores.spool, finished)
            raise
        spool.finish(self.stores.spool, finished)
        return finished

    def _already_applied(self, items: list[Claimed]) -> list[Finished]:
        """Rows whose ticket changes committed but whose spool row was not finished."""
        ids = [i.id for i in items if i.attempts > 1]
        if not ids:
            return []
        found = Applied.select().where(Applied.spool_id.in_(ids))
        out = [Finished(a.spool_id, a.outcome, a.summary, a.ticket_id) for a in found]
        for f in out:
            log.info("spool #%s was applied before a restart (%s); finished now", f.id,
                     f.outcome)
        return out

    def _decide(self, item: Claimed, started: float) -> Decision | Finished:
        if item.attempts > spool.MAX_ATTEMPTS:
            return self._quarantine(item, f"processing stopped the worker "
                                          f"{item.attempts - 1} times", started)
        try:
            with cpu_budget(self.config.limits.cpu_seconds_per_mail):
                return self.decider.decide(item.raw, item.envelope, item.received_at)
        except Unprocessable as exc:
            return self._quarantine(item, str(exc), started)
        except OverBudget:
            return self._quarantine(item, f"reading it took more than "
                                          f"{self.config.limits.cpu_seconds_per_mail} s of CPU",
                                    started)
        except MemoryError:
            return self._quarantine(item, "reading it needed more memory than "
                                          f"{self.config.limits.worker_memory_mb} MB")
        except pw.OperationalError:
            raise  # the database, not the mail
        except Exception:
            return self._quarantine(item, "unexpected error:\n" + traceback.format_exc(),
                                    started)

    def _waits_for_original(self, item: Claimed, d: Decision) -> bool:
        """A reply whose original is still in the spool (another worker has it) waits for
        it, rather than becoming a ticket of its own."""
        if not self.wait_for_originals or d.classification.kind != "new" or not d.msg.thread_ids:
            return False
        if (utcnow() - item.received_at).total_seconds() > WAIT_FOR_ORIGINAL_SECONDS:
            return False
        return spool.waiting_for(self.stores.spool, d.msg.thread_ids, besides=item.id)

    def _apply(self, pending: list[Pending]) -> list[Finished]:
        if not pending:
            return []
        out = []
        with write_transaction(self.stores.tickets):
            for p in pending:
                out.append(self._apply_one(p))
        return out

    def _apply_one(self, p: Pending) -> Finished:
        try:
            with self.stores.tickets.atomic():  # a savepoint: one bad mail spoils no other
                result = self.applier.apply(p.decision, p.item.id)
        except pw.OperationalError:
            raise
        except Exception:
            return self._quarantine(p.item, "unexpected error:\n" + traceback.format_exc(),
                                    p.started)
        return self._dispose(p, result)

    def _dispose(self, p: Pending, r: Result) -> Finished:
        ms = (time.perf_counter() - p.started) * 1000
        for note in p.decision.classification.notes:
            log.info("spool #%s: %s", p.item.id, note)
        mail_handled(log, source=p.item.envelope.source, spool_id=p.item.id, outcome=r.outcome,
                     ticket_id=r.ticket_id, ms=ms, summary=r.summary)
        return Finished(p.item.id, r.outcome, r.summary, r.ticket_id, p.decision.msg.subject,
                        decision=self._explained(p), ms=ms)

    def _explained(self, p: Pending) -> dict | None:
        """The `explain` of this mail, kept in the mail log; never a reason to fail it."""
        try:
            return decision_json(p.decision, self.config)
        except Exception as exc:
            log.warning("spool #%s: its decision could not be recorded: %s", p.item.id, exc)
            return None

    def _quarantine(self, item: Claimed, reason: str, started: float | None = None
                    ) -> Finished:
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        mail_handled(log, source=item.envelope.source, spool_id=item.id,
                     outcome=Outcome.QUARANTINED, ticket_id=None, ms=ms, summary=reason,
                     level=logging.WARNING)
        return Finished(item.id, Outcome.QUARANTINED, reason, quarantined=True,
                        ms=ms if started else None)


def written_order(item: Claimed) -> tuple:
    """A batch is processed in the order its mails were written (§29): an original
    fetched after its reply still comes first, so the reply threads to it."""
    return (raw_date(item.raw[:65536], item.received_at), item.id)
