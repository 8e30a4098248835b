"""`ticketd import --dry-run`: what an import would make, decided without writing anything.

Each message is decided by the worker's own stages (`ticketd explain` for a
whole archive), oldest first, against the tickets as they are plus the
tickets this import would have made by then: so a reply in the archive is
counted as a follow-up of its original, as the real import will thread it.
"""

from __future__ import annotations

import itertools

from daemon.config import Config
from daemon.intake.archive import Archive
from daemon.intake.importer import Progress, Tally, envelope_for, to_import
from daemon.states import Action, Outcome
from daemon.store.db import Stores
from daemon.store.models import utcnow
from daemon.store.repository import DbLookup
from daemon.worker.apply import outcome_of
from daemon.worker.budget import OverBudget, cpu_budget
from daemon.worker.classify import TicketView
from daemon.worker.decide import Decider, Decision, Unprocessable


class Overlay:
    """The ticket store as the classifier sees it, plus the tickets of the preview so far
    (negative ids: they do not exist)."""

    def __init__(self, base: DbLookup):
        self.base = base
        self.threads: dict[str, int] = {}  # Message-ID -> ticket id
        self.tickets: dict[int, TicketView] = {}
        self.ids = itertools.count(-1, -1)

    def ticket(self, ticket_id: int) -> TicketView | None:
        return self.tickets.get(ticket_id) or (self.base.ticket(ticket_id)
                                               if ticket_id > 0 else None)

    def ticket_by_message_ids(self, ids: tuple[str, ...]) -> tuple[int, str] | None:
        for position, mid in enumerate(ids):
            if mid in self.threads:
                return self.threads[mid], "In-Reply-To" if position == 0 else "References"
        return self.base.ticket_by_message_ids(ids)

    def we_sent(self, message_id: str) -> bool:
        return self.base.we_sent(message_id)

    def record(self, d: Decision) -> None:
        plan, mid = d.plan, d.msg.message_id
        if plan.action == Action.CREATE:
            ticket_id = next(self.ids)
            self.tickets[ticket_id] = TicketView(
                ticket_id, "new", d.requester, frozenset(a for _, a in plan.participants),
                plan.route.queue, None)
        elif plan.action == Action.APPEND:
            ticket_id = plan.ticket_id
        else:
            return
        if mid:
            self.threads[mid] = ticket_id


def preview(config: Config, stores: Stores, archive: Archive, queue: str | None,
            progress: Progress) -> Tally:
    overlay = Overlay(DbLookup())
    decider = Decider(config, overlay)
    envelope = envelope_for(archive, queue)
    entries = archive.entries()
    todo, skipped = to_import(stores, entries)
    tally = Tally(total=len(entries), already=skipped)
    progress.start(len(entries), skipped)
    seen: set[str] = set()
    try:
        for entry in todo:
            if entry.message_id in seen:  # the spool would store it once
                tally.already += 1
                progress.advance(1, tally)
                continue
            seen.add(entry.message_id or "")
            try:
                with cpu_budget(config.limits.cpu_seconds_per_mail):
                    d = decider.decide(archive.raw(entry), envelope, utcnow())
            except (Unprocessable, OverBudget):
                tally.outcomes[Outcome.QUARANTINED] += 1
            else:
                overlay.record(d)
                tally.outcomes[outcome_of(d.plan)] += 1
                if d.plan.action == Action.CREATE:
                    tally.queues[d.plan.route.queue] += 1
            progress.advance(1, tally)
    finally:
        progress.close()
    return tally
