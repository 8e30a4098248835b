"""`ticketd outbox list | retry [ID] | drop ID | ack ID|--all`: queued, sent, failed notices.

A notice that failed for good makes `ticketd status` exit 1 until the admin
drops it (it is not sent; its ticket records that) or acknowledges it.
"""

from __future__ import annotations

import getpass
import sys

from daemon.cli import views
from daemon.cli.main import EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.notices.outbox import acknowledge, drop, retry_now
from daemon.service.app import stores_of
from daemon.store.models import Outbox


def run(args, path: str, config: Config) -> int:
    db = stores_of(config).tickets
    if args.action == "retry":
        n = retry_now(db, args.id)
        print(f"{n} mail(s) due now")
        return 0 if n or args.id is None else EXIT_NOT_FOUND
    if args.action == "drop":
        row = drop(db, args.id, f"{getpass.getuser()}@cli")
        if row is None:
            print(f"ticketd: no unsent notice #{args.id}", file=sys.stderr)
            return EXIT_NOT_FOUND
        print(f"dropped notice #{row.id} ({row.kind} to {', '.join(row.to_addrs)})")
        return 0
    if args.action == "ack":
        n = acknowledge(db, None if args.all else args.id)
        print(f"{n} failed notice(s) acknowledged")
        return 0 if n or args.all else EXIT_NOT_FOUND
    q = Outbox.select().order_by(Outbox.id)
    if args.status:
        q = q.where(Outbox.status == args.status)
    rows = list(q)
    if args.json:
        print_json([views.outbox_json(o) for o in rows])
    else:
        print(views.table([[o.id, o.ticket_id, o.status, o.attempts, ", ".join(o.to_addrs),
                            views.short(o.subject, 40)] for o in rows],
                          ["ID", "TICKET", "STATUS", "TRIES", "TO", "SUBJECT"]))
        for o in rows:  # whole, so the relay and its answer can be read
            if o.last_error:
                print(f"#{o.id} last error: {' '.join(o.last_error.split())}")
    return 0
