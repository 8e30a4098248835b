"""`ticketd tickets ...`: list, show, and the changes a person makes from the shell."""

from __future__ import annotations

import getpass
import sys

from daemon.cli import views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.store import repository
from daemon.store.db import open_stores, write_transaction
from daemon.store.models import Event, Ticket
from daemon.tickets.checks import ActionError, Checks

# What changes tickets (notices, timers, allocation) is imported by the commands that
# change them: `tickets list` and `show` are typed often and should answer at once.


def run(args, path: str, config: Config) -> int:
    db = open_stores(config.database_url, config.spool_url,
                     config.daemon.lock_timeout_seconds).tickets
    if args.action == "list":
        try:
            filters = field_filters(args.field, config)
            _check_list_filters(args, config)
        except ActionError as exc:
            print(f"ticketd: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        rows = pw_list(args, filters)
        limit = None if args.all else args.limit
        if limit and len(rows) > limit:
            rows = rows[:limit]
            print(f"more tickets: ticketd tickets list --before {rows[-1].id} (or --all)",
                  file=sys.stderr)
        listed = views.tickets_json(rows)
        print_json(listed) if args.json else print(_list_text(listed))
        return 0
    if args.action == "spam":
        return _mark_spam(args, config, db)
    ticket = Ticket.get_or_none(Ticket.id == args.id)
    if ticket is None:
        print(f"ticketd: no ticket #{args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if args.action == "show":
        detail = views.ticket_detail_json(ticket)
        print_json(detail) if args.json else print(_show_text(detail))
        return 0
    return _change_ticket(args, config, db, ticket)


def _mark_spam(args, config: Config, db) -> int:
    """user-pain §27c: a spambot's tickets go away in one step, and nobody is mailed."""
    from daemon.service.app import ticket_actions

    actor = args.actor or f"{getpass.getuser()}@cli"
    actions = ticket_actions(config)
    with write_transaction(db):
        tickets = list(Ticket.select().where(Ticket.requester == args.sender.lower()))
        for ticket in tickets:
            actions.tag(ticket, "spam", actor)
            actions.set_status(ticket, "closed", actor, notify=False)
    print(f"{args.sender}: {len(tickets)} ticket(s) closed as spam")
    return 0 if tickets else EXIT_NOT_FOUND


def pw_list(args, filters: list[tuple[str, str]]):
    from daemon.store.repository import list_tickets

    limit = None if args.all else args.limit
    return list_tickets(args.status, args.queue, args.assignee, limit and limit + 1,
                        args.before, filters)


def _check_list_filters(args, config: Config) -> None:
    """An unknown status or queue is a mistake, not an empty list; `--assignee bob` means
    whom `tickets assign ID bob` would."""
    actions = Checks(config)
    if args.status:
        args.status = args.status.lower()
        actions.check_status(args.status)
    if args.queue:
        actions.check_queue(args.queue)
    if args.assignee:
        args.assignee = actions.resolve_staff(args.assignee, f"{getpass.getuser()}@cli")


def field_filters(given: list[str], config: Config) -> list[tuple[str, str]]:
    """`--field NAME=VALUE` (repeatable) -> (name, canonical value), as values are stored."""
    actions = Checks(config)
    out = []
    for item in given or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise ActionError(f"--field {item!r}: write NAME=VALUE")
        out.append((name.strip().lower(), actions.check_field(name.strip(), value)))
    return out


def _list_text(listed: list[dict]) -> str:
    due = any("due" in t for t in listed)
    rows = [[t["id"], t["status"], t["queue"], t["assignee"] or "-", t["requester"],
             t["priority"]] + ([_next_due(t)] if due else []) + [views.short(t["subject"])]
            for t in listed]
    return views.table(rows, ["ID", "STATUS", "QUEUE", "ASSIGNEE", "REQUESTER", "PRIORITY"]
                       + (["DUE"] if due else []) + ["SUBJECT"])


def _next_due(t: dict) -> str:
    d = t.get("due")
    if not d:
        return "-"
    when = d["resolution"] if t["first_response_at"] else d["first_response"] or d["resolution"]
    return (when or "-")[:16].replace("T", " ") + (" (paused)" if d["paused"] else "")


def _change_ticket(args, config: Config, db, ticket: Ticket) -> int:
    """One command of the registry, read, checked and applied as a staff mail's line would
    be; says what changed (old -> new), or that nothing did."""
    from peewee import fn

    from daemon.service.app import ticket_actions
    from daemon.tickets.commands import BY_NAME, GRAMMAR, Options
    from parsers.commands import Command, parse_command

    actor = args.actor or f"{getpass.getuser()}@cli"
    actions = ticket_actions(config)
    spec = BY_NAME[args.action]
    given = [str(getattr(args, a)) for a in spec.cli]
    if spec.syntax.arity == (0, 0):  # `tickets note ID TEXT`: the text is the whole note
        command, error = Command(spec.name, tuple(given)), None
    else:
        command, error = parse_command(GRAMMAR, spec.name, " ".join(given))
    try:
        if error:
            raise ActionError(error)
        if spec.check:
            spec.check(actions, command, actor)
        last = Event.select(fn.MAX(Event.id)).scalar() or 0
        with write_transaction(db):
            ticket = repository.ticket_for_change(ticket.id)
            spec.apply(actions, ticket, command, actor, Options())
    except ActionError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    changes = list(Event.select().where((Event.ticket == ticket.id) & (Event.id > last))
                   .order_by(Event.id))
    for e in changes:
        print(f"#{ticket.id} {e.action}: {_change_text(e.old, e.new)}")
    if not changes:
        print(f"#{ticket.id}: no change")
    return 0


def _change_text(old: str | None, new: str | None) -> str:
    if old is None or new is None:
        return views.short(new if old is None else f"{old} removed", 200)
    return f"{views.short(old, 100)} -> {views.short(new, 100)}"


def _show_text(d: dict) -> str:
    head = [f"#{d['id']} {d['subject']}",
            f"status {d['status']}, queue {d['queue']}, priority {d['priority']}, "
            f"assignee {d['assignee'] or '-'}",
            f"requester {d['requester']}; participants {', '.join(d['participants']) or '-'}",
            f"tags {', '.join(d['tags']) or '-'}"]
    for name, value in d["fields"].items():
        head.append(f"field {name} = {value}  ({d['field_sources'].get(name, '')})")
    if "due" in d:
        due = d["due"]
        head.append(f"due ({due['rule']}{', paused' if due['paused'] else ''}): first "
                    f"response {due['first_response'] or '-'}, resolution "
                    f"{due['resolution'] or '-'}")
    head.append("")
    for m in d["messages"]:
        head.append(f"--- {m['created_at']} {m['direction']} {m['kind']} from {m['from']}")
        head.append(m["visible_text"].rstrip())
        for a in m["attachments"]:
            head.append(f"    [attachment] {a['filename']} ({a['content_type']}, {a['size']} B)")
    head.append("")
    head.append(views.table([[e["at"], e["actor"], e["action"], e["old"] or "", e["new"] or ""]
                             for e in d["events"]], ["AT", "ACTOR", "ACTION", "OLD", "NEW"]))
    return "\n".join(head)
