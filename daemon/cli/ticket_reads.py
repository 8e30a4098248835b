"""`ticketd tickets list` and `show`, which people type often and wait for.

Their queries take ~8 ms and peewee, the models and the config schema ~200 ms to
import, so the everyday case loads none of them: it reads what it needs of
config.toml with tomllib (quick_config.py) and the tickets with sqlite3 or
psycopg2 (store/reads.py). A config or a database out of the ordinary (unreadable,
not of this schema) goes the full way instead (cli/tickets.py), whose loader and
schema check say what is wrong, and then to the same checks and views as here.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import TYPE_CHECKING

from daemon import quick_config
from daemon.cli import ticket_views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.store import reads
from daemon.store.locations import SCHEMA_VERSION
from daemon.tickets.checks import (
    ActionError,
    Checks,
    check_queue,
    check_status,
    field_value,
    staff_address,
)

if TYPE_CHECKING:
    from daemon.config import Config
    from daemon.forms.spec import FieldSpec


class Filters:
    """What `tickets list` checks its filters against: each staff member's (email, name),
    the queue names, and the form fields (name -> spec), made only when --field asks."""

    def __init__(self, staff: list[tuple[str, str]], queues: list[str], make_fields):
        self.staff, self.queues, self._make_fields = staff, queues, make_fields

    @cached_property
    def fields(self) -> dict[str, FieldSpec]:
        return self._make_fields()

    @classmethod
    def of(cls, config: Config) -> Filters:
        return cls([(s.email, s.name) for s in config.staff], [q.name for q in config.queues],
                   lambda: Checks(config).fields)

    @classmethod
    def from_toml(cls, data: dict) -> Filters | None:
        """From config.toml's tables as tomllib gives them; None when any of what is read
        is not plainly given (the full loader then says what is wrong)."""
        staff, queues = quick_config.tables(data, "staff"), quick_config.tables(data, "queues")
        fields = quick_config.tables(data, "fields")
        if staff is None or queues is None or fields is None:
            return None
        staff = [(s.get("email"), s.get("name", "")) for s in staff]
        queues = [q.get("name") for q in queues]
        fields = [(f.get("name"), f.get("type", "text"), f.get("choices", [])) for f in fields]
        if not _strings(*(v for member in staff for v in member), *queues) or not all(
                isinstance(c, list) and _strings(n, t, *c) for n, t, c in fields):
            return None
        return cls(staff, queues, lambda: _value_specs(fields))


def _strings(*values) -> bool:
    return all(isinstance(v, str) for v in values)


def _value_specs(specs: list[tuple[str, str, list[str]]]) -> dict[str, FieldSpec]:
    from daemon.forms.spec import value_spec

    return {name: value_spec(name, kind, tuple(choices)) for name, kind, choices in specs}


class HeadStart:
    """The config read, the driver imported and the connection opened before the command
    line is parsed, for the config file the command line seems to name: on PostgreSQL the
    connection (a server process starting, ~6 ms of waiting) is opened by a thread while
    argparse works. `quickly` uses it only when the parsed command line names that file."""

    def __init__(self, config_path: str):
        self.path = config_path
        self.found = quick_config.read(config_path)
        self.urls = self.found and quick_config.stores(*self.found)
        self._reader: reads.Reader | None = None
        self._thread = None
        if self.urls and reads.driver(self.urls[0]):  # imported here: it needs the GIL
            import threading

            self._thread = threading.Thread(target=self._open, daemon=True)
            self._thread.start()

    def _open(self) -> None:
        self._reader = _open(*self.urls)

    def reader(self) -> reads.Reader | None:
        if self._thread is None:
            return self.urls and _open(*self.urls)
        self._thread.join()
        return self._reader

    def abandon(self) -> None:
        """Not to be used after all: close what the thread opened."""
        if self._thread is not None:
            self._thread.join()
            if self._reader is not None:
                self._reader.close()


def quickly(args, config_path: str, head_start: HeadStart | None = None) -> int | None:
    """List or show the everyday way; None (having printed nothing) to go the full way."""
    if head_start is not None and head_start.path != config_path:
        head_start.abandon()
        head_start = None
    head_start = head_start or HeadStart(config_path)
    filters = head_start.found and Filters.from_toml(head_start.found[0])
    if not head_start.urls or not filters:
        head_start.abandon()
        return None
    reader = head_start.reader()
    if reader is None:
        return None
    try:
        return carry_out(args, filters, reader)
    finally:
        reader.close()


def _open(tickets_url: str, spool_url: str, timeout: int) -> reads.Reader | None:
    """The ticket store, when it and the spool are of this ticketd's schema; None for
    anything else (no such file, no server, another schema): the full way says what."""
    tickets = spool = None
    try:
        tickets = reads.connect(tickets_url, timeout)
        if spool_url == tickets_url:  # PostgreSQL: both stores' tables in one database
            versions = reads.schema_versions(tickets, "meta", "spool_meta")
        else:
            spool = reads.connect(spool_url, timeout)
            versions = reads.schema_versions(tickets, "meta") + reads.schema_versions(
                spool, "spool_meta")
        current = versions == (str(SCHEMA_VERSION),) * 2
    except Exception:  # whatever it is, the full way says it in its own words
        current = False
    if spool is not None:
        spool.close()
    if not current and tickets is not None:
        tickets.close()
    return tickets if current else None


def carry_out(args, filters: Filters, reader: reads.Reader) -> int:
    if args.action == "list":
        return _list(args, filters, reader)
    with reader.snapshot():
        detail = ticket_detail(reader, args.id)
    if detail is None:
        print(f"ticketd: no ticket #{args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    print_json(detail) if args.json else print(ticket_views.show_text(detail))
    return 0


def _list(args, filters: Filters, reader: reads.Reader) -> int:
    try:
        fields = field_filters(args.field, filters)
        _check_filters(args, filters)
    except ActionError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    limit = None if args.all else args.limit
    with reader.snapshot():
        rows = reads.page(reader, args.status, args.queue, args.assignee, fields, args.before,
                          limit and limit + 1)
        more = bool(limit) and len(rows) > limit
        rows = rows[:limit] if more else rows
        values = reads.field_values(reader, [t["id"] for t in rows])
    if more:
        print(f"more tickets: ticketd tickets list --before {rows[-1]['id']} (or --all)",
              file=sys.stderr)
    listed = ticket_views.list_json(rows, values)
    print_json(listed) if args.json else print(ticket_views.list_text(listed))
    return 0


def _check_filters(args, filters: Filters) -> None:
    """An unknown status or queue is a mistake, not an empty list; `--assignee bob` means
    whom `tickets assign ID bob` would."""
    if args.status:
        args.status = args.status.lower()
        check_status(args.status)
    if args.queue:
        check_queue(args.queue, filters.queues)
    if args.assignee:
        import getpass

        args.assignee = staff_address(args.assignee, f"{getpass.getuser()}@cli", filters.staff)


def field_filters(given: list[str], filters: Filters) -> list[tuple[str, str]]:
    """`--field NAME=VALUE` (repeatable) -> (name, canonical value), as values are stored."""
    out = []
    for item in given or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise ActionError(f"--field {item!r}: write NAME=VALUE")
        out.append((name.strip().lower(), field_value(name.strip(), value, filters.fields)))
    return out


def ticket_detail(reader: reads.Reader, ticket_id: int) -> dict | None:
    """`tickets show --json`: the ticket whole, or None when there is no such ticket."""
    t = reads.ticket(reader, ticket_id)
    if t is None:
        return None
    messages = reads.messages(reader, ticket_id)
    return ticket_views.detail_json(
        t, fields=reads.fields_of(reader, ticket_id),
        participants=reads.participants(reader, ticket_id), messages=messages,
        attachments=reads.attachments(reader, [m["id"] for m in messages]),
        events=reads.events(reader, ticket_id))
