"""A work-order database to report on: N tickets over the last 60 days, written directly.

Queues, types and areas, priorities, assignees, first responses, resolutions
and circulation clocks drawn from a seeded random generator, so a rerun gives
the same database (relative to `now`). Used by bench/report_timing.py (10,000
tickets) and by the report tests (a few hundred). The stores must be open.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from daemon.store import rows
from daemon.store.models import SlaClock, Ticket, TicketField

QUEUES = (("repairs", 5), ("field-service", 2), ("north", 2), ("south", 2), ("general", 3))
TYPES = ("repair", "installation", "question")
STAFF = ("alice@example.com", "bob@example.com", "carol@example.com")
PRIORITIES = (("low", 1), ("normal", 6), ("high", 2), ("urgent", 1))


def _pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


def one_ticket(rng: random.Random, i: int, now: datetime) -> tuple[dict, list[dict], dict | None]:
    created = now - timedelta(seconds=rng.uniform(0, 60 * 86400))
    age_days = (now - created).total_seconds() / 86400
    queue, priority = _pick(rng, QUEUES), _pick(rng, PRIORITIES)
    assignee = rng.choice(STAFF) if rng.random() < 0.9 else None
    responded = created + timedelta(minutes=min(5 + rng.expovariate(1 / 360), 72 * 60))
    first_response = responded if rng.random() < 0.85 and responded < now else None
    resolved = created + timedelta(hours=rng.uniform(1, 120))
    done = resolved < now and rng.random() < (0.8 if age_days > 14 else 0.4)
    status = (rng.choice(("resolved", "closed")) if done else
              rng.choice(("new", "open", "open", "pending")))
    ticket = dict(id=i, subject=f"Work order {i}", status=status, queue=queue,
                  assignee=assignee, requester=f"customer{i % 997}@customer.example",
                  priority=priority, tags=[], created_at=created, updated_at=created,
                  resolved_at=resolved if done else None,
                  resolved_by=(assignee or "alice@example.com") if done else None,
                  first_response_at=first_response, version=0)
    fields = [dict(ticket=i, name="type", value=rng.choice(TYPES), source="seed",
                   updated_at=created),
              dict(ticket=i, name="area", value=rng.choice(("north", "south")), source="seed",
                   updated_at=created)]
    clock = None
    if queue == "repairs" and priority in ("high", "urgent"):
        clock = dict(ticket=i, rule="Urgent repairs", started_at=created, paused_seconds=0.0,
                     due_first_response=created + timedelta(hours=4),
                     due_resolution=created + timedelta(hours=48), fired=[])
    return ticket, fields, clock


def seed_tickets(n: int, now: datetime, seed: int = 11) -> None:
    """Write n tickets (ids 1..n) with their fields and clocks, 500 per statement."""
    rng = random.Random(seed)
    db = Ticket._meta.database
    for start in range(1, n + 1, 500):
        tickets, fields, clocks = [], [], []
        for i in range(start, min(start + 500, n + 1)):
            t, f, c = one_ticket(rng, i, now)
            tickets.append(t)
            fields += f
            clocks += [c] if c else []
        with db.atomic():
            rows.insert_many(db, Ticket, tickets)
            rows.insert_many(db, TicketField, fields)
            rows.insert_many(db, SlaClock, clocks)
    if db.param != "?":  # PostgreSQL: ids were given, so move the sequence past them
        db.execute_sql("SELECT setval('ticket_id_seq', (SELECT max(id) FROM ticket))")
