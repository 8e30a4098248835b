"""`ticketd check-config`: the config (already loaded and checked) and every template."""

from __future__ import annotations

import sys

from daemon.cli.main import EXIT_CONFIG
from daemon.config import Config
from daemon.notices.render import TemplateError, stray_overrides
from daemon.service.app import make_renderer


def run(args, path: str, config: Config) -> int:
    if config.daemon.templates:
        for warning in stray_overrides(config.resolve(config.daemon.templates)):
            print(f"ticketd: warning: {warning}", file=sys.stderr)
    try:
        make_renderer(config)
    except TemplateError as exc:
        print(f"ticketd: {path}: templates have errors:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(f"{path}: OK ({len(config.queues)} queues, {len(config.staff)} staff, "
          f"{len(config.rules)} rules, {len(config.imap)} IMAP mailboxes)")
    return 0
