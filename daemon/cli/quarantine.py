"""`ticketd quarantine list | show | retry | drop | ack`: mail that could not become a ticket.

Quarantined mail makes `ticketd status` exit 1 until it is retried, dropped or
acknowledged (`ack ID` or `ack --all`: seen, kept for a retry until
[retention] quarantine_days)."""

from __future__ import annotations

import sys
import time

from daemon.cli import views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.service.app import stores_of
from daemon.states import SpoolState
from daemon.store import spool
from daemon.store.models import Spool


def run(args, path: str, config: Config) -> int:
    stores = stores_of(config)
    db = stores.spool
    if args.action == "list":
        rows = list(Spool.select().where(Spool.state == "quarantined").order_by(Spool.id))
        if args.json:
            print_json([views.quarantine_json(s) for s in rows])
        else:
            print(views.table([[s.id, views.iso(s.received_at), s.source, s.size,
                                "yes" if s.acknowledged_at else "", views.short(s.reason, 60)]
                               for s in rows],
                              ["ID", "RECEIVED", "SOURCE", "SIZE", "ACK", "REASON"]))
        return 0
    if args.action == "ack":
        n = spool.acknowledge(db, None if args.all else args.id)
        print(f"{n} quarantined mail(s) acknowledged")
        return 0 if n or args.all else EXIT_NOT_FOUND
    row = Spool.get_or_none((Spool.id == args.id) & (Spool.state == "quarantined"))
    if row is None:
        print(f"ticketd: no quarantined message #{args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.action == "show":
        print(f"# quarantined #{row.id} from {row.source}, {views.iso(row.received_at)}")
        print(f"# reason: {row.reason}")
        sys.stdout.flush()
        sys.stdout.buffer.write(bytes(row.raw))
        return 0
    if args.action == "drop":
        spool.drop(db, row.id)
        print(f"dropped #{row.id}")
        return 0
    spool.retry(db, row.id)
    item = spool.claim_one(db, spool.owner_name("cli"), row.id, config.daemon.claim_seconds)
    if item is not None:  # else a running daemon took it first: its outcome is shown
        from daemon.worker.pipeline import Pipeline

        Pipeline(config, stores, spool.owner_name("cli")).process([item])
    row = _settled(row.id, config.daemon.claim_seconds)
    reason = (row.reason or "").splitlines()
    print(f"#{row.id}: {row.state}" + (f" ({row.outcome})" if row.outcome else
                                       f" ({reason[0]})" if reason else ""))
    return 0 if row.state != SpoolState.QUARANTINED else EXIT_CONFIG


def _settled(spool_id: int, seconds: int) -> Spool:
    """The row once processed: a running daemon's worker may have taken it first, and
    its outcome is what to show (waiting at most one lease, then as it stands)."""
    deadline = time.monotonic() + seconds
    row = Spool.get_by_id(spool_id)
    while row.state == SpoolState.NEW and time.monotonic() < deadline:
        time.sleep(0.1)
        row = Spool.get_by_id(spool_id)
    return row
