"""`ticketd explain FILE.eml`: how a mail would be handled, changing nothing.

It runs the worker's decide stage (daemon/worker/decide.py), which only reads.
"""

from __future__ import annotations

import sys

from daemon.cli.main import EXIT_NOT_FOUND, print_json
from daemon.config import Config
from daemon.service.app import stores_of
from daemon.store.spool import Envelope
from daemon.worker.decide import Decider, Unprocessable
from daemon.worker.explanation import decision_json, explain_text


def run(args, path: str, config: Config) -> int:
    try:
        raw = open(args.file, "rb").read()
    except OSError as exc:
        print(f"ticketd: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    stores_of(config)
    info = explain(config, raw, tuple(args.recipient), args.queue)
    print_json(info) if args.json else print(explain_text(info))
    return 0


def explain(config: Config, raw: bytes, rcpt_to: tuple[str, ...] = (),
            queue_hint: str | None = None) -> dict:
    """The decision as a stable JSON-able dict."""
    decider = Decider(config)
    try:
        decision = decider.decide(raw, Envelope("explain", rcpt_to=rcpt_to,
                                                queue_hint=queue_hint))
    except Unprocessable as exc:
        return {"outcome": "quarantine", "reason": str(exc)}
    return decision_json(decision, config)
