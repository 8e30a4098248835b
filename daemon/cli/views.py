"""Rows -> the JSON shapes of DESIGN.md, and the plain tables people read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rows' types only: `tickets list` and `show` load no models
    from daemon.store.models import Outbox, Spool


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def outbox_json(o: Outbox) -> dict:
    return {
        "id": o.id, "ticket_id": o.ticket_id, "kind": o.kind, "to": list(o.to_addrs),
        "subject": o.subject, "message_id": o.message_id, "status": o.status,
        "attempts": o.attempts, "next_attempt_at": iso(o.next_attempt_at),
        "last_error": o.last_error, "created_at": iso(o.created_at), "sent_at": iso(o.sent_at),
        "acknowledged_at": iso(o.acknowledged_at),
    }


def quarantine_json(s: Spool) -> dict:
    return {"id": s.id, "received_at": iso(s.received_at), "source": s.source,
            "reason": (s.reason or "").splitlines()[0] if s.reason else "", "size": s.size,
            "acknowledged_at": iso(s.acknowledged_at)}


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain aligned text table."""
    cells = [headers] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def short(text: str | None, n: int = 50) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"
