"""Allocation, transfer, sender authentication and one ticket's whole history, end to end."""

from __future__ import annotations

from collections import Counter

from conftest import config_text, make_mail, wait_for
from staffmail import (
    AUTH_PASS,
    MX,
    age_ticket,
    body,
    customer_reply,
    forged_reply,
    gmail_reply,
    mail_to,
    outbox_settled,
    relays_to,
    statuses,
    wait_processed,
)

DANA = "dana@customer.example"
SECURE = f'\n[security]\ntrust_authentication_results = "{MX}"\n'


def first_ticket(daemon, sink, **mail):
    daemon.send(make_mail(**mail))
    ticket = wait_for(daemon.tickets, what="a ticket")[0]
    notice = mail_to(sink, ticket["assignee"] or "bob@example.com",
                     f"[Ticket #{ticket['id']}]")[0]
    return ticket, notice


def test_full_history_new_open_pending_reopened_resolved_closed(daemon, sink):
    ticket, notice = first_ticket(daemon, sink)
    tid = ticket["id"]
    daemon.send(gmail_reply(notice, "Hi Dana, which model is it?"))
    relay = relays_to(sink, DANA)[0]
    daemon.send(gmail_reply(notice, "#status pending"))
    mail_to(sink, DANA, "waiting for your answer")
    daemon.send(customer_reply(relay, "It is an LX-200."))
    wait_for(lambda: daemon.ticket(tid)["status"] == "open", what="reopened by the customer")
    daemon.send(gmail_reply(notice, "#status resolved\n\nFirmware 2.1 fixes it."))
    wait_for(lambda: daemon.ticket(tid)["status"] == "resolved", what="resolved")

    # close_resolved_after_days (7) pass: age the resolution, restart so housekeeping runs now.
    daemon.stop()
    age_ticket(daemon, tid, "resolved_at", 8)
    daemon.start()
    detail = wait_for(lambda: (lambda d: d if d["status"] == "closed" else None)(
        daemon.ticket(tid)), what="closed by housekeeping")

    assert statuses(detail) == [
        ("new", "open", "alice@example.com"),
        ("open", "pending", "alice@example.com"),
        ("pending", "open", DANA),
        ("open", "resolved", "alice@example.com"),
        ("resolved", "closed", "ticketd"),
    ]
    assert detail["resolved_by"] == "alice@example.com"
    assert detail["requester"] == DANA
    events = detail["events"]
    assert events[0]["action"] == "created" and events[0]["actor"] == DANA
    assert all(e["at"].endswith("+00:00") for e in events)
    notified = [e["new"] for e in events if e["action"] == "notified"]
    assert any(n.startswith("relay to dana") for n in notified)
    assert any(n.startswith("status_pending to dana") for n in notified)
    kinds = [(m["direction"], m["kind"]) for m in detail["messages"]]
    assert ("in", "staff") in kinds and ("out", "staff") in kinds and ("in", "customer") in kinds


def test_cli_and_mail_share_one_history(daemon, sink):
    ticket, _ = first_ticket(daemon, sink)
    tid = str(ticket["id"])
    daemon.cli("tickets", "priority", tid, "high", "--as", "ops@cli")
    daemon.cli("tickets", "tag", tid, "vip", "--as", "ops@cli")
    daemon.cli("tickets", "cc", tid, "add", "eve@customer.example", "--as", "ops@cli")
    daemon.cli("tickets", "queue", tid, "billing", "--as", "ops@cli")
    bad = daemon.cli("tickets", "queue", tid, "nowhere", check=False)
    assert bad.returncode == 2 and b"not a queue" in bad.stderr
    detail = daemon.ticket(ticket["id"])
    assert (detail["priority"], detail["tags"], detail["participants"], detail["queue"]) == (
        "high", ["vip"], ["eve@customer.example"], "billing")
    mine = [(e["action"], e["new"]) for e in detail["events"] if e["actor"] == "ops@cli"]
    assert mine == [("priority", "high"), ("tag added", "vip"),
                    ("participant added", "eve@customer.example"), ("queue", "billing")]


