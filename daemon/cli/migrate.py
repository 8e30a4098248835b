"""`ticketd migrate [--dry-run]`: bring the stores' schema up to this ticketd's."""

from __future__ import annotations

import sys

from daemon.cli.main import EXIT_CONFIG
from daemon.config import Config
from daemon.store.migrate import migrate


def run(args, path: str, config: Config) -> int:
    try:
        lines = migrate(config.database_url, config.spool_url, dry_run=args.dry_run)
    except RuntimeError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    prefix = "would run: " if args.dry_run and len(lines) and "->" in lines[0] else ""
    for line in lines:
        print(prefix + line)
    return 0
