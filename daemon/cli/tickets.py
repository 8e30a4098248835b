"""`ticketd tickets ...`: the changes a person makes from the shell; `list` and `show` when
they could not be read the quick way (ticket_reads.py)."""

from __future__ import annotations

import getpass
import sys

from daemon.cli import views
from daemon.cli.main import EXIT_CONFIG, EXIT_NOT_FOUND
from daemon.config import Config
from daemon.store import repository
from daemon.store.db import open_stores, write_transaction
from daemon.store.models import Event, Ticket
from daemon.tickets.checks import ActionError


def run(args, path: str, config: Config) -> int:
    db = open_stores(config.database_url, config.spool_url,
                     config.daemon.lock_timeout_seconds).tickets
    if args.action in ("list", "show"):  # the config or the database out of the ordinary
        from daemon.cli.ticket_reads import Filters, carry_out
        from daemon.store import reads

        return carry_out(args, Filters.of(config), reads.on(db))
    if args.action == "spam":
        return _mark_spam(args, config, db)
    ticket = Ticket.get_or_none(Ticket.id == args.id)
    if ticket is None:
        print(f"ticketd: no ticket #{args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
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
