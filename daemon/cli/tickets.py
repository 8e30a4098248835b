"""`ticketd tickets ...`: list, show, and the changes a person makes from the shell."""

from __future__ import annotations

import getpass
import sys

from daemon.cli import views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.service.app import stores_of, ticket_actions
from daemon.store.db import write_transaction
from daemon.store.models import Ticket
from daemon.tickets.actions import ActionError
from daemon.tickets.commands import BY_NAME, Options
from parsers.commands import Command


def run(args, path: str, config: Config) -> int:
    db = stores_of(config).tickets
    if args.action == "list":
        rows = pw_list(args)
        limit = None if args.all else args.limit
        if limit and len(rows) > limit:
            rows = rows[:limit]
            print(f"more tickets: ticketd tickets list --before {rows[-1].id} (or --all)",
                  file=sys.stderr)
        if args.json:
            print_json([views.ticket_json(t) for t in rows])
        else:
            print(views.table([[t.id, t.status, t.queue, t.assignee or "-", t.requester,
                                t.priority, views.short(t.subject)] for t in rows],
                              ["ID", "STATUS", "QUEUE", "ASSIGNEE", "REQUESTER", "PRIORITY",
                               "SUBJECT"]))
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
    actor = args.actor or f"{getpass.getuser()}@cli"
    actions = ticket_actions(config)
    with write_transaction(db):
        tickets = list(Ticket.select().where(Ticket.requester == args.sender.lower()))
        for ticket in tickets:
            actions.tag(ticket, "spam", actor)
            actions.set_status(ticket, "closed", actor, notify=False)
    print(f"{args.sender}: {len(tickets)} ticket(s) closed as spam")
    return 0 if tickets else EXIT_NOT_FOUND


def pw_list(args):
    from daemon.store.repository import list_tickets

    limit = None if args.all else args.limit
    return list_tickets(args.status, args.queue, args.assignee, limit and limit + 1,
                        args.before)


def _change_ticket(args, config: Config, db, ticket: Ticket) -> int:
    """One command of the registry, checked and applied as a staff mail's would be."""
    actor = args.actor or f"{getpass.getuser()}@cli"
    actions = ticket_actions(config)
    spec = BY_NAME[args.action]
    command = Command(spec.name, tuple(str(getattr(args, a)) for a in spec.cli))
    try:
        if spec.check:
            spec.check(actions, command, actor)
        with write_transaction(db):
            ticket = Ticket.get_by_id(ticket.id)
            spec.apply(actions, ticket, command, actor, Options())
    except ActionError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"#{ticket.id}: {args.action} done")
    return 0


def _show_text(d: dict) -> str:
    head = [f"#{d['id']} {d['subject']}",
            f"status {d['status']}, queue {d['queue']}, priority {d['priority']}, "
            f"assignee {d['assignee'] or '-'}",
            f"requester {d['requester']}; participants {', '.join(d['participants']) or '-'}",
            f"tags {', '.join(d['tags']) or '-'}", ""]
    for m in d["messages"]:
        head.append(f"--- {m['created_at']} {m['direction']} {m['kind']} from {m['from']}")
        head.append(m["visible_text"].rstrip())
        for a in m["attachments"]:
            head.append(f"    [attachment] {a['filename']} ({a['content_type']}, {a['size']} B)")
    head.append("")
    head.append(views.table([[e["at"], e["actor"], e["action"], e["old"] or "", e["new"] or ""]
                             for e in d["events"]], ["AT", "ACTOR", "ACTION", "OLD", "NEW"]))
    return "\n".join(head)
