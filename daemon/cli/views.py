"""Rows -> the JSON shapes of DESIGN.md, and the plain tables people read."""

from __future__ import annotations

from datetime import datetime

from daemon.store import fields as field_rows
from daemon.store import repository
from daemon.store.models import Outbox, SlaClock, Spool, Ticket
from daemon.store.sla import dues_for


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def ticket_json(t: Ticket, fields: dict[str, str] | None = None,
                clock: SlaClock | None = None) -> dict:
    out = {
        "id": t.id, "subject": t.subject, "status": t.status, "queue": t.queue,
        "assignee": t.assignee, "requester": t.requester, "priority": t.priority,
        "tags": list(t.tags or []), "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at), "resolved_by": t.resolved_by,
        "resolved_at": iso(t.resolved_at), "follows": t.merged_from,
        "first_response_at": iso(t.first_response_at), "fields": dict(fields or {}),
    }
    if clock is not None and clock.rule:
        out["due"] = due_json(clock)
    return out


def due_json(c: SlaClock) -> dict:
    """The circulation due times (DESIGN.md: `due`), the rule, and whether the clock is
    paused (pending on the customer: the times move on when it runs again)."""
    return {"first_response": iso(c.due_first_response), "resolution": iso(c.due_resolution),
            "rule": c.rule, "paused": c.paused_since is not None}


def tickets_json(tickets: list[Ticket]) -> list[dict]:
    """A list, with each ticket's fields and due times read in two queries in all."""
    ids = [t.id for t in tickets]
    fields, clocks = field_rows.values_for(ids), dues_for(ids)
    return [ticket_json(t, fields[t.id], clocks.get(t.id)) for t in tickets]


def ticket_detail_json(t: Ticket) -> dict:
    out = ticket_json(t, field_rows.values_of(t.id), dues_for([t.id]).get(t.id))
    out["field_sources"] = field_rows.sources_of(t.id)
    out["participants"] = repository.participants_of(t.id)
    messages = repository.ticket_messages(t.id)
    atts = repository.message_attachments([m.id for m in messages])
    sent = _sent_times([m.message_id for m in messages if m.direction == "out"])
    out["messages"] = [{
        "id": m.id, "direction": m.direction, "kind": m.kind, "from": m.from_addr,
        "to": list(m.to_addrs or []), "cc": list(m.cc_addrs or []), "subject": m.subject,
        "text": m.text, "visible_text": m.visible_text or (m.text if m.direction == "out"
                                                            else ""),
        "message_id": m.message_id,
        "html": _sanitized(m.html) if m.html else "",  # raw HTML stays in the database
        "thread_rung": m.thread_rung, "defects": list(m.defects or []),
        "created_at": iso(m.created_at),
        "sent_at": iso(m.sent_at if m.direction == "in" else sent.get(m.message_id)),
        "attachments": [{"filename": a.filename, "content_type": a.content_type,
                         "size": a.size, "sha256": a.sha256, "inline": a.inline}
                        for a in atts.get(m.id, [])],
    } for m in messages]
    out["events"] = [{"at": iso(e.at), "actor": e.actor, "action": e.action, "old": e.old,
                      "new": e.new} for e in repository.ticket_events(t.id)]
    return out


def _sent_times(message_ids: list[str]) -> dict[str, datetime]:
    """When the relay (or the folder) took each of our mails; absent while not yet sent.
    (An incoming message's sent_at is its author's Date.)"""
    ids = [m for m in message_ids if m]
    if not ids:
        return {}
    q = Outbox.select(Outbox.message_id, Outbox.sent_at).where(
        Outbox.message_id.in_(ids) & Outbox.sent_at.is_null(False))
    return {o.message_id: o.sent_at for o in q}


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


def _sanitized(html: str) -> str:
    from parsers.sanitize import sanitize_html  # only a message with HTML needs it

    return sanitize_html(html)
