"""least_open allocation reads maintained counts: they must agree with the tickets after every
kind of change (new tickets, status changes, reassignment, transfer), by mail or by CLI."""

from __future__ import annotations

from conftest import make_mail, wait_for


def maintained(daemon) -> dict[str, int]:
    counts = dict(daemon.sql("SELECT email, open_count FROM staffload"))
    for email, n in daemon.sql("SELECT email, SUM(delta) FROM staffloadchange GROUP BY email"):
        counts[email] = counts.get(email, 0) + n
    return {e: n for e, n in counts.items() if n}


def counted(daemon) -> dict[str, int]:
    return dict(daemon.sql("SELECT assignee, COUNT(*) FROM ticket WHERE assignee IS NOT NULL "
                           "AND status IN ('new', 'open', 'pending') GROUP BY assignee"))


def test_least_open_counts_follow_every_change(daemon):
    for i in range(6):
        daemon.send(make_mail(frm=f"c{i}@customer.example", subject=f"Refund {i}"))
    tickets = wait_for(lambda: (t := daemon.tickets()) and len(t) == 6 and t, what="6 tickets")
    assert sorted(counted(daemon).values()) == [2, 2, 2]  # least_open spread them evenly
    assert maintained(daemon) == counted(daemon)
    ids = [t["id"] for t in tickets]
    daemon.cli("tickets", "status", str(ids[0]), "resolved")
    daemon.cli("tickets", "assign", str(ids[1]), "carol@example.com")
    daemon.cli("tickets", "queue", str(ids[2]), "sales")  # sales: manual, bob only
    daemon.cli("tickets", "status", str(ids[3]), "pending")  # still open work
    assert maintained(daemon) == counted(daemon)
    daemon.send(make_mail(frm="c9@customer.example", subject="Refund 9"))
    wait_for(lambda: len(daemon.tickets()) == 7, what="the 7th ticket")
    assert maintained(daemon) == counted(daemon)
    least = min(counted(daemon).values())
    newest = daemon.tickets()[0]
    assert counted(daemon)[newest["assignee"]] - 1 <= least  # went to a least loaded member
