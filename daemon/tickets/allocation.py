"""Automatic allocation: which member of a queue gets the next ticket.

Used for new tickets (apply.py) and for transfers (actions.py). round_robin
moves the queue's cursor in one committed statement; least_open holds its pick
in a row of its own until the caller's transaction commits, so concurrent
workers on PostgreSQL count each other's picks (repository.least_open).
"""

from __future__ import annotations

from daemon.store import repository


def pick_assignee(queue: str, strategy: str, members: list[str]) -> str:
    """round_robin: the member after the last one picked; least_open: the member with
    the fewest open tickets, ties to the one listed first."""
    if strategy == "round_robin":
        return repository.next_round_robin(queue, members)
    return repository.least_open(members)
