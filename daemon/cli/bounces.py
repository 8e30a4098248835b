"""`ticketd bounces list | clear ADDR`: addresses marked bouncing, and undoing a mark.

A mark stops automatic notices to the address; an admin who knows it works
again (or that the bounce was forged) clears it.
"""

from __future__ import annotations

import sys

from daemon.cli import views
from daemon.cli.main import EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.service.app import stores_of
from daemon.store.db import write_transaction
from daemon.store.models import BouncingAddress


def run(args, path: str, config: Config) -> int:
    stores = stores_of(config)
    if args.action == "list":
        marks = list(BouncingAddress.select().order_by(BouncingAddress.last_at.desc()))
        if args.json:
            print_json([bounce_json(b) for b in marks])
        else:
            print(views.table([[b.email, views.iso(b.first_at), views.iso(b.last_at), b.count,
                                b.status, b.ticket_id or ""] for b in marks],
                              ["ADDRESS", "FIRST", "LAST", "COUNT", "STATUS", "TICKET"]))
        return 0
    addr = args.address.strip().lower()
    with write_transaction(stores.tickets):
        gone = BouncingAddress.delete().where(BouncingAddress.email == addr).execute()
    if not gone:
        print(f"ticketd: {addr} is not marked bouncing", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(f"cleared {addr}: notices to it are sent again")
    return 0


def bounce_json(b: BouncingAddress) -> dict:
    return {"address": b.email, "first_at": views.iso(b.first_at),
            "last_at": views.iso(b.last_at), "count": b.count, "status": b.status,
            "ticket_id": b.ticket_id}
