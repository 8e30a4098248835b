"""The command line's grammar, in argparse: every command's arguments and help.

Apart from main.py so that the commands read without argparse (`tickets list` and
`show`, cli/read_args.py) do not import it: ~13 ms of a ~100 ms read.
"""

from __future__ import annotations

import argparse
import os
import sys


class _Skipped:
    """A subcommand's parser not built: every call on it does nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: self


class _Only:
    """The subcommands, of which only `name` is built: `ingest` runs once per mail, and
    building every other parser (and importing what their help needs) cost it ~100 ms."""

    def __init__(self, sub, name: str):
        self.sub, self.name = sub, name

    def add_parser(self, name: str, **kwargs):
        return self.sub.add_parser(name, **kwargs) if name == self.name else _Skipped()


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size gives it: $COLUMNS, else the
    terminal's own, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's own, told the width: left to find it, it imports shutil (and bz2 and
    lzma with it) whenever an argument is added, help or not: ~5 ms of every command."""

    def __init__(self, prog: str, **kwargs):
        kwargs.setdefault("width", _columns() - 2)
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    """Subcommands' parsers are made of the same class, so all of them use _Formatter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser(only: str | None = None, reading: bool = False) -> argparse.ArgumentParser:
    """The whole command line, or with `only` a known subcommand's part of it; `reading`:
    `tickets list` or `show`, whose parser needs no table of the changes."""
    p = _Parser(prog="ticketd", description="Email-driven ticketing daemon")
    p.add_argument("-c", "--config", help="config file (default: $TICKETD_CONFIG, "
                                          "then ./config.toml)")
    sub = p.add_subparsers(dest="command", required=True)
    if only:
        sub = _Only(sub, only)
    sub.add_parser("run", help="run the daemon in the foreground")
    ch = sub.add_parser("child", help="one of `run`'s processes (started by it, not by hand)")
    ch.add_argument("role", choices=("worker", "sender", "housekeeper"))
    ch.add_argument("index", nargs="?", default="")
    ing = sub.add_parser("ingest", help="store mail from stdin or files (MTA pipe)")
    ing.add_argument("--queue", help="queue for new tickets from this mail: wins over the "
                                     "queue a recipient maps to; only a rule's set.queue "
                                     "overrides it")
    ing.add_argument("--sender", default="", help="envelope sender (MTA's $SENDER)")
    ing.add_argument("--recipient", action="append", default=[],
                     help="envelope recipient (MTA's $RECIPIENT); repeatable")
    ing.add_argument("files", nargs="*")
    sub.add_parser("check-config", help="validate the config and templates")
    mg = sub.add_parser("migrate", help="bring the database schema up to date")
    mg.add_argument("--dry-run", action="store_true", help="say what would change")
    pg = sub.add_parser("purge", help="apply [retention] now: raw mail past its days goes")
    pg.add_argument("--dry-run", action="store_true", help="say what would go")
    st = sub.add_parser("status", help="is mail flowing? exit 1 naming each problem")
    st.add_argument("--json", action="store_true")
    ex = sub.add_parser("explain", help="dry run: how would this mail be handled?")
    ex.add_argument("file")
    ex.add_argument("--recipient", action="append", default=[],
                    help="envelope recipient, as the MTA would give it; repeatable")
    ex.add_argument("--queue", help="as `ingest --queue` would give it")
    ex.add_argument("--json", action="store_true")
    im = sub.add_parser("import", help="bring an mbox or Maildir archive in as tickets, "
                                       "oldest first, sending no notices")
    im.add_argument("kind", choices=("mbox", "maildir"))
    im.add_argument("path")
    im.add_argument("--queue", help="queue for new tickets unless a rule's set.queue says "
                                    "otherwise (as ingest --queue)")
    im.add_argument("--dry-run", action="store_true",
                    help="say what would be made; store and send nothing")
    _tickets_parser(sub, reading)
    rp = sub.add_parser("report", help="opened, resolved, open; response times, SLA, staff")
    rp.add_argument("--since", help="a date, a time, or a span back from now (30d); "
                                    "default: 30 days before --until")
    rp.add_argument("--until", help="a date, a time, or a span back from now; default: now")
    rp.add_argument("--queue", help="only this queue")
    rp.add_argument("--format", choices=("text", "json", "csv", "html"), default="text")
    rp.add_argument("--output", help="write here instead of to stdout")
    o = sub.add_parser("outbox", help="the notices queued, sent and failed").add_subparsers(
        dest="action", required=True)
    ol = o.add_parser("list", help="every notice, with its whole last error")
    ol.add_argument("--status", choices=("pending", "sent", "failed"))
    ol.add_argument("--json", action="store_true")
    orr = o.add_parser("retry", help="send a failed or waiting notice now (all without ID)")
    orr.add_argument("id", type=int, nargs="?")
    o.add_parser("drop", help="do not send this notice (failed or waiting)").add_argument(
        "id", type=int)
    _ack_parser(o, "failed notices")
    q = sub.add_parser("quarantine", help="mail that could not be processed, kept").\
        add_subparsers(dest="action", required=True)
    ql = q.add_parser("list", help="the quarantined mail and why")
    ql.add_argument("--json", action="store_true")
    for name, what in (("show", "one quarantined mail and why it was kept"),
                       ("retry", "process it again (after a fix)"),
                       ("drop", "delete it for good")):
        q.add_parser(name, help=what).add_argument("id", type=int)
    _ack_parser(q, "quarantined mail")
    _mail_parser(sub)
    b = sub.add_parser("bounces", help="addresses marked bouncing (no automatic notices)"
                       ).add_subparsers(dest="action", required=True)
    b.add_parser("list", help="every marked address").add_argument("--json",
                                                                    action="store_true")
    b.add_parser("clear", help="undo a mark: notices are sent to ADDR again").add_argument(
        "address")
    return p


def _ack_parser(sub, what: str) -> None:
    ack = sub.add_parser("ack", help=f"{what} seen: `ticketd status` stops naming it")
    which = ack.add_mutually_exclusive_group(required=True)
    which.add_argument("id", type=int, nargs="?")
    which.add_argument("--all", action="store_true")


def _mail_parser(sub) -> None:
    m = sub.add_parser("mail", help="the mail log: every accepted mail and what became of it"
                       ).add_subparsers(dest="action", required=True)
    if isinstance(m, _Skipped):
        return
    from daemon.states import Outcome

    ml = m.add_parser("list", help="accepted mail, newest first: source, sender, outcome, "
                                   "ticket")
    ml.add_argument("--since", help="a date, a time, or a span back from now (2h, 7d)")
    ml.add_argument("--outcome", choices=[o.value for o in Outcome])
    ml.add_argument("--from", dest="sender", help="envelope or header sender (an address, "
                                                  "or @domain)")
    ml.add_argument("--limit", type=int, default=100, help="newest N (default 100; 0 = all)")
    ml.add_argument("--json", action="store_true")
    ms = m.add_parser("show", help="one accepted mail: its envelope, outcome and reason")
    ms.add_argument("id", type=int)
    ms.add_argument("--raw", action="store_true", help="the bytes as received")
    ms.add_argument("--json", action="store_true")


def _tickets_parser(sub, reading: bool = False) -> None:
    t = sub.add_parser("tickets", help="list, show and change tickets").add_subparsers(
        dest="action", required=True)
    if isinstance(t, _Skipped):
        return
    tl = t.add_parser("list", help="tickets of any status, newest first")
    tl.add_argument("--status", help="only this status")
    tl.add_argument("--queue", help="only this queue")
    tl.add_argument("--assignee", help="only this staff member's: an address or a name, "
                                      "as `tickets assign` takes")
    tl.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                    help="only tickets whose form field has this value (repeatable)")
    tl.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    tl.add_argument("--before", type=int, metavar="ID", help="the next page: tickets older "
                                                           "than ID, the last one listed")
    tl.add_argument("--all", action="store_true", help="every ticket, no limit")
    tl.add_argument("--json", action="store_true")
    ts = t.add_parser("show", help="one ticket: messages, participants, history")
    ts.add_argument("id", type=int)
    ts.add_argument("--json", action="store_true")
    if reading:
        return
    from daemon.tickets.commands import SPECS  # the one table of ticket commands

    changes = []
    for spec in (s for s in SPECS if s.cli is not None):
        sp = t.add_parser(spec.name, help=spec.help)
        sp.add_argument("id", type=int)
        for i, arg in enumerate(spec.cli):
            choices = spec.syntax.choices if i == 0 and spec.syntax.choices else None
            sp.add_argument(arg, choices=choices)
        changes.append(sp)
    tsp = t.add_parser("spam", help="mark a sender as spam: close all their tickets, "
                                    "tagged spam, sending nothing")
    tsp.add_argument("sender")
    changes.append(tsp)
    for sp in changes:
        sp.add_argument("--as", dest="actor", default=None,
                        help="who is acting (default: $USER@cli)")


def config_anywhere(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`-c FILE` after the subcommand too (`ticketd run -c F`, as units and docs write it):
    every subcommand takes it, and leaves the one given before it alone when absent."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                sub.add_argument("-c", "--config", default=argparse.SUPPRESS,
                                 help="config file (as before the subcommand)")
                config_anywhere(sub)
    return parser
