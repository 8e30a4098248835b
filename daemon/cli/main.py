"""The `ticketd` command line: arguments, config, and the command's module, imported late.

Each command lives in its own module here and is imported only when run, so
`ticketd ingest` (an MTA pipe, once per mail) loads the spool store and
nothing else. Exit codes follow sysexits: 0 ok, 1 not found or a problem
found, 2 usage or invalid config, 75 temporary failure, 78 the database
schema needs `ticketd migrate`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys

EXIT_NOT_FOUND = 1
EXIT_CONFIG = 2
EX_TEMPFAIL = 75
EX_SCHEMA = 78

# command -> the module whose run(args, path, config) carries it out
COMMANDS = {
    "run": "daemon.cli.run", "child": "daemon.cli.run", "ingest": "daemon.cli.ingest",
    "check-config": "daemon.cli.check", "status": "daemon.cli.status",
    "explain": "daemon.cli.explain", "tickets": "daemon.cli.tickets",
    "outbox": "daemon.cli.outbox", "quarantine": "daemon.cli.quarantine",
    "migrate": "daemon.cli.migrate", "purge": "daemon.cli.purge", "report": "daemon.cli.report",
    "import": "daemon.cli.import_mail", "mail": "daemon.cli.mail",
    "bounces": "daemon.cli.bounces",
}


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


def config_path(arg: str | None) -> str:
    return arg or os.environ.get("TICKETD_CONFIG") or "config.toml"


class SafeText:
    """stdout/stderr without control characters or terminal escapes: a subject or a
    name from a mail must not move the admin's cursor or retitle their terminal. The
    binary stream (`quarantine show`, `mail show --raw`) stays untouched."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        from parsers.controls import strip_controls

        # a carriage return stays: progress bars redraw their line with it
        return self._stream.write("\r".join(strip_controls(t) for t in text.split("\r")))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def private_files() -> None:
    """The database, spool, outbox and key files are 0600/0640 whatever the umask."""
    old = os.umask(0o027)
    os.umask(old | 0o027)


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


def the_command(argv: list[str] | None) -> str | None:
    """The subcommand named on the command line, when the parser may be built for it
    alone; None for help or anything unclear (the whole parser then says what is wrong)."""
    words = _words(argv)
    return words[0] if words and words[0] in COMMANDS else None


def only_reading(argv: list[str] | None) -> bool:
    """`tickets list` or `tickets show`: typed often, they change nothing, and need
    neither the table of changes nor the config's cross-section checks; read the quick way
    (cli/ticket_reads.py), not even peewee or the config schema."""
    words = _words(argv)
    return words[:1] == ["tickets"] and words[1:2] in (["list"], ["show"])


def given_config(argv: list[str] | None) -> str | None:
    """The -c FILE the parser will most likely find, before it runs (the last given wins,
    before or after the subcommand); a guess for a head start, which the parser checks."""
    words, found = list(sys.argv[1:] if argv is None else argv), None
    for i, word in enumerate(words):
        if word in ("-c", "--config") and i + 1 < len(words):
            found = words[i + 1]
        elif word.startswith("--config="):
            found = word[len("--config="):]
        elif word.startswith("-c") and len(word) > 2 and not word.startswith("--"):
            found = word[2:]
    return found


def _words(argv: list[str] | None) -> list[str]:
    """The command line after a leading -c FILE; nothing at all when help is asked for."""
    words = list(sys.argv[1:] if argv is None else argv)
    if any(w in ("-h", "--help") for w in words):
        return []
    while words and words[0] in ("-c", "--config"):
        words = words[2:]
    if words and words[0].startswith("--config="):
        words = words[1:]
    return words


def main(argv: list[str] | None = None) -> int:
    collecting = gc.isenabled()
    # Starting makes no garbage worth collecting, yet the imports' allocations set off
    # collections that walk all they have made: ~15 ms of a `tickets show` (~110 ms).
    # The quick paths run to the end without; any other command gets it back to run.
    gc.disable()
    try:
        return _main(argv, collecting)
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str] | None, collecting: bool) -> int:
    private_files()
    if not isinstance(sys.stdout, SafeText):
        sys.stdout, sys.stderr = SafeText(sys.stdout), SafeText(sys.stderr)
    reading = only_reading(argv)
    head_start = None
    if reading:  # on PostgreSQL the connection opens while argparse works (~6 ms)
        from daemon.cli.ticket_reads import HeadStart

        head_start = HeadStart(config_path(given_config(argv)))
    args = config_anywhere(build_parser(the_command(argv), reading)).parse_args(argv)
    path = config_path(args.config)
    if args.command == "ingest":  # once per mail: the quick way when it can be taken
        from daemon.cli.ingest import quickly

        code = quickly(args, path)
        if code is not None:
            return code
    if reading:  # typed often: without peewee and the config schema, when it can be
        from daemon.cli.ticket_reads import quickly

        code = _carried_out(lambda: quickly(args, path, head_start))
        if code is not None and argv is None:  # the process itself: end it at once
            _exit_now(code)
        if code is not None:
            return code
    from daemon.config import ConfigError, load_config

    piped = args.command == "ingest"  # one process per mail: as little as it takes to spool
    try:
        config = load_config(path, semantics=not (piped or reading))
    except ConfigError as exc:
        if args.command in ("run", "child"):  # the journal: one line each, nothing else
            for problem in exc.problems:
                print(f"ticketd: cannot start: {path}: {problem}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"ticketd: {path}: the configuration has errors:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EX_TEMPFAIL if piped else EXIT_CONFIG  # the MTA keeps the mail meanwhile
    if not any(url.startswith("postgres") for url in (config.database_url, config.spool_url)):
        # peewee imports a PostgreSQL driver whenever one is installed (30 ms a process)
        sys.modules.setdefault("psycopg2", None)
    role = f"{args.role}-{args.index}".rstrip("-") if args.command == "child" else ""
    from daemon.service.logs import setup_logging

    setup_logging(config.daemon.log_level, role, config.daemon.log_format)
    command = importlib.import_module(COMMANDS[args.command])
    if collecting:
        gc.enable()
    return _carried_out(lambda: command.run(args, path, config))


def _exit_now(code: int) -> None:
    """End a quick read without the interpreter's tear-down (~14 ms of a ~110 ms command:
    a last collection, then every module's objects freed one by one). Nothing is left to
    close: the connection is closed and nothing was written but stdout and stderr."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` has gone: what it wanted it had
        pass
    sys.stderr.flush()
    os._exit(code)


def _carried_out(command) -> int | None:
    """The command's exit code, with a schema to migrate and a reader gone said as such."""
    from daemon.store import SchemaError

    try:
        return command()
    except SchemaError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EX_SCHEMA
    except BrokenPipeError:  # `ticketd tickets list | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
