"""The `ticketd` command line: arguments, config, and the command's module, imported late.

Each command lives in its own module here and is imported only when run, so
`ticketd ingest` (an MTA pipe, once per mail) loads the spool store and
nothing else. Exit codes follow sysexits: 0 ok, 1 not found or a problem
found, 2 usage or invalid config, 75 temporary failure, 78 the database
schema needs `ticketd migrate`.
"""

from __future__ import annotations

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
    args = head_start = None
    if reading:  # typed often: read without argparse when the line is plain
        from daemon.cli.read_args import parse

        args = parse(list(sys.argv[1:] if argv is None else argv))
    if reading and args is None:  # on PostgreSQL the connection opens while argparse works
        from daemon.cli.ticket_reads import HeadStart

        head_start = HeadStart(config_path(given_config(argv)))
    if args is None:
        from daemon.cli.parser import build_parser, config_anywhere

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
