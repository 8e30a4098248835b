"""`ticketd purge [--dry-run]`: apply [retention] now (the housekeeper does it every hour)."""

from __future__ import annotations

from daemon.config import Config
from daemon.service.app import stores_of
from daemon.store.models import utcnow
from daemon.store.retention import purge


def run(args, path: str, config: Config) -> int:
    done = purge(config.retention, stores_of(config), utcnow(), dry_run=args.dry_run)
    prefix = "would purge " if args.dry_run else "purged "
    for line in done.lines():
        print(prefix + line if done.counts else line)
    return 0
