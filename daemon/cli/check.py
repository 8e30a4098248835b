"""`ticketd check-config`: the config (already loaded and checked) and every template."""

from __future__ import annotations

import sys

from daemon.cli.main import EXIT_CONFIG
from daemon.config import Config
from daemon.notices.render import TemplateError, stray_overrides
from daemon.service.app import make_renderer
from daemon.service.preflight import folder_problems
from daemon.staff.identity import trust_warning


def run(args, path: str, config: Config) -> int:
    if config.daemon.templates:
        for warning in stray_overrides(config.resolve(config.daemon.templates)):
            print(f"ticketd: warning: {warning}", file=sys.stderr)
    try:
        make_renderer(config)
    except TemplateError as exc:
        print(f"ticketd: {path}: templates have errors:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    found = folder_problems(config)  # as the user running this: run it as the service's
    if found:
        print(f"ticketd: {path}: folders this user cannot write:", file=sys.stderr)
        for problem in found:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    warning = trust_warning(config)
    if warning:
        print(f"ticketd: {path}: warning: {warning}", file=sys.stderr)
    print(f"{path}: OK ({len(config.queues)} queues, {len(config.staff)} staff, "
          f"{len(config.rules)} rules, {len(config.imap)} IMAP mailboxes)")
    return 0
