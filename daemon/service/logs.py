"""Log set-up: plain lines for people, or one JSON object a line for log shippers.

`[daemon] log_format = "json"` turns every record into an object with `time`,
`level`, `logger`, `role`, `message` and the record's structured `fields`
(the per-mail line carries source, spool_id, ticket_id, outcome and ms), so
Loki, Elasticsearch or journald's JSON export need no regular expressions.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def __init__(self, role: str):
        super().__init__()
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(
                   timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "role": self.role or "run",
               "pid": record.process, "message": record.getMessage()}
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO", role: str = "", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(role))
    else:
        where = f" [{role}]" if role else ""
        handler.setFormatter(logging.Formatter(
            f"%(asctime)s %(levelname)s{where} %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # aiosmtpd logs every SMTP line at INFO; our own log says what matters.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # mail-parser warns about every part it does not decode itself (delivery reports,
    # calendars); ticketd decodes those parts, so the warning only adds noise.
    logging.getLogger("mailparser").setLevel(logging.ERROR)


def mail_handled(log: logging.Logger, *, source: str, spool_id: int, outcome: str,
                 ticket_id: int | None, ms: float, summary: str,
                 level: int = logging.INFO) -> None:
    """The one line per message handled: where it came from, what became of it, how long."""
    ticket = f" #{ticket_id}" if ticket_id else ""
    log.log(level, "spool #%s from %s: %s%s (%s, %.0f ms)", spool_id, source, outcome, ticket,
            summary.splitlines()[0][:300] if summary else "", ms,
            extra={"fields": {"event": "mail", "source": source, "spool_id": spool_id,
                              "ticket_id": ticket_id, "outcome": str(outcome),
                              "ms": round(ms, 1)}})
