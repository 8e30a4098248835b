"""`ticketd run` (the supervisor) and `ticketd child ROLE` (the processes it starts)."""

from __future__ import annotations

import sys

from daemon.cli.main import EXIT_CONFIG
from daemon.config import Config
from daemon.notices.render import TemplateError


def run(args, path: str, config: Config) -> int:
    if args.command == "child":
        from daemon.service.child import child_main

        return child_main(path, config, args.role, args.index)
    from daemon.service.preflight import StartupProblem
    from daemon.service.supervisor import run_daemon

    try:
        return run_daemon(path, config)
    except TemplateError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupProblem as exc:  # one line, no traceback; the code tells systemd why
        print(f"ticketd: cannot start: {exc}", file=sys.stderr)
        return exc.code