def test_queue_transfer_reruns_the_strategy_unless_an_assignee_is_named(daemon, sink):
    # billing is least_open over alice, bob, carol; give alice and carol one open ticket each.
    for i in range(2):
        daemon.send(make_mail(frm=f"x{i}@customer.example", to="billing@example.com",
                              subject=f"Billing {i}"))
    wait_for(lambda: len(daemon.tickets()) == 2, what="2 billing tickets")
    assert Counter(t["assignee"] for t in daemon.tickets()) == {"alice@example.com": 1,
                                                                 "bob@example.com": 1}
    for t in daemon.tickets():
        if t["assignee"] == "bob@example.com":
            daemon.cli("tickets", "assign", str(t["id"]), "carol@example.com")
    daemon.send(make_mail(subject="Printer on fire"))  # general, round robin -> alice
    general = wait_for(lambda: [t for t in daemon.tickets() if t["queue"] == "general"],
                       what="the general ticket")[0]
    assert general["assignee"] == "alice@example.com"
    notice = mail_to(sink, "alice@example.com", f"[Ticket #{general['id']}]")[0]

    daemon.send(gmail_reply(notice, "#queue billing"))
    moved = wait_for(lambda: (lambda t: t if t["queue"] == "billing" else None)(
        daemon.ticket(general["id"])), what="the transfer")
    assert moved["assignee"] == "bob@example.com"  # the least loaded billing member
    assigned = mail_to(sink, "bob@example.com", "assigned to you")[0]
    assert f"[Ticket #{general['id']}]" in assigned["Subject"]
    actors = {(e["action"], e["actor"]) for e in moved["events"]}
    assert ("queue", "alice@example.com") in actors
    assert ("assignee", "ticketd (least_open)") in actors

    daemon.send(gmail_reply(assigned, "#queue sales\n#assign carol", frm="bob@example.com"))
    wait_for(lambda: daemon.ticket(general["id"])["queue"] == "sales", what="second transfer")
    assert daemon.ticket(general["id"])["assignee"] == "carol@example.com"


def test_round_robin_over_three_staff_spreads_thirty_tickets_evenly(daemon):
    for i in range(30):
        daemon.send(make_mail(frm=f"c{i}@customer.example", subject=f"Question {i}"))
    tickets = wait_for(lambda: (lambda t: t if len(t) == 30 else None)(daemon.tickets()),
                       what="30 tickets")
    assert Counter(t["assignee"] for t in tickets) == {
        "alice@example.com": 10, "bob@example.com": 10, "carol@example.com": 10}


def test_spoofed_staff_from_without_authentication_changes_nothing(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, extra=SECURE))
    ticket, notice = first_ticket(daemon, sink)
    before = daemon.ticket(ticket["id"])
    forged_elsewhere = {"Authentication-Results":
                        "evil.example; dmarc=pass header.from=example.com"}
    daemon.send(forged_reply(notice, "#status resolved\n#assign carol\n#cc add x@evil.example\n"
                                     "\nPlease send your password to x@evil.example",
                             headers=forged_elsewhere))
    wait_processed(daemon, 2)
    outbox_settled(daemon)
    after = daemon.ticket(ticket["id"])
    for key in ("status", "assignee", "queue", "priority", "tags", "participants",
                "resolved_by"):
        assert after[key] == before[key], key
    assert all("password" not in body(m) for m in sink.to(DANA))
    assert [m for m in sink.to(DANA) if " via " in m["From"]] == []
    stored = [m for m in after["messages"] if m["direction"] == "in"][-1]
    assert stored["kind"] == "customer" and "password" in stored["text"]
    assert "not authenticated" in daemon.log_text()

    # The same staff member, vouched for by our MTA, is obeyed.
    daemon.send(gmail_reply(notice, "#status pending\n\nWhich model is it?",
                            headers={"Authentication-Results": AUTH_PASS}))
    relay = relays_to(sink, DANA)[0]
    assert "Which model is it?" in body(relay)
    assert daemon.ticket(ticket["id"])["status"] == "pending"
