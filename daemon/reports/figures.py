"""The report's figures, read in a handful of queries and counted in one pass.

Opened and resolved count tickets created and resolved between --since and
--until; open is the backlog now (tickets not resolved or closed), by age.
Times to first response and to resolution are wall-clock, over the tickets
opened (first response) or resolved (resolution) in the window; SLA met and
breached are judged against the due times of the circulation clock (a target
not yet due and not yet met is "running"). Days are the calendar's days.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import peewee as pw

from daemon.states import OPEN_STATUSES
from daemon.store import rows
from daemon.store.models import Ticket

AGE_BUCKETS = (("< 1 day", 1), ("1-3 days", 3), ("3-7 days", 7), ("7-30 days", 30),
               ("> 30 days", None))
OPEN = tuple(str(s) for s in OPEN_STATUSES)
DONE = ("resolved", "closed")


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    queue: str | None
    now: datetime
    zone: object  # the calendar's ZoneInfo: days are counted in it
    group_fields: tuple[str, ...]  # form fields counts break down by (type, area)


def _dt(value) -> datetime | None:
    """A stored time (SQLite: ISO text; PostgreSQL: naive datetime), aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _q(window: Window) -> tuple[str, tuple]:
    return (" AND queue = ?", (window.queue,)) if window.queue else ("", ())


def _tickets(db: pw.Database, window: Window, where: str, *params) -> list[tuple]:
    extra, qp = _q(window)
    return rows.fetch_all(db, "SELECT id, queue, status, assignee, created_at, resolved_at, "
                              "resolved_by, first_response_at FROM ticket WHERE "
                              f"{where}{extra}", *params, *qp)


def gather(db: pw.Database, window: Window) -> dict:
    """Every figure of the report as plain, JSON-able values."""
    since, until = (Ticket.created_at.db_value(t) for t in (window.since, window.until))
    marks = ", ".join("?" * len(OPEN))
    opened = _tickets(db, window, "created_at >= ? AND created_at < ?", since, until)
    resolved = _tickets(db, window, "resolved_at >= ? AND resolved_at < ?", since, until)
    backlog = _tickets(db, window, f"status IN ({marks})", *OPEN)
    fields = _field_values(db, window, {r[0] for r in opened + resolved + backlog})
    return {
        "window": {"since": window.since.isoformat(), "until": window.until.isoformat(),
                   "queue": window.queue, "generated_at": window.now.isoformat()},
        "totals": {"opened": len(opened), "resolved": len(resolved), "open": len(backlog)},
        "by": {name: _breakdown(opened, resolved, backlog, name, fields)
               for name in ("queue", *window.group_fields)},
        "per_day": _per_day(window, opened, resolved),
        "backlog_by_age": _ages(window, backlog),
        "times": {"first_response": _stats([(_dt(r[7]) - _dt(r[4])).total_seconds()
                                            for r in opened if r[7] is not None]),
                  "resolution": _stats([(_dt(r[5]) - _dt(r[4])).total_seconds()
                                        for r in resolved])},
        "sla": _sla(db, window, since, until),
        "staff": _staff(resolved, backlog),
    }


def _field_values(db, window: Window, ids: set[int]) -> dict[str, dict[int, str]]:
    """field name -> ticket id -> value, for the fields counts break down by."""
    out: dict[str, dict[int, str]] = {n: {} for n in window.group_fields}
    if not window.group_fields or not ids:
        return out
    names = ", ".join("?" * len(window.group_fields))
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):  # the (ticket_id, name) index, per chunk
        chunk = ordered[start:start + 1000]
        for ticket_id, name, value in rows.fetch_all(
                db, f"SELECT ticket_id, name, value FROM ticket_field WHERE ticket_id IN "
                    f"({', '.join('?' * len(chunk))}) AND name IN ({names})",
                *chunk, *window.group_fields):
            out[name][ticket_id] = value
    return out


def _breakdown(opened, resolved, backlog, name: str, fields) -> list[dict]:
    def key(r):
        return r[1] if name == "queue" else fields[name].get(r[0], "(none)")

    counts = {what: Counter(key(r) for r in rs)
              for what, rs in (("opened", opened), ("resolved", resolved), ("open", backlog))}
    groups = sorted(set().union(*counts.values()))
    return [{name: g, **{what: c[g] for what, c in counts.items()}} for g in groups]


def _per_day(window: Window, opened, resolved) -> list[dict]:
    def day(value) -> str:
        return _dt(value).astimezone(window.zone).date().isoformat()

    o, r = Counter(day(x[4]) for x in opened), Counter(day(x[5]) for x in resolved)
    first = window.since.astimezone(window.zone).date()
    last = (window.until - timedelta(microseconds=1)).astimezone(window.zone).date()
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [{"day": d, "opened": o[d], "resolved": r[d]} for d in days]


def _ages(window: Window, backlog) -> list[dict]:
    counts = Counter()
    for r in backlog:
        age = (window.now - _dt(r[4])).total_seconds() / 86400
        counts[next(label for label, limit in AGE_BUCKETS if limit is None or age < limit)] += 1
    return [{"age": label, "open": counts[label]} for label, _ in AGE_BUCKETS]


def _stats(seconds: list[float]) -> dict:
    if not seconds:
        return {"count": 0, "median_seconds": None, "p90_seconds": None}
    p90 = (statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1
           else seconds[0])
    return {"count": len(seconds), "median_seconds": round(statistics.median(seconds), 1),
            "p90_seconds": round(p90, 1)}


def _sla(db, window: Window, since, until) -> list[dict]:
    """Per queue: first-response and resolution targets met, breached, still running."""
    extra, qp = _q(window)
    found = rows.fetch_all(
        db, "SELECT t.queue, t.status, t.first_response_at, t.resolved_at, "
            "c.due_first_response, c.due_resolution FROM sla_clock c JOIN ticket t ON "
            "t.id = c.ticket_id WHERE c.rule IS NOT NULL AND t.created_at >= ? AND "
            f"t.created_at < ?{' AND t.queue = ?' if extra else ''}", since, until, *qp)
    table: dict[str, Counter] = defaultdict(Counter)
    for queue, status, responded, resolved, due_fr, due_res in found:
        done_at = _dt(resolved) if status in DONE else None
        table[queue]["first_response_" + _verdict(_dt(responded) or done_at, _dt(due_fr),
                                                  window.now)] += 1
        table[queue]["resolution_" + _verdict(done_at, _dt(due_res), window.now)] += 1
    keys = [f"{t}_{v}" for t in ("first_response", "resolution")
            for v in ("met", "breached", "running")]
    return [{"queue": q, **{k: table[q][k] for k in keys}} for q in sorted(table)]


def _verdict(done: datetime | None, due: datetime | None, now: datetime) -> str:
    if due is None:
        return "none"
    if done is not None:
        return "met" if done <= due else "breached"
    return "breached" if now > due else "running"


def _staff(resolved, backlog) -> list[dict]:
    load = Counter(r[3] for r in backlog if r[3])
    completed: dict[str, list[int]] = defaultdict(list)
    by_queue: dict[str, Counter] = defaultdict(Counter)
    for r in resolved:
        who = r[6] or "(unknown)"
        completed[who].append(r[0])
        by_queue[who][r[1]] += 1
    people = sorted(set(load) | set(completed))
    return [{"staff": p, "open_assigned": load[p], "completed": len(completed[p]),
             "completed_by_queue": dict(sorted(by_queue[p].items())),
             "completed_tickets": sorted(completed[p])} for p in people]
