"""What each CLI command does, once the config has loaded."""

from __future__ import annotations

import getpass
import sys

import peewee as pw

from daemon.cli import views
from daemon.cli.explain import explain, explain_text
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.intake import pipe
from daemon.notices.render import TemplateError
from daemon.service.app import build_services, make_renderer, run_daemon
from daemon.store import spool
from daemon.store.db import open_database, write_transaction
from daemon.store.models import Outbox, Spool, Ticket
from daemon.tickets.actions import ActionError


def dispatch(args, path: str, config: Config) -> int:
    if args.command == "run":
        return _run(path, config)
    if args.command == "check-config":
        return _check(path, config)
    try:
        db = open_database(config.database_url, config.daemon.lock_timeout_seconds)
    except pw.DatabaseError as exc:
        print(f"ticketd: cannot open the database: {exc}", file=sys.stderr)
        return pipe.EX_TEMPFAIL
    handler = {"ingest": _ingest, "explain": _explain, "tickets": _tickets, "status": _status,
               "outbox": _outbox, "quarantine": _quarantine}[args.command]
    return handler(args, config, db)


def _run(path: str, config: Config) -> int:
    try:
        return run_daemon(path, config)
    except TemplateError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG


def _check(path: str, config: Config) -> int:
    try:
        make_renderer(config)
    except TemplateError as exc:
        print(f"ticketd: {path}: templates have errors:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"{path}: OK ({len(config.queues)} queues, {len(config.staff)} staff, "
          f"{len(config.rules)} rules, {len(config.imap)} IMAP mailboxes)")
    return 0


def _ingest(args, config: Config, db) -> int:
    try:
        inputs = pipe.read_inputs(args.files)
    except OSError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return pipe.EX_NOINPUT
    code = pipe.spool_inputs(db, inputs, args.queue, args.sender, tuple(args.recipient))
    if code == 0:
        services = build_services(config, db)
        try:
            while services.pipeline.process_batch(config.daemon.batch_size):
                pass
        except pw.OperationalError as exc:  # stored already; the daemon will finish it
            print(f"ticketd: stored, processing deferred: {exc}", file=sys.stderr)
    return code


def _status(args, config: Config, db) -> int:
    from daemon.service.health import safe_status, status_text

    s = safe_status(config)
    print_json(s) if args.json else print(status_text(s))
    return 0 if s["healthy"] else 1


def _explain(args, config: Config, db) -> int:
    try:
        raw = open(args.file, "rb").read()
    except OSError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    services = build_services(config, db)
    info = explain(services.pipeline, raw, tuple(args.recipient))
    if args.json:
        print_json(info)
    else:
        print(explain_text(info))
    return 0


def _tickets(args, config: Config, db) -> int:
    if args.action == "list":
        rows = pw_list(args)
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
    actions = build_services(config, db).actions
    with write_transaction(db):
        tickets = list(Ticket.select().where(Ticket.requester == args.sender.lower()))
        for ticket in tickets:
            actions.tag(ticket, "spam", actor)
            actions.set_status(ticket, "closed", actor, notify=False)
    print(f"{args.sender}: {len(tickets)} ticket(s) closed as spam")
    return 0 if tickets else EXIT_NOT_FOUND


def pw_list(args):
    from daemon.store.repository import list_tickets

    return list_tickets(args.status, args.queue, args.assignee, args.limit)


def _change_ticket(args, config: Config, db, ticket: Ticket) -> int:
    actor = args.actor or f"{getpass.getuser()}@cli"
    actions = build_services(config, db).actions
    try:
        with write_transaction(db):
            ticket = Ticket.get_by_id(ticket.id)
            _CHANGES[args.action](actions, ticket, args, actor)
    except ActionError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"#{ticket.id}: {args.action} done")
    return 0


_CHANGES = {
    "assign": lambda a, t, args, actor: a.assign(t, args.staff, actor),
    "status": lambda a, t, args, actor: a.set_status(t, args.status, actor),
    "note": lambda a, t, args, actor: a.add_note(t, args.text, actor),
    "queue": lambda a, t, args, actor: a.set_queue(t, args.queue, actor),
    "priority": lambda a, t, args, actor: a.set_priority(t, args.priority, actor),
    "tag": lambda a, t, args, actor: a.tag(t, args.tag, actor),
    "untag": lambda a, t, args, actor: a.untag(t, args.tag, actor),
    "cc": lambda a, t, args, actor: a.cc(t, args.cc_action, args.email, actor),
}


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


def _outbox(args, config: Config, db) -> int:
    from daemon.notices.outbox import retry_now

    if args.action == "retry":
        n = retry_now(db, args.id)
        print(f"{n} mail(s) due now")
        return 0 if n or args.id is None else EXIT_NOT_FOUND
    q = Outbox.select().order_by(Outbox.id)
    if args.status:
        q = q.where(Outbox.status == args.status)
    rows = list(q)
    if args.json:
        print_json([views.outbox_json(o) for o in rows])
    else:
        print(views.table([[o.id, o.ticket_id, o.status, o.attempts, ", ".join(o.to_addrs),
                            views.short(o.subject, 40), views.short(o.last_error, 30)]
                           for o in rows],
                          ["ID", "TICKET", "STATUS", "TRIES", "TO", "SUBJECT", "LAST ERROR"]))
    return 0


def _quarantine(args, config: Config, db) -> int:
    if args.action == "list":
        rows = list(Spool.select().where(Spool.state == "quarantined").order_by(Spool.id))
        if args.json:
            print_json([views.quarantine_json(s) for s in rows])
        else:
            print(views.table([[s.id, views.iso(s.received_at), s.source, s.size,
                                views.short(s.reason, 60)] for s in rows],
                              ["ID", "RECEIVED", "SOURCE", "SIZE", "REASON"]))
        return 0
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
    services = build_services(config, db)
    services.pipeline.process_batch(config.daemon.batch_size)
    row = Spool.get_by_id(row.id)
    print(f"#{row.id}: {row.state}" + (f" ({row.outcome})" if row.outcome else
                                       f" ({(row.reason or '').splitlines()[0]})"))
    return 0 if row.state == "done" else EXIT_CONFIG
