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


def test_least_open_spreads_a_burst_evenly_across_concurrent_workers(daemon):
    """Both workers pick at once: each must see the other's new tickets in the counts (on
    PostgreSQL two concurrent picks once both read zero and gave one member two tickets)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda i: daemon.send(make_mail(frm=f"b{i}@customer.example",
                                                      to="billing@example.com",
                                                      subject=f"Billing {i}")), range(30)))
    wait_for(lambda: len(daemon.tickets()) == 30, what="30 tickets")
    assert sorted(counted(daemon).values()) == [10, 10, 10]
    assert maintained(daemon) == counted(daemon)
