"""`ticketd report`: opened, resolved and open tickets, response times, SLA, staff.

    ticketd report [--since T] [--until T] [--queue Q] [--format text|json|csv|html]
                   [--output FILE]

T is a date (2026-03-01, a day of the [calendar] time zone), a time with a
zone (2026-03-01T09:00+01:00), or a span back from now (30d, 12h). By default
the last 30 days up to now.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from daemon.cli.main import EXIT_CONFIG
from daemon.clock import SYSTEM_CLOCK
from daemon.config import Config
from daemon.store.db import open_stores

SPAN = re.compile(r"^(\d+)([dh])$")


class BadTime(ValueError):
    pass


def parse_time(text: str, now: datetime, zone, end: bool = False) -> datetime:
    """A span back from now, a time, or a date: its start (with `end`, the next day's, so
    `--until 2026-03-31` takes in the whole 31st)."""
    m = SPAN.match(text.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        return now - (timedelta(days=n) if unit == "d" else timedelta(hours=n))
    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text).date() + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), zone)
        found = datetime.fromisoformat(text)
    except ValueError:
        raise BadTime(f"{text!r} is not a date, a time or a span such as 30d") from None
    return found if found.tzinfo else found.replace(tzinfo=zone)


def run(args, path: str, config: Config) -> int:
    from daemon.reports import formats
    from daemon.reports.figures import Window, gather

    zone = ZoneInfo(config.calendar.timezone)  # checked with the config
    now = SYSTEM_CLOCK.now()
    try:
        until = parse_time(args.until, now, zone, end=True) if args.until else now
        since = parse_time(args.since, now, zone) if args.since else until - timedelta(days=30)
    except BadTime as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if args.queue and config.queue(args.queue) is None:
        print(f"ticketd: {args.queue!r} is not a queue", file=sys.stderr)
        return EXIT_CONFIG
    groups = tuple(n for n in config.reports.group_by_fields if config.field(n))
    stores = open_stores(config.database_url, config.spool_url,
                         config.daemon.lock_timeout_seconds)
    figures = gather(stores.tickets, Window(since, until, args.queue, now, zone, groups))
    stores.close()
    if args.format == "html":
        from daemon.reports.html import as_html

        text = as_html(figures)
    else:
        text = {"text": formats.as_text, "json": formats.as_json,
                "csv": formats.as_csv}[args.format](figures)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0
