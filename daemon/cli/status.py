"""`ticketd status`: is mail flowing? Exit 1 naming each problem, for cron or monitoring."""

from __future__ import annotations

from daemon.cli.main import print_json
from daemon.config import Config
from daemon.service.health import safe_status, status_text


def run(args, path: str, config: Config) -> int:
    s = safe_status(config)
    print_json(s) if args.json else print(status_text(s))
    return 0 if s["healthy"] else 1
