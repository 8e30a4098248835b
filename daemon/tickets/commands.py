"""Every command a person can give a ticket, in one table: by mail (`#assign bob`), from
the shell (`ticketd tickets assign 42 bob`), and in the help both show.

An entry says how the command is written (the parser's grammar), what it does,
how its arguments are checked against the config (raising ActionError and
changing nothing, so all of a mail's commands are checked before the first is
applied) and how it is applied, through TicketActions, so a change made either
way leaves the same history and sends the same notices. A staff mail's commands
take effect in `order`, whatever order they were written in: a transfer first
(its strategy may pick an assignee), the status last (its notice shows the rest).
A new command is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from daemon.config import PRIORITIES, STATUSES
from parsers.commands import Command, Syntax

if TYPE_CHECKING:  # the table itself stays cheap to import: the CLI's parser reads it
    from daemon.store.models import Ticket
    from daemon.tickets.actions import TicketActions


@dataclass(frozen=True)
class Options:
    """What a command needs to know of the others given with it."""

    named: bool = False  # an #assign/#take came too: a transfer keeps its hands off
    notify_status: bool = True  # False when the staff text itself goes to the customer


Check = Callable[["TicketActions", Command, str], object]
Apply = Callable[["TicketActions", "Ticket", Command, str, Options], object]


@dataclass(frozen=True)
class Spec:
    syntax: Syntax
    help: str
    order: int | None = None  # when a mail's commands take effect; None: not a change
    check: Check | None = None
    apply: Apply | None = None
    cli: tuple[str, ...] | None = None  # `ticketd tickets NAME ID <these>`; None: mail only

    @property
    def name(self) -> str:
        return self.syntax.name


SPECS = (
    Spec(Syntax("queue", "#queue <name>", (1, 1)),
         "transfer; the new queue's strategy (round_robin, least_open) picks the assignee "
         "unless the same mail has #assign or #take; a manual queue keeps the assignee only "
         "if they are a member",
         order=0, check=lambda a, c, actor: a.check_queue(c.arg),
         apply=lambda a, t, c, actor, o: a.set_queue(t, c.arg, actor, reassign=not o.named),
         cli=("queue",)),
    Spec(Syntax("assign", "#assign <email|name|me>", (1, 8)),
         "assign; a first name or the part before @ works when it is unambiguous",
         order=1, check=lambda a, c, actor: a.resolve_staff(c.arg, actor),
         apply=lambda a, t, c, actor, o: a.assign(t, c.arg, actor), cli=("staff",)),
    Spec(Syntax("take", "#take"), "assign to yourself",
         order=1, check=lambda a, c, actor: a.resolve_staff("me", actor),
         apply=lambda a, t, c, actor, o: a.assign(t, "me", actor)),
    Spec(Syntax("priority", "#priority <priority>", (1, 1), lower=True),
         f"change the priority ({', '.join(PRIORITIES)})",
         order=2, check=lambda a, c, actor: a.check_priority(c.arg),
         apply=lambda a, t, c, actor, o: a.set_priority(t, c.arg, actor), cli=("priority",)),
    Spec(Syntax("tag", "#tag <tag>", (1, 1)), "add a tag",
         order=3, check=lambda a, c, actor: a.check_tag(c.arg),
         apply=lambda a, t, c, actor, o: a.tag(t, c.arg, actor), cli=("tag",)),
    Spec(Syntax("untag", "#untag <tag>", (1, 1)), "remove a tag",
         order=4, check=lambda a, c, actor: a.check_tag(c.arg),
         apply=lambda a, t, c, actor, o: a.untag(t, c.arg, actor), cli=("tag",)),
    Spec(Syntax("cc", "#cc add <email> or #cc drop <email>", (2, 2), choices=("add", "drop"),
                address_at=1),
         "add or remove a participant (our own and staff addresses are refused)",
         order=5, check=lambda a, c, actor: c.args[0] == "add" and a.check_participant(
             c.args[1]),
         apply=lambda a, t, c, actor, o: a.cc(t, c.args[0], c.args[1], actor),
         cli=("cc_action", "email")),
    Spec(Syntax("set", "#set <field> <value>", (2, 60)),
         "set a form field of the ticket, e.g. #set serial A-1234 (checked against the "
         "field's type); a ticket waiting for required fields opens once they are all given",
         order=5, check=lambda a, c, actor: a.check_field(c.args[0], " ".join(c.args[1:])),
         apply=lambda a, t, c, actor, o: a.set_field(t, c.args[0], " ".join(c.args[1:]),
                                                     actor),
         cli=("field", "value")),
    Spec(Syntax("status", "#status <status>", (1, 1), lower=True),
         f"change the status ({', '.join(STATUSES)}); resolved records you as resolved_by",
         order=6, check=lambda a, c, actor: a.check_status(c.arg),
         apply=lambda a, t, c, actor, o: a.set_status(t, c.arg, actor,
                                                       notify=o.notify_status),
         cli=("status",)),
    Spec(Syntax("note", "#note"),
         "an internal note: stored, sent to the assignee (or the queue), never to the "
         "customer; by mail, #note makes the whole mail the note",
         apply=lambda a, t, c, actor, o: a.add_note(t, c.arg, actor, notify=True),
         cli=("text",)),
    Spec(Syntax("fwd", "#fwd"),
         "on a new mail: you forward a customer's mail; its sender becomes the requester"),
)

BY_NAME = {s.name: s for s in SPECS}
GRAMMAR = {s.name: s.syntax for s in SPECS}


def check(actions: TicketActions, commands: tuple[Command, ...], actor: str) -> list[str]:
    """Every reason the commands cannot all be applied; empty when they can."""
    from daemon.tickets.actions import ActionError

    errors = []
    for c in commands:
        spec = BY_NAME[c.name]
        try:
            if spec.check:
                spec.check(actions, c, actor)
        except ActionError as exc:
            errors.append(f"{c}: {exc}")
    return errors


def apply_in_order(actions: TicketActions, ticket: Ticket, commands: tuple[Command, ...],
                   actor: str, notify_status: bool) -> None:
    """Apply a mail's checked commands in their order of effect."""
    options = Options(named=any(c.name in ("assign", "take") for c in commands),
                      notify_status=notify_status)
    changes = [c for c in commands if BY_NAME[c.name].order is not None]
    for c in sorted(changes, key=lambda c: BY_NAME[c.name].order):
        BY_NAME[c.name].apply(actions, ticket, c, actor, options)


def reference() -> str:
    """The commands as a Markdown table: docs/staff.md embeds it, a test keeps it current."""
    rows = ["| command | effect |", "|---|---|"]
    for s in SPECS:
        usage = s.syntax.usage.replace("|", "\\|").replace(" or ", "` / `")
        rows.append(f"| `{usage}` | {s.help} |")
    return "\n".join(rows)


if __name__ == "__main__":  # the table docs/staff.md embeds
    print(reference())
